"""Identity resolution in the registry: incremental equals batch, verdicts bind, no leaks."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import replace

import pytest
from sqlalchemy import select

from parley.bootstrap import App
from parley.errors import Conflict, InputError, NotFound
from parley.linkage import LinkRecord, default_model, feature_rows
from parley.linkage.model import term_frequencies
from parley.services.intake.lists import ListMeta, RecordInput, record_list
from parley.services.registry.identity import (
    current_person,
    decide,
    find_person,
    person_of_record,
    resolve_all,
    resolve_list,
    review_queue,
    save_model,
)
from parley.store.tables import events, record_links, source_records
from parley.synth.multisource import Scenario, multisource
from tests.helpers import ACTORS, INT, register_three

ACTOR = ACTORS[INT]


def load(app: App, scenario: Scenario) -> dict[str, str]:
    """Record every list of ``scenario``; returns source -> list id."""
    register_three(app)
    ids = {}
    for lst in scenario.lists:
        records = [RecordInput(row_number=r.row_number, fields=dict(r.fields))
                   for r in lst.records]
        meta = ListMeta(source=lst.source, kind=lst.kind, file_name=f"{lst.source}.csv",
                        file_sha256=hashlib.sha256(lst.source.encode()).hexdigest(),
                        party=lst.party)
        ids[lst.source] = record_list(app, meta=meta, records=records, actor=ACTOR).list_id
    return ids


def fixed_model(app: App, scenario: Scenario) -> None:
    rows = feature_rows(LinkRecord(uid=r.record_id, source=r.source, fields=r.fields)
                        for r in scenario.records())
    save_model(app, replace(default_model(), tf=term_frequencies(rows)), actor=ACTOR)


def persons(app: App) -> set[frozenset[str]]:
    with app.read() as conn:
        rows = conn.execute(select(record_links.c.person_id, source_records.c.commitment)
                            .join(source_records,
                                  source_records.c.id == record_links.c.record_id)).all()
    members: dict[str, set[str]] = defaultdict(set)
    for person, commitment in rows:
        members[person].add(commitment)
    return {frozenset(m) for m in members.values()}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return multisource(700, seed=17)


def test_lists_resolved_one_by_one_equal_a_batch_run(app: App, scenario: Scenario) -> None:
    ids = load(app, scenario)
    fixed_model(app, scenario)
    summaries = [resolve_list(app, list_id=list_id, actor=ACTOR) for list_id in ids.values()]
    assert sum(s.records for s in summaries) == len(list(scenario.records()))
    assert summaries[-1].linked > 0
    before = persons(app)
    batch = resolve_all(app, actor=ACTOR)
    assert (batch.linked, batch.new_persons, batch.merged, batch.split) == (0, 0, 0, 0)
    assert persons(app) == before
    again = resolve_list(app, list_id=next(iter(ids.values())), actor=ACTOR)
    assert again.records == 0


def test_reviewers_verdicts_bind_later_runs(app: App, scenario: Scenario) -> None:
    ids = load(app, scenario)
    fixed_model(app, scenario)
    for list_id in ids.values():
        resolve_list(app, list_id=list_id, actor=ACTOR)
    queue = review_queue(app)
    assert queue, "the scenario should leave something to review"
    item = queue[0]
    left, right = (r.id for r in item.records)
    assert {e["comparison"] for e in item.evidence} >= {"surname", "given", "birth"}
    decide(app, decision="same", actor=ACTOR, review_id=item.id)
    assert person_of_record(app, left) == person_of_record(app, right)
    assert all(i.id != item.id for i in review_queue(app))
    # Pull apart two records the model linked automatically.
    with app.read() as conn:
        linked = conn.execute(select(record_links.c.person_id, record_links.c.record_id)
                              .where(record_links.c.method == "auto")).all()
    by_person: dict[str, list[str]] = defaultdict(list)
    for person, record in linked:
        by_person[person].append(record)
    a, b = next(sorted(r)[:2] for r in by_person.values() if len(r) >= 2)
    decide(app, decision="different", actor=ACTOR, records=(a, b))
    assert person_of_record(app, a) != person_of_record(app, b)
    resolve_all(app, actor=ACTOR)
    assert person_of_record(app, left) == person_of_record(app, right)
    assert person_of_record(app, a) != person_of_record(app, b)
    # A chain of 'same' verdicts may not join records judged different.
    with app.read() as conn:
        other = conn.execute(select(source_records.c.id).where(
            source_records.c.id.not_in([a, b, left, right])).limit(1)).scalar_one()
    decide(app, decision="same", actor=ACTOR, records=(a, other))
    with pytest.raises(Conflict):
        decide(app, decision="same", actor=ACTOR, records=(other, b))


def test_merged_persons_lead_to_the_survivor(app: App, scenario: Scenario) -> None:
    ids = load(app, scenario)
    fixed_model(app, scenario)
    for list_id in ids.values():
        resolve_list(app, list_id=list_id, actor=ACTOR)
    with app.read() as conn:
        rows = conn.execute(select(record_links.c.record_id, record_links.c.person_id)).all()
    first, second = rows[0], next(r for r in rows if r.person_id != rows[0].person_id)
    decide(app, decision="same", actor=ACTOR, records=(first.record_id, second.record_id))
    survivor = person_of_record(app, first.record_id)
    assert survivor == person_of_record(app, second.record_id)
    for old in (first.person_id, second.person_id):
        assert current_person(app, old) in (survivor, old)
    with pytest.raises(NotFound):
        current_person(app, "no-such-person")


def test_events_carry_no_personal_data(app: App, scenario: Scenario) -> None:
    ids = load(app, scenario)
    for list_id in ids.values():
        resolve_list(app, list_id=list_id, actor=ACTOR)
    with app.read() as conn:
        payloads = conn.execute(select(events.c.type, events.c.payload).where(
            events.c.type.in_(["identity.linked", "match.queued", "identity.resolved",
                               "linkage.model_saved", "identity.merged"]))).all()
    text = json.dumps([p for _, p in payloads], ensure_ascii=False)
    for record in list(scenario.records())[:200]:
        for field in ("surname", "given_name", "full_name", "service_number", "birth_date"):
            value = record.fields.get(field)
            if value and len(value) > 3:
                assert value not in text
    assert {t for t, _ in payloads} >= {"identity.linked", "identity.resolved",
                                        "linkage.model_saved"}


def test_find_person_for_an_inquiry(app: App, scenario: Scenario) -> None:
    ids = load(app, scenario)
    for list_id in ids.values():
        resolve_list(app, list_id=list_id, actor=ACTOR)
    record = next(r for r in scenario.records() if r.source == "ua-origin"
                  and "birth_date" in r.fields and "surname" in r.fields)
    fields = {k: record.fields[k] for k in ("surname", "given_name", "birth_date")
              if k in record.fields}
    best = find_person(app, fields)[0]
    with app.read() as conn:
        uid = conn.execute(select(source_records.c.id).where(
            source_records.c.list_id == ids["ua-origin"],
            source_records.c.row_number == record.row_number)).scalar()
    assert best.person_id == person_of_record(app, str(uid))


def test_bad_requests(app: App) -> None:
    register_three(app)
    with pytest.raises(NotFound):
        resolve_list(app, list_id="no-such-list", actor=ACTOR)
    with pytest.raises(InputError):
        decide(app, decision="maybe", actor=ACTOR, review_id="x")
    with pytest.raises(NotFound):
        decide(app, decision="same", actor=ACTOR, review_id="no-such-review")



def test_feature_cache_matches_the_records_and_forgets_erased_ones(app: App,
                                                                    scenario: Scenario
                                                                    ) -> None:
    from parley.services.publication.erasure import erase_person
    from parley.services.registry import identity

    ids = load(app, scenario)
    fixed_model(app, scenario)
    for list_id in ids.values():
        resolve_list(app, list_id=list_id, actor=ACTOR)
    cache = identity._feature_cache(app)
    with app.read() as conn:
        stored = {r.id: r.record_id for r in conn.execute(
            select(source_records.c.id, source_records.c.record_id))}
    assert len(cache) == len(stored) > 0
    # Cached features are the features of the record as written (the list's name aside).
    fields = {r.record_id: r.fields for r in scenario.records()}
    for uid, record_id in stored.items():
        expected = feature_rows([LinkRecord(uid=uid, source="", fields=fields[record_id])])
        assert cache._rows[uid][1] == expected[0]
    # A cold process (no cache) finds the persons the warm one made.
    warm = persons(app)
    identity._CACHES.pop(id(app))
    batch = resolve_all(app, actor=ACTOR)
    assert (batch.linked, batch.new_persons, batch.merged, batch.split) == (0, 0, 0, 0)
    assert persons(app) == warm
    # Erasure drops the person's records from the cache at once.
    record = next(iter(stored))
    person = person_of_record(app, record)
    assert person is not None and record in identity._feature_cache(app)._rows
    assert erase_person(app, person, reason="request", actor=ACTOR).records >= 1
    assert record not in identity._feature_cache(app)._rows
