"""The stored chain: every single-byte change is caught and named; concurrent writers never fork."""

from __future__ import annotations

import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from parley.bootstrap import App
from parley.services.intake.lists import ListMeta, RecordInput, record_list
from parley.services.ledger import verify_ledger
from parley.services.people.organisation import register_actor
from parley.store.tables import events
from tests.helpers import UA, register_three

TAMPERABLE = ("type", "actor", "recorded_at", "payload", "prev_hash", "hash", "signature")


def _fill(app: App) -> int:
    actors = register_three(app)
    record_list(app, meta=ListMeta(source="s", kind="origin_list", file_name="f.csv",
                                   file_sha256="ab" * 32, party=UA),
                records=[RecordInput(row_number=2, fields={"surname": "Мельник",
                                                           "given_name": "Олександр"})],
                actor=actors[UA], one_person_per_record=True)
    report = verify_ledger(app)
    assert report.ok, report.failure
    return report.events


def test_untouched_ledger_verifies(app: App) -> None:
    assert _fill(app) == 8


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_single_change_is_named(sqlite_app: App, data: st.DataObject) -> None:
    app = sqlite_app
    with app.read() as conn:
        count = conn.execute(select(events.c.seq)).all()
    if not count:
        _fill(app)
        with app.read() as conn:
            count = conn.execute(select(events.c.seq)).all()
    seq = data.draw(st.integers(1, len(count)), label="event")
    column = data.draw(st.sampled_from(TAMPERABLE), label="column")
    with app.read() as conn:
        original = conn.execute(select(events.c[column]).where(events.c.seq == seq)).scalar_one()
    pos = data.draw(st.integers(0, len(original) - 1), label="position")
    replacement = data.draw(st.characters(min_codepoint=32, max_codepoint=126)
                            .filter(lambda ch: ch != original[pos]), label="char")
    changed = original[:pos] + replacement + original[pos + 1:]
    with app.engine.begin() as conn:
        conn.execute(update(events).where(events.c.seq == seq).values({column: changed}))
    try:
        report = verify_ledger(app)
        assert report.failure is not None
        assert report.failure.seq == seq, str(report.failure)
    finally:
        with app.engine.begin() as conn:
            conn.execute(update(events).where(events.c.seq == seq).values({column: original}))
    assert verify_ledger(app).ok


def test_concurrent_writers_never_fork(app: App) -> None:
    register_three(app)
    errors: list[BaseException] = []

    def writer(prefix: str) -> None:
        try:
            for i in range(8):
                register_actor(app, actor=f"{prefix}-{i}", party=UA, title=prefix,
                               role="officer")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = verify_ledger(app)
    assert report.ok, report.failure
    assert report.events == 6 + 4 * 8
