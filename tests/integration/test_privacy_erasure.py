"""Erasure reaches every copy of a person's data, and the ledger still verifies.

One person, Коваленко Олександр Петрович, is put everywhere Parley keeps something about
a person: two lists (one of them a file named after him), a quarantined row still open
and one corrected and released, a person merged into another (so one of his ids only
redirects), a review-queue pair, a saved match model's term frequencies, a family's
inquiry, a stored answer of an idempotent import that quotes his rejected cells, a
nomination with an interview in which he declines, and the stage plan that leaves him
out for that reason. He is erased by the id that only redirects. Then:

- every column of every table is searched for his name, birth date and service number
  (in clear: as the data-at-rest scan of the reliability area does);
- every sealed value is opened with the data key and searched the same way: nothing
  that Parley itself could still read names him;
- on SQLite, the raw database file and its write-ahead log are searched for his values
  and for the exact sealed bytes his data had before the erasure;
- the ledger verifies, and the other person of the same lists is intact.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from parley.bootstrap import App
from parley.errors import Conflict
from parley.linkage import LinkRecord, default_model, feature_rows
from parley.linkage.model import term_frequencies
from parley.runtime import idempotency
from parley.runtime.transactions import service_app
from parley.services.exchange.agreements import load_agreement, sign_agreement
from parley.services.exchange.stage_summary import stage_table
from parley.services.exchange.stages import plan_stage
from parley.services.intake.imports import import_list, list_lists
from parley.services.intake.lists import ListMeta, RecordInput, record_list
from parley.services.intake.quarantine import fix_quarantined, list_quarantined
from parley.services.ledger import verify_ledger
from parley.services.publication.erasure import erase_person, erasure_reasons
from parley.services.registry.identity import current_person, decide, resolve_list, save_model
from parley.services.registry.inquiries import file_inquiry
from parley.services.registry.persons import person_status
from parley.store.dialect import flush_write_ahead_log
from parley.store.tables import (
    events,
    idempotency_keys,
    interviews,
    linkage_models,
    list_imports,
    match_reviews,
    plan_exclusions,
    quarantined_rows,
    record_links,
    source_lists,
    source_records,
)
from tests.helpers import ACTORS, INT, RU, UA, register_three
from tests.integration.exchange.builders import ISTANBUL, Exchange, ready
from tests.integration.test_reliability_at_rest import (
    Scanner,
    logical_hits,
    needles,
    raw_files,
    raw_hits,
)

ERASED = {"record_id": "A-1", "surname": "Коваленко", "given_name": "Олександр",
          "patronymic": "Петрович", "birth_date": "05.03.2002",
          "service_number": "ЖК458213", "rank": "солдат", "status": "полонений"}
KEPT = {"record_id": "A-2", "surname": "Шевчук", "given_name": "Андрій",
        "patronymic": "Іванович", "birth_date": "11.11.2001", "service_number": "ШМ771234",
        "rank": "солдат", "status": "полонений"}
COLUMNS = list(ERASED)
# Rows of the capture-card file: him, the other man, and two rows of his with dates that
# do not exist (one stays quarantined, one is corrected and released).
ROWS = [ERASED, KEPT,
        {**ERASED, "record_id": "A-3", "birth_date": "31.02.2002"},
        {**ERASED, "record_id": "A-4", "birth_date": "30.02.2002"}]
# How the erased man's values appear anywhere (the mistyped dates are his too).
HIS = [ERASED, {"birth_date": "31.02.2002"}, {"birth_date": "30.02.2002"},
       {"full_name": "Коваленко Олександр"}, {"service_number": "ЖК-458213"}]


@pytest.fixture
def world(app: App, tmp_path: Path) -> dict[str, Any]:
    register_three(app)
    path = tmp_path / "Коваленко Олександр.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(ROWS)
    served = service_app(app)
    answer = idempotency.run(
        served, owner="ru-user", key=str(uuid.uuid4()), request_fingerprint="upload",
        operation=lambda: import_list(served, path=path, kind="capture_card",
                                      actor=ACTORS[RU], party=RU),
        render=lambda s: (201, {"list_id": s.list_id, "source": s.source, "problems": [
            {"row": p.row, "value": p.value, "reason": p.reason} for p in s.errors]}))
    list_a = answer.body["list_id"]
    assert answer.body["source"] == "Коваленко Олександр"
    assert {p["value"] for p in answer.body["problems"]} >= {"31.02.2002", "30.02.2002"}
    released = next(q for q in list_quarantined(app, list_id=list_a) if q.row_number == 5)
    fix_quarantined(app, quarantine_id=released.id, changes={"birth_date": "05.03.2002"},
                    actor=ACTORS[RU])
    rows = feature_rows(LinkRecord(uid=r["record_id"], source="a", fields=r) for r in ROWS)
    save_model(app, replace(default_model(), tf=term_frequencies(rows)), actor=ACTORS[INT])
    resolve_list(app, list_id=list_a, actor=ACTORS[INT])
    # His own side's list names him too: a person of its own, then merged with him.
    origin = record_list(app, meta=ListMeta(
        source="ua-origin", kind="origin_list", file_name="ua-origin.csv",
        file_sha256="0" * 64, party=UA), records=[RecordInput(row_number=2, fields={
            # This list uses service numbers as record ids.
            "record_id": "ЖК-458213", "surname": "Коваленко", "given_name": "Олександр",
            "birth_date": "2002-03-05", "service_number": "ЖК-458213"})],
        actor=ACTORS[UA], one_person_per_record=True)
    with app.read() as conn:
        links = {r.record_id: r.person_id for r in conn.execute(select(record_links))}
        record_of = {r.record_id: r.id for r in conn.execute(
            select(source_records.c.id, source_records.c.record_id))}
    his_a, his_b, kept = record_of["A-1"], origin.record_ids[0], record_of["A-2"]
    assert links[his_a] != links[his_b]
    decide(app, decision="same", actor=ACTORS[INT], records=(his_a, his_b))
    person = current_person(app, links[his_a])
    merged = next(p for p in (links[his_a], links[his_b]) if p != person)
    assert current_person(app, merged) == person
    # A pair waiting for a reviewer: him against the other man.
    with app.engine.begin() as conn:
        conn.execute(insert(match_reviews).values(
            id=str(uuid.uuid4()), record_a=min(his_a, kept), record_b=max(his_a, kept),
            probability=0.6, reason="uncertain", status="open", model_version=1,
            evidence=json.dumps([{"comparison": "birth", "level": "one slip apart",
                                  "weight": "1.5"}]), queued_at="2026-11-26T00:00:00Z",
            event_seq=1))
    file_inquiry(app, fields={"surname": "Коваленко", "given_name": "Олександр",
                              "patronymic": "Петрович", "birth_date": "05.03.2002",
                              "notes": "Коваленко was last heard of near Vovchansk"})
    # The exchange: both men nominated; he declines, the other wishes to return.
    agreement = load_agreement(app, path=ISTANBUL, actor=ACTORS[INT])
    sign_agreement(app, agreement_id=agreement.id, actor=ACTORS[UA])
    agreement = sign_agreement(app, agreement_id=agreement.id, actor=ACTORS[RU])
    ex = Exchange(app=app, agreement=agreement, ua_people=[person, links[kept]])
    ready(ex, [links[kept]])
    ready(ex, [person], outcome="declines")
    plan_stage(app, agreement_id=agreement.id, stage_date="2025-06-09", capacity=5,
               actor=ACTORS[INT])
    return {"person": person, "merged": merged, "kept": links[kept], "list_a": list_a,
            "kept_record": kept, "agreement": agreement.id}


def opened_values(app: App) -> Iterator[tuple[str, bytes]]:
    """Every sealed value of the database, opened with the data key, as JSON bytes.

    All but the erasure log's reasons: the log keeps, sealed, why and at whose request a
    person was erased (a relative who asked shares the surname)."""
    cipher = app.cipher

    def show(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False).encode("utf-8")

    with app.read() as conn:
        for table, column, row_id in (
            (source_records, "sealed", lambda r: r.id),
            (quarantined_rows, "sealed", lambda r: r.id),
            (interviews, "sealed", lambda r: r.id),
            (linkage_models, "sealed_tf", lambda r: r.id),
            (list_imports, "sealed_layout", lambda r: r.list_id),
            (plan_exclusions, "sealed", lambda r: f"{r.stage_id}:{r.person_id}"),
            (source_lists, "sealed_meta", lambda r: f"source_lists:{r.id}"),
        ):
            for row in conn.execute(select(table)):
                sealed = getattr(row, column)
                if sealed is not None:
                    yield (f"{table.name}.{column}",
                           show(cipher.open(sealed, row_id=row_id(row))))
        for row in conn.execute(select(idempotency_keys)):
            if row.response is not None:
                yield ("idempotency_keys.response", show(idempotency._answer(
                    cipher, row.owner, row.key, row.response)))


def opened_hits(app: App, wanted: dict[str, str]) -> list[str]:
    scanner = Scanner(wanted)
    return sorted({hit for where, data in opened_values(app) for hit in scanner.hits(data, where)})


def his_sealed_bytes(app: App, person: str, merged: str) -> list[bytes]:
    """The sealed bytes that held his data before the erasure (to look for them raw)."""
    ids = [person, merged]
    with app.read() as conn:
        records = conn.execute(select(source_records.c.sealed, source_records.c.salt).join(
            record_links, record_links.c.record_id == source_records.c.id).where(
            record_links.c.person_id.in_(ids))).all()
        held = conn.execute(select(quarantined_rows.c.sealed)).scalars().all()
        excluded = conn.execute(select(plan_exclusions.c.sealed).where(
            plan_exclusions.c.person_id.in_(ids))).scalars().all()
    blobs = [r.sealed for r in records] + [r.salt for r in records]
    return [b for b in [*blobs, *held, *excluded] if b]


def test_erasure_reaches_every_copy(app: App, world: dict[str, Any]) -> None:
    mine, theirs = needles(HIS), needles([KEPT])
    assert opened_hits(app, mine), "the scan should find him before the erasure"
    before = his_sealed_bytes(app, world["person"], world["merged"])
    assert len(before) >= 8
    chain = verify_ledger(app)
    theirs_before = person_status(app, world["kept"])

    result = erase_person(app, world["merged"], reason="request DP-2026-3 from Коваленко Ірина")

    assert result.person_id == world["person"]
    assert result.records >= 4 and result.quarantined == 2 and result.interviews == 1
    assert result.log_flushed
    assert logical_hits(app, mine) == []
    assert opened_hits(app, mine) == []
    # The other man of the same lists is still there, sealed and readable.
    assert opened_hits(app, theirs)
    assert logical_hits(app, theirs) == []
    if app.engine.dialect.name == "sqlite":
        files = list(raw_files(app))
        assert raw_hits(files, mine) == []
        raw = b"".join(p.read_bytes() for p in files)
        assert [b.hex()[:16] for b in before if b in raw] == []
    report = verify_ledger(app)
    assert report.ok and report.events == chain.events + 1
    with app.read() as conn:
        payloads = conn.execute(select(events.c.payload)).scalars().all()
        queue = conn.execute(select(match_reviews.c.status, match_reviews.c.evidence)).all()
        talks = conn.execute(select(interviews.c.salt)).scalars().all()
        lists = conn.execute(select(source_lists.c.source)).scalars().all()
    assert not any("Коваленко" in p for p in payloads)
    assert [tuple(q) for q in queue] == [("withdrawn", "[]")]
    assert sorted(len(s) for s in talks) == [0, 32]
    assert "Коваленко Олександр" not in lists
    named = {i.id: i for i in list_lists(app)}[world["list_a"]]
    assert (named.source, named.file_name) == ("(erased)", "")
    assert [e["reason"] for e in erasure_reasons(app)] == [
        "request DP-2026-3 from Коваленко Ірина"]
    with pytest.raises(Conflict, match="no personal data left"):
        erase_person(app, world["person"], reason="again")
    # What reads interviews, records and lists still works around the erased person.
    assert person_status(app, world["person"]).person_id == world["person"]
    assert person_status(app, world["kept"]).status == theirs_before.status
    assert stage_table(app, world["agreement"])["stages"]


def test_the_log_flush_does_not_wait_for_an_open_write(sqlite_app: App) -> None:
    """An idempotent request keeps its write transaction open after the service returns;
    the flush then reports that it could not finish instead of waiting for it."""
    writer = sqlite_app.engine.connect().execution_options(parley_write=True)
    with writer, writer.begin():
        writer.execute(select(events.c.seq).limit(1)).all()
        assert flush_write_ahead_log(sqlite_app.engine) is False
    assert flush_write_ahead_log(sqlite_app.engine) is True
