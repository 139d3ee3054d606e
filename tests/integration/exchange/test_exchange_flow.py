"""The exchange end to end on SQLite and PostgreSQL: agreement, plan, handover, close."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from parley.bootstrap import App
from parley.domain.stage_head import StageHead
from parley.errors import Conflict, InputError
from parley.ledger import leaf_hash, root_from_leaf_hashes, verify_signature
from parley.services.exchange.agreements import eligibility_report, load_agreement, sign_agreement
from parley.services.exchange.handover import close_stage, confirm_handover
from parley.services.exchange.stages import left_out, plan_stage, stage_list
from parley.services.exchange.verification import nominate
from parley.services.ledger import verify_ledger
from parley.services.people.organisation import list_actors, register_actor
from parley.services.registry.persons import person_status
from parley.store.tables import events, interviews, stage_persons
from tests.helpers import ACTORS, INT, RU, UA, register_three
from tests.integration.exchange.builders import (
    ISTANBUL,
    OLD,
    YOUNG,
    event_count,
    exchange,
    ready,
)

RU_UA, UA_RU = "RU->UA", "UA->RU"


def _confirm_all(app: App, stage_id: str, people: list[str]) -> None:
    for actor in (ACTORS[UA], ACTORS[RU], ACTORS[INT]):
        confirm_handover(app, stage_id=stage_id, person_ids=people, actor=actor)


def test_agreement_is_active_only_when_all_three_signed(app: App) -> None:
    register_three(app)
    agreement = load_agreement(app, path=ISTANBUL, actor=ACTORS[INT])
    assert not agreement.active and agreement.awaiting == [UA, RU]
    again = load_agreement(app, path=ISTANBUL, actor=ACTORS[INT])
    assert again.id == agreement.id  # the same terms twice change nothing
    with pytest.raises(Conflict, match="not active: awaiting the signature of UA, RU"):
        plan_stage(app, agreement_id=agreement.id, stage_date="2025-06-09", capacity=5,
                   actor=ACTORS[INT])
    signed = sign_agreement(app, agreement_id=agreement.id, actor=ACTORS[UA])
    assert signed.awaiting == [RU]
    before = event_count(app)
    assert sign_agreement(app, agreement_id=agreement.id, actor=ACTORS[UA]).awaiting == [RU]
    assert event_count(app) == before
    register_actor(app, actor="ru-clerk", party=RU, title="clerk", role="clerk")
    with pytest.raises(Conflict, match="names ru-coordination as the signatory of RU, not "):
        sign_agreement(app, agreement_id=agreement.id, actor="ru-clerk")
    assert sign_agreement(app, agreement_id=agreement.id, actor=ACTORS[RU]).active
    with app.read() as conn:
        types = [r.type for r in conn.execute(select(events.c.type).where(
            events.c.type.like("agreement.%")).order_by(events.c.seq))]
    assert types == ["agreement.recorded", "agreement.signed", "agreement.signed"]


def test_plan_handover_close_and_signed_heads(app: App) -> None:
    # RU holds 3 young UA soldiers and a wounded one; UA holds 3 young RU soldiers, one
    # of whom is not yet nominated: so the young go one for one (2 and 2).
    ex = exchange(app, ua_births=[YOUNG] * 3 + [OLD], ru_births=[YOUNG] * 3 + [OLD])
    ready(ex, ex.ua_people[:3])
    ready(ex, ex.ru_people[:2])
    ready(ex, [ex.ua_people[3]], wounded=True)
    result = plan_stage(app, agreement_id="istanbul-2025", stage_date="2025-06-09",
                        capacity=10, actor=ACTORS[INT])
    plan = result.plan
    # The wounded UA soldier goes regardless of parity; young ones go one for one.
    assert plan.count(RU_UA, "wounded_sick") == 1
    assert plan.count(RU_UA, "young") == 2 == plan.count(UA_RU, "young")
    assert {(x.direction, x.reason) for x in plan.left_out if x.category == "young"} == {
        (RU_UA, "parity"), (UA_RU, "not_nominated")}
    stage_id = result.stage.id
    moving = [s.person_id for s in plan.selected]
    _confirm_all(app, stage_id, moving)
    before = event_count(app)
    assert confirm_handover(app, stage_id=stage_id, person_ids=moving, actor=ACTORS[UA]) == 0
    assert event_count(app) == before  # confirming twice changes nothing
    closed = close_stage(app, stage_id=stage_id, actor=ACTORS[INT])
    assert closed.totals == {
        "UA->RU": {"wounded_sick": 0, "young": 2, "remains": 0},
        "RU->UA": {"wounded_sick": 1, "young": 2, "remains": 0}}
    keys = {a.id: a.public_key for a in list_actors(app)}
    with app.read() as conn:
        commitments = {r.person_id: r.commitment for r in conn.execute(
            select(stage_persons).where(stage_persons.c.stage_id == stage_id))}
    for signed in closed.heads:
        head = StageHead.from_json(signed["head"])
        assert [c["party"] for c in signed["cosignatures"]] == ["INT", "RU", "UA"]
        for c in signed["cosignatures"]:
            assert verify_signature(keys[c["actor"]], head.to_bytes(), c["signature"])
        leaves = sorted(commitments[s.person_id] for s in plan.selected
                        if s.direction == head.direction and s.category == head.category)
        assert head.tree_size == len(leaves)
        assert head.root == root_from_leaf_hashes(
            [leaf_hash(bytes.fromhex(c)) for c in leaves]).hex()
    status = person_status(app, moving[0])
    assert (status.status, status.event_type) == ("repatriated", "stage.closed")
    with pytest.raises(Conflict, match="is closed; nothing changed"):
        confirm_handover(app, stage_id=stage_id, person_ids=moving, actor=ACTORS[UA])
    # The next stage: once the last young RU soldier is ready, both remaining go.
    ready(ex, [ex.ru_people[2]])
    second = plan_stage(app, agreement_id="istanbul-2025", stage_date="2025-06-10",
                        capacity=10, actor=ACTORS[INT])
    assert second.plan.count(RU_UA, "young") == 1 == second.plan.count(UA_RU, "young")
    assert second.stage.number == 2
    assert verify_ledger(app).ok


def test_decliners_are_confidential(app: App) -> None:
    ex = exchange(app, ua_births=[YOUNG] * 2, ru_births=[YOUNG] * 2)
    ready(ex, ex.ua_people[:1], outcome="declines")
    ready(ex, ex.ua_people[1:])
    ready(ex, ex.ru_people)
    result = plan_stage(app, agreement_id="istanbul-2025", stage_date="2025-06-09",
                        capacity=10, actor=ACTORS[INT])
    decliner = ex.ua_people[0]
    assert decliner not in {s.person_id for s in result.plan.selected}
    public = {x.person_id: x.reason for x in left_out(app, result.stage.id)}
    private = {x.person_id: x.reason for x in left_out(app, result.stage.id,
                                                       confidential=True)}
    assert public[decliner] == "not_in_stage" and private[decliner] == "declined"
    with app.read() as conn:
        payloads = " ".join(r.payload for r in conn.execute(select(events.c.payload)))
        sealed = conn.execute(select(interviews.c.sealed)).scalars().all()
    assert "declin" not in payloads and "wishes" not in payloads
    assert all(b"declines" not in s and b"wishes" not in s for s in sealed)
    assert person_status(app, decliner).status == "declined_repatriation"
    party_view = person_status(app, decliner, viewer=ACTORS[UA])
    assert party_view.status == "verified"
    assert "declined_repatriation" not in json.dumps(party_view.to_json())


def test_eligibility_report_gives_reasons(app: App) -> None:
    ex = exchange(app, ua_births=[YOUNG, "1999"], ru_births=[OLD])
    rows = {r.person_id: r for r in eligibility_report(app, agreement_id="istanbul-2025")}
    young = rows[ex.ua_people[0]]
    assert young.direction == RU_UA and young.eligibility.category == "young"
    assert any("born 2002-03-05: 23 on 2025-06-02" in r for r in young.eligibility.reasons())
    assert rows[ex.ua_people[1]].eligibility.status == "undetermined"
    assert rows[ex.ru_people[0]].eligibility.status == "not_eligible"
    assert rows[ex.ru_people[0]].direction == UA_RU


def test_bad_requests_change_nothing(app: App) -> None:
    ex = exchange(app, ua_births=[YOUNG], ru_births=[YOUNG])
    ready(ex, ex.ua_people)
    ready(ex, ex.ru_people)
    before = event_count(app)
    with pytest.raises(Conflict, match="only the intermediary"):
        plan_stage(app, agreement_id="istanbul-2025", stage_date="2025-06-09", capacity=5,
                   actor=ACTORS[UA])
    with pytest.raises(InputError, match="outside agreement istanbul-2025's window"):
        plan_stage(app, agreement_id="istanbul-2025", stage_date="2025-06-01", capacity=5,
                   actor=ACTORS[INT])
    with pytest.raises(InputError, match="is not a date"):
        plan_stage(app, agreement_id="istanbul-2025", stage_date="9 June", capacity=5,
                   actor=ACTORS[INT])
    assert event_count(app) == before
    stage = plan_stage(app, agreement_id="istanbul-2025", stage_date="2025-06-09",
                       capacity=5, actor=ACTORS[INT]).stage
    before = event_count(app)
    from parley.services.people.organisation import register_party
    register_party(app, code="XX", title="Another state", kind="party", actor="xx-office")
    before = event_count(app)
    with pytest.raises(Conflict, match="neither side"):
        confirm_handover(app, stage_id=stage.id, person_ids=ex.ua_people, actor="xx-office")
    with pytest.raises(Conflict, match="is not on the list of stage 1"):
        confirm_handover(app, stage_id=stage.id, person_ids=[*ex.ua_people, "nobody"],
                         actor=ACTORS[UA])
    with pytest.raises(Conflict, match="not a party to agreement"):
        nominate(app, agreement_id="istanbul-2025", person_ids=ex.ua_people,
                 actor="xx-office")
    assert event_count(app) == before
    assert [p["state"] for p in stage_list(app, stage.id)] == ["listed", "listed"]


def test_concurrent_confirmations_count_once(app: App) -> None:
    from concurrent.futures import ThreadPoolExecutor

    ex = exchange(app, ua_births=[YOUNG] * 4, ru_births=[YOUNG] * 4)
    ready(ex, ex.ua_people)
    ready(ex, ex.ru_people)
    stage = plan_stage(app, agreement_id="istanbul-2025", stage_date="2025-06-09",
                       capacity=10, actor=ACTORS[INT]).stage
    people = ex.ua_people + ex.ru_people
    with ThreadPoolExecutor(max_workers=4) as pool:
        added = list(pool.map(
            lambda actor: confirm_handover(app, stage_id=stage.id, person_ids=people,
                                           actor=actor),
            [ACTORS[UA], ACTORS[UA], ACTORS[RU], ACTORS[RU], ACTORS[INT], ACTORS[INT]]))
    assert sum(added) == 3 * len(people)
    assert close_stage(app, stage_id=stage.id, actor=ACTORS[INT]).totals[RU_UA]["young"] == 4
    assert verify_ledger(app).ok
