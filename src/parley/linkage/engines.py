"""Splink backends: DuckDB in memory by default, Spark (local mode here) for big registries.

The same model and the same comparisons run on either; only the database API differs.
Spark needs ``pyspark`` (the ``spark`` extra) and a Java runtime; its session is built
with Splink's similarity jar, without which ``JARO_WINKLER`` and friends are unresolved.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from parley.errors import ConfigError, InputError

ENGINES = ("duckdb", "spark")


def database_api(engine: str, *, threads: int | None = None) -> Any:
    """A fresh Splink database API for ``engine``."""
    if engine == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        connection = duckdb.connect(":memory:")
        if threads:
            connection.execute(f"SET threads = {int(threads)}")
        connection.execute("SET preserve_insertion_order = false")
        # Bounded memory: DuckDB spills to a temporary directory rather than growing.
        limit = os.environ.get("PARLEY_DUCKDB_MEMORY", "3GB")
        connection.execute("SET memory_limit = ?", [limit])
        connection.execute("SET temp_directory = ?",
                           [os.path.join(tempfile.gettempdir(), "parley-duckdb")])
        return DuckDBAPI(connection=connection)
    if engine == "spark":
        return _spark_api()
    raise InputError(f"--engine {engine!r} must be one of {', '.join(ENGINES)}")


def _spark_api() -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError(
            "the Spark engine needs pyspark: pip install 'parley[spark]' (and Java 17)"
        ) from None
    from splink.backends.spark import SparkAPI, similarity_jar_location

    checkpoints = tempfile.mkdtemp(prefix="parley-spark-")
    partitions = os.environ.get("PARLEY_SPARK_PARTITIONS", "4")
    spark = (
        SparkSession.builder.master(os.environ.get("PARLEY_SPARK_MASTER", "local[2]"))
        .appName("parley-link")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", partitions)
        .config("spark.default.parallelism", partitions)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", os.environ.get("PARLEY_SPARK_MEMORY", "2g"))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(checkpoints)
    return SparkAPI(spark_session=spark, break_lineage_method="persist",  # type: ignore[no-untyped-call]
                    num_partitions_on_repartition=int(partitions))


def stop(api: Any) -> None:
    """Release what the API holds (the Spark session; DuckDB closes with the object)."""
    spark = getattr(api, "spark", None)
    if spark is not None:
        spark.stop()
