"""Migrations run from empty on both backends and produce exactly the declared tables."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from parley.bootstrap import App
from parley.store.migrate import current_revision, head_revision
from parley.store.tables import chain_head, metadata


def test_migrated_schema_matches_tables(app: App) -> None:
    assert current_revision(app.engine) == head_revision()
    with app.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_fresh_chain_head_is_genesis(app: App) -> None:
    with app.read() as conn:
        row = conn.execute(select(chain_head)).one()
    assert (row.id, row.seq, row.hash) == (1, 0, "0" * 64)
