"""The same model on Splink's Spark backend (local mode) gives the same persons as DuckDB.

Kept tiny: a Spark session alone takes tens of seconds on a small machine.
"""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from parley.linkage import Features, default_model, link_rows
from parley.linkage.model import term_frequencies

pytest.importorskip("pyspark", reason="the spark extra is not installed")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime")
def test_spark_engine_matches_duckdb(rows: list[Features]) -> None:
    sample = rows[:150]
    model = replace(default_model(), tf=term_frequencies(sample))
    on_spark = link_rows(sample, model=model, engine="spark")
    on_duckdb = link_rows(sample, model=model, engine="duckdb")
    assert on_spark.candidate_pairs == on_duckdb.candidate_pairs > 0
    assert ({frozenset(g) for g in on_spark.partition.groups}
            == {frozenset(g) for g in on_duckdb.partition.groups})
    assert any(len(g) > 1 for g in on_spark.partition.groups)
