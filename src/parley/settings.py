"""Settings read once from the environment by :func:`parley.bootstrap.bootstrap`.

Nothing here is read at import time; :meth:`Settings.from_env` is called by the
composition root only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = Path("parley-data")


@dataclass(frozen=True)
class Settings:
    """Where Parley keeps its data and keys, and how much it logs."""

    database_url: str
    key_dir: Path
    log_level: str = "WARNING"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("PARLEY_DATA_DIR", str(DEFAULT_DATA_DIR)))
        url = env.get("PARLEY_DATABASE_URL") or f"sqlite:///{data_dir / 'parley.db'}"
        key_dir = Path(env.get("PARLEY_KEY_DIR", str(data_dir / "keys")))
        return cls(
            database_url=url,
            key_dir=key_dir,
            log_level=env.get("PARLEY_LOG_LEVEL", "WARNING").upper(),
        )

    @classmethod
    def for_directory(cls, directory: Path, *, log_level: str = "WARNING") -> Settings:
        """Settings for a self-contained Parley in one directory (the demo, tests)."""
        return cls(
            database_url=f"sqlite:///{directory / 'parley.db'}",
            key_dir=directory / "keys",
            log_level=log_level,
        )
