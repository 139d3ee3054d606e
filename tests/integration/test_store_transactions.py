"""Transactions as the services get them: ``App.read`` reads one consistent snapshot,
read only on PostgreSQL; a unit of work takes the chain head's lock before it decides."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import DBAPIError

from parley.bootstrap import App
from parley.services.people.organisation import register_actor
from parley.store.tables import actors, chain_head, events, parties
from tests.helpers import UA, register_three


def _register_elsewhere(app: App, actor: str) -> None:
    """A write by another thread, on its own connection, committed before it returns."""
    failed: list[BaseException] = []

    def write() -> None:
        try:
            register_actor(app, actor=actor, party=UA, title="an officer", role="tracing")
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            failed.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(60)
    assert not thread.is_alive() and not failed, failed


def test_two_reads_in_one_snapshot_agree_while_a_write_commits(app: App) -> None:
    register_three(app)
    with app.read() as conn:
        head = conn.execute(select(chain_head.c.seq)).scalar_one()
        _register_elsewhere(app, "officer-between")
        # At READ COMMITTED these would see the event and the actor committed meanwhile.
        assert conn.execute(select(func.count()).select_from(events)).scalar_one() == head
        assert conn.execute(select(func.max(events.c.seq))).scalar_one() == head
        assert "officer-between" not in set(conn.execute(select(actors.c.id)).scalars())
    with app.read() as conn:
        assert conn.execute(select(chain_head.c.seq)).scalar_one() == head + 1
        assert "officer-between" in set(conn.execute(select(actors.c.id)).scalars())


def test_a_read_on_postgresql_is_repeatable_read_and_read_only(app: App) -> None:
    if app.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's read is a deferred transaction: one snapshot, not read only")
    with app.read() as conn:
        assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == "repeatable read"
        assert conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
        with pytest.raises(DBAPIError, match="read-only transaction"):
            conn.execute(insert(parties).values(code="XX", title="X", kind="party",
                                                event_seq=0))
    # The pool gives the connection back as it was: a unit of work still writes.
    register_three(app)


def test_exclusive_takes_the_chain_head_as_the_write_will_extend_it(app: App) -> None:
    register_three(app)
    with app.read() as conn:
        seq, digest = conn.execute(select(chain_head.c.seq, chain_head.c.hash)).one()
    with app.uow() as uow:
        conn = uow.exclusive()
        assert conn is uow.conn
        assert uow.lock_head() == (seq, digest)
