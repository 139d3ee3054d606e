"""Group commit: writes waiting together share one transaction, yet each acts alone.

A write that fails rolls back alone and reports its own error; the others of its batch
commit; a batch whose commit fails acknowledges nothing; a write reads what the writes
before it in its batch did (a retried key replays); the chain stays one unbroken line.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from parley.bootstrap import App
from parley.errors import Conflict, InputError, NotFound
from parley.runtime import idempotency
from parley.runtime.group_commit import GroupCommit
from parley.runtime.transactions import ServerTransactions, service_app
from parley.services.ledger import verify_ledger
from parley.services.people.organisation import register_actor
from parley.store.tables import actors, idempotency_keys
from tests.helpers import UA, register_three


def _actors(app: App) -> set[str]:
    with app.read() as conn:
        return set(conn.execute(select(actors.c.id)).scalars())


def _register(served: App, actor: str, *, key: str | None = None,
              party: str = UA) -> Callable[[], idempotency.Answer]:
    """The write an API route hands to the group commit: an idempotent registration."""
    def write() -> idempotency.Answer:
        return idempotency.run(
            served, owner="tester", key=key, request_fingerprint=f"register {actor} {party}",
            operation=lambda: register_actor(served, actor=actor, party=party,
                                             title="an officer", role="tracing"),
            render=lambda registered: (201, {"actor": registered.id}))
    return write


class _Held:
    """A first write that holds the writer thread until the others are queued behind it."""

    def __init__(self, gc: GroupCommit, waiting: int) -> None:
        self.gc = gc
        self.waiting = waiting
        self.started = threading.Event()

    def __call__(self) -> str:
        self.started.set()
        while True:  # bounded by the test's timeout: the others are queued at once
            with self.gc._cond:
                if len(self.gc._queue) >= self.waiting:
                    return "held"
            self.started.wait(0.01)


def _batch(gc: GroupCommit, writes: list[Callable[[], Any]]) -> list[Any]:
    """Run ``writes`` so that they form exactly one batch (after a holding write)."""
    held = _Held(gc, len(writes))
    first = threading.Thread(target=gc.run, args=(held,))
    first.start()
    held.started.wait(30)
    results: list[Any] = [None] * len(writes)

    def submit(i: int) -> None:
        try:
            results[i] = gc.run(writes[i])
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(writes))]
    for t in threads:
        t.start()
    for t in [first, *threads]:
        t.join(60)
    return results


def _writer_lock(served: App) -> Any:
    assert isinstance(served.transactions, ServerTransactions)
    return served.transactions.writer_lock


@pytest.fixture
def served(app: App) -> App:
    register_three(app)
    return service_app(app)


def test_a_failed_write_rolls_back_alone_and_the_others_commit(served: App) -> None:
    gc = GroupCommit(served.engine, _writer_lock(served))
    try:
        results = _batch(gc, [_register(served, "officer-1"),
                              _register(served, "officer-2", party="XX"),
                              _register(served, "officer-3")])
    finally:
        gc.stop()
    assert gc.batches == 2 and gc.writes == 4  # the holding write, then the three together
    assert results[0] == idempotency.Answer(201, {"actor": "officer-1"})
    assert isinstance(results[1], NotFound)
    assert str(results[1]) == "party XX is not registered"
    assert results[2] == idempotency.Answer(201, {"actor": "officer-3"})
    assert {"officer-1", "officer-3"} <= _actors(served)
    assert "officer-2" not in _actors(served)
    report = verify_ledger(served)
    assert report.ok, report.failure


def test_a_retry_in_the_same_batch_replays_the_first_answer(served: App) -> None:
    gc = GroupCommit(served.engine, _writer_lock(served))
    try:
        results = _batch(gc, [_register(served, "officer-7", key="k-7"),
                              _register(served, "officer-7", key="k-7")])
    finally:
        gc.stop()
    assert results[0] == idempotency.Answer(201, {"actor": "officer-7"})
    assert results[1] == idempotency.Answer(201, {"actor": "officer-7"}, replayed=True)
    with served.read() as conn:
        assert conn.execute(select(func.count()).select_from(idempotency_keys)).scalar() == 1


def test_a_failed_commit_acknowledges_nothing(served: App) -> None:
    gc = GroupCommit(served.engine, _writer_lock(served))

    def fail_at_commit() -> None:
        # A deferred check that fails only at COMMIT stands in for a disk that refuses it.
        from parley.runtime.group_commit import current_connection

        conn = current_connection()
        assert conn is not None
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            conn.exec_driver_sql(
                "INSERT INTO record_links (record_id, person_id, method, probability, "
                "event_seq) VALUES ('no-such-record', 'no-such-person', 'x', 1.0, 0)")
        else:
            conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")
            conn.exec_driver_sql("CREATE TEMP TABLE t (x int) ON COMMIT DROP")
            conn.exec_driver_sql("CREATE CONSTRAINT TRIGGER fail AFTER INSERT ON t "
                                 "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                                 "EXECUTE FUNCTION parley_fail()")
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")

    if served.engine.dialect.name != "sqlite":
        with served.engine.begin() as conn:
            conn.exec_driver_sql(
                "CREATE OR REPLACE FUNCTION parley_fail() RETURNS trigger LANGUAGE plpgsql "
                "AS $$ BEGIN RAISE EXCEPTION 'commit refused'; END $$")
    try:
        results = _batch(gc, [_register(served, "officer-4"), fail_at_commit,
                              _register(served, "officer-5")])
    finally:
        gc.stop()
    assert all(isinstance(r, Exception) for r in results), results
    assert not {"officer-4", "officer-5"} & _actors(served)
    report = verify_ledger(served)
    assert report.ok, report.failure


def test_errors_reach_the_caller_unchanged(served: App) -> None:
    gc = GroupCommit(served.engine, _writer_lock(served))

    def refuse() -> None:
        raise Conflict("stage 3 of ISTANBUL-2025 is closed; nothing changed")

    try:
        with pytest.raises(Conflict) as closed:
            gc.run(refuse)
        assert str(closed.value) == "stage 3 of ISTANBUL-2025 is closed; nothing changed"
        with pytest.raises(InputError) as bad_key:
            gc.run(lambda: idempotency.check_key("bad key with spaces"))
        assert str(bad_key.value) == \
            "header Idempotency-Key must be 1-200 visible ASCII characters"
        assert gc.run(_register(served, "officer-6")).body == {"actor": "officer-6"}
    finally:
        gc.stop()
    assert "officer-6" in _actors(served)
