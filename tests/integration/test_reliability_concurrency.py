"""Writes that arrive at the same instant: one consistent outcome each time, one chain.

Each test releases its threads together through a barrier, on SQLite and PostgreSQL,
then checks the outcome against the chain: the ledger verifies, the event count is
exactly what one sequential order would give, and the tables agree with the events.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

from parley.bootstrap import App
from parley.errors import ParleyError
from parley.services.exchange.handover import confirm_handover
from parley.services.exchange.stages import plan_stage
from parley.services.intake.imports import import_list
from parley.services.intake.lists import ListMeta, RecordInput, record_list
from parley.services.ledger import verify_ledger
from parley.services.people.organisation import register_actor
from parley.services.registry.identity import decide, person_of_record
from parley.store.tables import (
    events,
    handover_confirmations,
    match_decisions,
    quarantined_rows,
    source_lists,
    source_records,
)
from tests.helpers import ACTORS, INT, RU, UA, register_three
from tests.integration.exchange.builders import YOUNG, exchange, ready


def at_once(app: App, *calls: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run ``calls`` in threads released together; their results and errors."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            value = call()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            with lock:
                errors.append(exc)
        else:
            with lock:
                results.append(value)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    with reads_done_before_the_lock(app, len(calls)):
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer is stuck"
    return results, errors


@contextmanager
def reads_done_before_the_lock(app: App, writers: int) -> Iterator[None]:
    """On PostgreSQL, hold each writer just before it takes the chain-head lock until all
    ``writers`` are there: every one has read the state it decides on, so a service that
    reads before it locks acts on stale reads every time, not once in a thousand runs.
    (SQLite's BEGIN IMMEDIATE already serialises whole write transactions.)"""
    if app.engine.dialect.name == "sqlite":
        yield
        return
    barrier = threading.Barrier(writers)
    waited = threading.local()

    def hold(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "chain_head" in statement and "FOR UPDATE" in statement and \
                not getattr(waited, "done", False):
            waited.done = True
            with suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=3)

    event.listen(app.engine, "before_cursor_execute", hold)
    try:
        yield
    finally:
        event.remove(app.engine, "before_cursor_execute", hold)


def event_types(app: App) -> Counter[str]:
    with app.read() as conn:
        return Counter(dict(conn.execute(select(events.c.type, func.count())
                                         .group_by(events.c.type)).all()))


def assert_one_chain(app: App, expected_events: int) -> None:
    report = verify_ledger(app)
    assert report.ok, report.failure
    assert report.events == expected_events


def _stage_with_one_person(app: App) -> tuple[str, str]:
    ex = exchange(app, ua_births=[YOUNG], ru_births=[YOUNG])
    ready(ex, ex.ua_people)
    ready(ex, ex.ru_people)
    planned = plan_stage(app, agreement_id=ex.agreement.id, stage_date="2025-06-09",
                         capacity=1, actor=ACTORS[INT])
    return planned.stage.id, ex.ua_people[0]


def test_three_sides_confirm_one_person_at_the_same_instant(app: App) -> None:
    stage_id, person = _stage_with_one_person(app)
    before = verify_ledger(app).events
    results, errors = at_once(app, *(
        (lambda a=actor: confirm_handover(app, stage_id=stage_id, person_ids=[person],
                                          actor=a))
        for actor in (ACTORS[UA], ACTORS[RU], ACTORS[INT])))
    assert errors == []
    assert sorted(results) == [1, 1, 1]
    with app.read() as conn:
        roles = sorted(conn.execute(select(handover_confirmations.c.role).where(
            handover_confirmations.c.stage_id == stage_id,
            handover_confirmations.c.person_id == person)).scalars())
    assert roles == ["intermediary", "receiving", "sending"]
    assert_one_chain(app, before + 3)


def test_one_side_confirming_the_same_person_three_times_at_once_acts_once(app: App) -> None:
    stage_id, person = _stage_with_one_person(app)
    before = verify_ledger(app).events
    results, errors = at_once(app, *(
        (lambda: confirm_handover(app, stage_id=stage_id, person_ids=[person],
                                  actor=ACTORS[RU])) for _ in range(3)))
    assert errors == []
    assert sorted(results) == [0, 0, 1]
    assert_one_chain(app, before + 1)
    assert event_types(app)["handover.confirmed"] == 1


def _two_similar_records(app: App) -> tuple[str, str]:
    register_three(app)
    ids = []
    for party, fields in ((UA, {"record_id": "u1", "surname": "Коваленко",
                                "given_name": "Олександр", "birth_date": "2001-03-05"}),
                          (RU, {"record_id": "r1", "surname": "Коваленко",
                                "given_name": "Александр", "birth_date": "2001-05-03"})):
        recorded = record_list(app, meta=ListMeta(
            source=f"{party}-list", kind="origin_list", file_name=f"{party}.csv",
            file_sha256=f"{party:0<64}".lower()[:64], party=party, rows=1),
            records=[RecordInput(row_number=2, fields=fields)], actor=ACTORS[party],
            one_person_per_record=True)
        ids.append(recorded.record_ids[0])
    register_actor(app, actor="int-reviewer-2", party=INT, title="Second reviewer",
                   role="reviewer")
    return ids[0], ids[1]


def _decision_state(app: App, a: str, b: str) -> tuple[list[str], str | None]:
    """The verdicts in chain order, and the verdict the table holds now."""
    with app.read() as conn:
        verdicts = [json.loads(p)["decision"] for p in conn.execute(
            select(events.c.payload).where(events.c.type == "match.decided")
            .order_by(events.c.seq)).scalars()]
        held = conn.execute(select(match_decisions.c.decision).where(
            match_decisions.c.record_a == min(a, b),
            match_decisions.c.record_b == max(a, b))).scalar()
    return verdicts, held


def test_two_officers_deciding_the_same_match_at_once(app: App) -> None:
    a, b = _two_similar_records(app)
    before = event_types(app)
    results, errors = at_once(
        app,
        lambda: decide(app, decision="same", actor=ACTORS[INT], records=(a, b)),
        lambda: decide(app, decision="different", actor="int-reviewer-2", records=(a, b)))
    assert errors == []
    assert len(results) == 2
    verdicts, held = _decision_state(app, a, b)
    # Both verdicts are in the chain in the order they were applied; the last one holds.
    assert sorted(verdicts) == ["different", "same"]
    assert held == verdicts[-1]
    together = person_of_record(app, a) == person_of_record(app, b)
    assert together == (held == "same")
    after = event_types(app)
    assert after["match.decided"] - before["match.decided"] == 2
    report = verify_ledger(app)
    assert report.ok, report.failure


def test_two_officers_agreeing_at_once_join_the_records_once(app: App) -> None:
    a, b = _two_similar_records(app)
    _results, errors = at_once(
        app,
        lambda: decide(app, decision="same", actor=ACTORS[INT], records=(a, b)),
        lambda: decide(app, decision="same", actor="int-reviewer-2", records=(a, b)))
    assert errors == []
    assert person_of_record(app, a) == person_of_record(app, b)
    types = event_types(app)
    assert types["identity.merged"] <= 1
    report = verify_ledger(app)
    assert report.ok, report.failure


CSV = ("record_id,surname,given_name,birth_date,service_number\n"
       "a1,Коваленко,Олександр,05.03.2001,АА123456\n"
       "a2,Бондаренко,Іван,31.02.1999,АА654321\n"
       "a3,Шевченко,Андрій,1998,АА111222\n")


def test_two_imports_of_the_same_file_at_once(app: App, tmp_path: Path) -> None:
    register_three(app)
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(CSV, encoding="utf-8")
    second.write_text(CSV, encoding="utf-8")
    before = verify_ledger(app).events
    results, errors = at_once(app, *(
        (lambda p=p: import_list(app, path=p, kind="capture_card", actor=ACTORS[RU],
                                 party=RU)) for p in (first, second, first)))
    assert errors == [], [str(e) for e in errors if isinstance(e, ParleyError)] or errors
    assert sorted(r.already_imported for r in results) == [False, True, True]
    assert len({r.list_id for r in results}) == 1
    with app.read() as conn:
        assert conn.execute(select(func.count()).select_from(source_lists)).scalar() == 1
        records = conn.execute(select(func.count()).select_from(source_records)).scalar()
        held = conn.execute(select(func.count()).select_from(quarantined_rows)).scalar()
    fresh = next(r for r in results if not r.already_imported)
    assert (records, held) == (fresh.accepted, fresh.quarantined) == (2, 1)
    assert_one_chain(app, before + 1)
    assert event_types(app)["list.imported"] == 1
