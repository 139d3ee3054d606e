"""Migrations run from empty on both backends and produce exactly the declared tables."""

from __future__ import annotations

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError

from parley.bootstrap import App
from parley.errors import IntegrityFailure
from parley.store.migrate import current_revision, downgrade, head_revision, upgrade
from parley.store.tables import chain_head, metadata, parties
from tests.helpers import UA, register_three


def test_migrated_schema_matches_tables(app: App) -> None:
    assert current_revision(app.engine) == head_revision()
    with app.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_fresh_chain_head_is_genesis(app: App) -> None:
    with app.read() as conn:
        row = conn.execute(select(chain_head)).one()
    assert (row.id, row.seq, row.hash) == (1, 0, "0" * 64)


def _words(sql: str) -> set[str]:
    """The quoted literals of a CHECK condition, however the backend spells it back."""
    return {m.replace("''", "'") for m in re.findall(r"'((?:[^']|'')*)'", sql)}


def test_check_constraints_match_tables(app: App) -> None:
    """compare_metadata does not look at CHECK constraints: each table's (name, words)
    as migrated must be those store/tables.py builds from the vocabulary."""
    found = inspect(app.engine)
    for table in metadata.sorted_tables:
        declared = {c.name: _words(str(c.sqltext.compile(
            compile_kwargs={"literal_binds": True})))
            for c in table.constraints if isinstance(c, CheckConstraint)}
        migrated = {c["name"]: _words(c["sqltext"])
                    for c in found.get_check_constraints(table.name)}
        assert migrated == declared, table.name
    assert _words("x IN ('a', 'b')") == {"a", "b"}


def test_the_schema_refuses_a_word_outside_its_set(app: App) -> None:
    register_three(app)
    with pytest.raises(IntegrityError), app.engine.begin() as conn:
        conn.execute(insert(parties).values(code="OBS", title="observer", kind="observer",
                                            event_seq=0))
    with pytest.raises(IntegrityError), app.engine.begin() as conn:
        conn.execute(update(parties).where(parties.c.code == UA).values(kind="Party"))


def test_a_stored_stray_word_stops_the_migration_until_corrected(app: App) -> None:
    register_three(app)
    downgrade(app.engine, "0011_inquirers")
    with app.engine.begin() as conn:
        conn.execute(update(parties).where(parties.c.code == UA).values(kind="partner"))
    with pytest.raises(IntegrityFailure, match="parties.kind holds 'partner' "
                                               r"\(allowed: party, intermediary\)"):
        upgrade(app.engine)
    assert current_revision(app.engine) == "0011_inquirers"
    with app.engine.begin() as conn:
        conn.execute(update(parties).where(parties.c.code == UA).values(kind="party"))
    assert upgrade(app.engine) == ("0011_inquirers", head_revision())
    with app.read() as conn:
        assert conn.execute(select(parties.c.kind).where(parties.c.code == UA)).scalar() \
            == "party"
