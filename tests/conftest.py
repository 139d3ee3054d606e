"""Shared fixtures: databases on both backends, a bootstrapped Parley, actors with keys.

Integration tests take ``database_url``, which is parametrised over SQLite and
PostgreSQL. PostgreSQL runs when ``PARLEY_TEST_POSTGRES_URL`` names a server where we
may create databases (``.ci/run`` starts one); with ``PARLEY_REQUIRE_POSTGRES=1`` (CI) a
missing server fails the run instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from parley.bootstrap import App, bootstrap
from parley.settings import Settings

BACKENDS = ["sqlite", "postgres"]


def _postgres_admin_url() -> str | None:
    url = os.environ.get("PARLEY_TEST_POSTGRES_URL")
    if not url and os.environ.get("PARLEY_REQUIRE_POSTGRES"):
        pytest.fail("PARLEY_REQUIRE_POSTGRES is set but PARLEY_TEST_POSTGRES_URL is not")
    return url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'parley.db'}"
        return
    admin = _postgres_admin_url()
    if not admin:
        pytest.skip("PostgreSQL not configured (set PARLEY_TEST_POSTGRES_URL)")
    name = f"parley_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, key_dir=tmp_path / "keys")


@pytest.fixture
def app(settings: Settings) -> Iterator[App]:
    parley = bootstrap(settings)
    try:
        yield parley
    finally:
        parley.close()


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[App]:
    """A Parley on SQLite only, for tests whose backend does not matter."""
    parley = bootstrap(Settings.for_directory(tmp_path / "parley"))
    try:
        yield parley
    finally:
        parley.close()
