"""Every kind of discrepancy, found, kept open, and resolved or carried to a later stage."""

from __future__ import annotations

import pytest

from parley.bootstrap import App
from parley.errors import Conflict, InputError
from parley.services.exchange.handover import (
    carry_discrepancy,
    check_stage,
    close_stage,
    confirm_handover,
    dispute_identity,
    list_discrepancies,
    report_unlisted,
    resolve_discrepancy,
)
from parley.services.exchange.remains import confirm_remains, identify_remains, remains_counts
from parley.services.exchange.stage_summary import stage_table, trace_check
from parley.services.exchange.stages import plan_stage
from parley.services.exchange.statements import compare, record_statement
from parley.services.registry.persons import person_status
from tests.helpers import ACTORS, INT, RU, UA
from tests.integration.exchange.builders import OLD, YOUNG, Exchange, event_count, exchange, ready

RU_UA, UA_RU = "RU->UA", "UA->RU"
SIDES = (ACTORS[UA], ACTORS[RU], ACTORS[INT])


def _stage(ex: Exchange, day: str) -> str:
    return plan_stage(ex.app, agreement_id="istanbul-2025", stage_date=day, capacity=10,
                      actor=ACTORS[INT]).stage.id


def _confirm(app: App, stage_id: str, people: list[str], actors: tuple[str, ...] = SIDES
             ) -> None:
    for actor in actors:
        confirm_handover(app, stage_id=stage_id, person_ids=people, actor=actor)


@pytest.fixture
def ex(app: App) -> Exchange:
    ex = exchange(app, ua_births=[YOUNG] * 3, ru_births=[YOUNG] * 3)
    ready(ex, ex.ua_people)
    ready(ex, ex.ru_people)
    return ex


def test_nominated_but_not_handed_over(ex: Exchange) -> None:
    app = ex.app
    stage = _stage(ex, "2025-06-09")
    missing = ex.ua_people[0]
    _confirm(app, stage, ex.ua_people[1:] + ex.ru_people)
    before = event_count(app)
    with pytest.raises(Conflict, match=r"cannot close: 1 open discrepancies \(not_handed_over"):
        close_stage(app, stage_id=stage, actor=ACTORS[INT])
    assert event_count(app) == before  # the refused close left nothing behind
    (found,) = check_stage(app, stage_id=stage, actor=ACTORS[INT])
    assert (found.kind, found.person_id, found.direction) == ("not_handed_over", missing,
                                                              RU_UA)
    assert check_stage(app, stage_id=stage, actor=ACTORS[INT]) == [found]  # not twice
    with pytest.raises(InputError, match="resolved as person_remains_held or handed_over"):
        resolve_discrepancy(app, discrepancy_id=found.id, resolution="admitted",
                            actor=ACTORS[INT])
    with pytest.raises(Conflict, match="only the intermediary"):
        resolve_discrepancy(app, discrepancy_id=found.id, resolution="person_remains_held",
                            actor=ACTORS[RU])
    resolve_discrepancy(app, discrepancy_id=found.id, resolution="person_remains_held",
                        actor=ACTORS[INT])
    closed = close_stage(app, stage_id=stage, actor=ACTORS[INT])
    assert closed.totals[RU_UA]["young"] == 2 and closed.totals[UA_RU]["young"] == 3
    assert person_status(app, missing).status == "verified"
    figures = stage_table(app, "istanbul-2025")["stages"][0]["directions"][RU_UA]["young"]
    assert figures == {"nominated": 3, "verified": 3, "declined": 0, "handed_over": 2,
                       "open_discrepancies": 0}


def test_handed_over_but_never_nominated(app: App) -> None:
    ex = exchange(app, ua_births=[YOUNG] * 2, ru_births=[YOUNG] * 2 + [OLD])
    ready(ex, ex.ua_people)
    ready(ex, ex.ru_people[:2])
    stage = _stage(ex, "2025-06-09")
    _confirm(app, stage, ex.ua_people + ex.ru_people[:2])
    stranger = ex.ru_people[2]  # aged 45, never nominated, yet stepped off the bus
    with pytest.raises(Conflict, match="not on the list of stage 1"):
        confirm_handover(app, stage_id=stage, person_ids=[stranger], actor=ACTORS[RU])
    found = report_unlisted(app, stage_id=stage, person_id=stranger, actor=ACTORS[RU])
    assert (found.kind, found.direction, found.category) == ("not_nominated", UA_RU, None)
    assert report_unlisted(app, stage_id=stage, person_id=stranger, actor=ACTORS[INT]) == found
    with pytest.raises(Conflict, match="falls in no category"):
        resolve_discrepancy(app, discrepancy_id=found.id, resolution="admitted",
                            actor=ACTORS[INT])
    resolve_discrepancy(app, discrepancy_id=found.id, resolution="returned", actor=ACTORS[INT])
    assert close_stage(app, stage_id=stage, actor=ACTORS[INT]).totals[UA_RU]["young"] == 2


def test_unlisted_eligible_person_admitted(app: App) -> None:
    ex = exchange(app, ua_births=[YOUNG] * 2, ru_births=[YOUNG] * 2)
    ready(ex, ex.ua_people)
    ready(ex, ex.ru_people[:1])
    stage = _stage(ex, "2025-06-09")
    listed = [ex.ua_people[0], ex.ru_people[0]]
    _confirm(app, stage, listed)
    extra = ex.ru_people[1]
    found = report_unlisted(app, stage_id=stage, person_id=extra, actor=ACTORS[UA])
    assert found.category == "young"
    resolve_discrepancy(app, discrepancy_id=found.id, resolution="admitted", actor=ACTORS[INT])
    _confirm(app, stage, [extra])
    totals = close_stage(app, stage_id=stage, actor=ACTORS[INT]).totals
    assert totals[UA_RU]["young"] == 2


def test_identity_disputed_then_resolved_in_a_later_stage(ex: Exchange) -> None:
    app = ex.app
    first = _stage(ex, "2025-06-09")
    doubted = ex.ua_people[0]
    with pytest.raises(Conflict, match="only the receiving party"):
        dispute_identity(app, stage_id=first, person_id=doubted, actor=ACTORS[RU])
    dispute = dispute_identity(app, stage_id=first, person_id=doubted, actor=ACTORS[UA])
    with pytest.raises(Conflict, match="disputes the identity"):
        confirm_handover(app, stage_id=first, person_ids=[doubted], actor=ACTORS[UA])
    _confirm(app, first, [p for p in ex.ua_people + ex.ru_people if p != doubted])
    with pytest.raises(Conflict, match="identity_disputed"):
        close_stage(app, stage_id=first, actor=ACTORS[INT])
    second = _stage(ex, "2025-06-10")
    carry_discrepancy(app, discrepancy_id=dispute.id, to_stage_id=second, actor=ACTORS[INT])
    first_closed = close_stage(app, stage_id=first, actor=ACTORS[INT])
    assert first_closed.totals[RU_UA]["young"] == 2
    assert first_closed.event_seq > 0
    (moved,) = list_discrepancies(app, stage_id=second)
    assert (moved.id, moved.opened_stage_id, moved.status) == (dispute.id, first, "open")
    # The events alone place the carried, still open discrepancy in the later stage too.
    assert trace_check(app, "istanbul-2025") == []
    resolve_discrepancy(app, discrepancy_id=dispute.id, resolution="identity_confirmed",
                        actor=ACTORS[UA])
    _confirm(app, second, [doubted])
    second_closed = close_stage(app, stage_id=second, actor=ACTORS[INT])
    assert second_closed.totals[RU_UA]["young"] == 1
    table = stage_table(app, "istanbul-2025")["stages"]
    assert table[0]["directions"][RU_UA]["young"]["verified"] == 2
    assert table[1]["directions"][RU_UA]["young"]["handed_over"] == 1
    status = person_status(app, doubted)
    assert status.status == "repatriated" and "stage 2" in status.source
    assert trace_check(app, "istanbul-2025") == []


def test_count_mismatch_between_the_three_confirmations(ex: Exchange) -> None:
    app = ex.app
    stage = _stage(ex, "2025-06-09")
    everyone = ex.ua_people + ex.ru_people
    _confirm(app, stage, everyone, actors=(ACTORS[RU], ACTORS[INT]))
    _confirm(app, stage, [p for p in everyone if p != ex.ua_people[0]], actors=(ACTORS[UA],))
    (found,) = check_stage(app, stage_id=stage, actor=ACTORS[INT])
    assert found.kind == "count_mismatch" and found.direction == RU_UA
    assert found.counts == {"sending": 3, "receiving": 2, "intermediary": 3}
    with pytest.raises(Conflict, match="still differ"):
        resolve_discrepancy(app, discrepancy_id=found.id, resolution="confirmations_agree",
                            actor=ACTORS[INT])
    confirm_handover(app, stage_id=stage, person_ids=[ex.ua_people[0]], actor=ACTORS[UA])
    assert check_stage(app, stage_id=stage, actor=ACTORS[INT]) == []
    (cleared,) = list_discrepancies(app, stage_id=stage)
    assert cleared.resolution == "confirmations_agree"
    assert close_stage(app, stage_id=stage, actor=ACTORS[INT]).totals[RU_UA]["young"] == 3


def test_count_mismatch_withdrawn_unconfirmed(ex: Exchange) -> None:
    app = ex.app
    stage = _stage(ex, "2025-06-09")
    _confirm(app, stage, ex.ru_people)
    _confirm(app, stage, ex.ua_people, actors=(ACTORS[RU],))
    (found,) = check_stage(app, stage_id=stage, actor=ACTORS[INT])
    resolve_discrepancy(app, discrepancy_id=found.id, resolution="withdrawn_unconfirmed",
                        actor=ACTORS[INT])
    totals = close_stage(app, stage_id=stage, actor=ACTORS[INT]).totals
    assert totals == {"UA->RU": {"wounded_sick": 0, "young": 3, "remains": 0},
                      "RU->UA": {"wounded_sick": 0, "young": 0, "remains": 0}}


def test_remains_by_case_with_a_count_mismatch_and_late_identification(ex: Exchange) -> None:
    app = ex.app
    stage = _stage(ex, "2025-06-09")
    _confirm(app, stage, ex.ua_people + ex.ru_people)
    cases = [f"RU-2025-{i:04d}" for i in range(5)]
    confirm_remains(app, stage_id=stage, direction=RU_UA, category="remains",
                    case_numbers=cases, actor=ACTORS[RU])
    again = confirm_remains(app, stage_id=stage, direction=RU_UA, category="remains",
                            case_numbers=cases, actor=ACTORS[RU])
    assert again.added == 0
    confirm_remains(app, stage_id=stage, direction=RU_UA, category="remains",
                    case_numbers=cases, actor=ACTORS[INT])
    confirm_remains(app, stage_id=stage, direction=RU_UA, category="remains",
                    case_numbers=cases[:4], actor=ACTORS[UA])
    with pytest.raises(Conflict, match="was not handed over by RU in stage 1"):
        confirm_remains(app, stage_id=stage, direction=RU_UA, category="remains",
                        case_numbers=["RU-2025-9999"], actor=ACTORS[UA])
    with pytest.raises(InputError, match="is not for remains"):
        confirm_remains(app, stage_id=stage, direction=RU_UA, category="young",
                        case_numbers=cases, actor=ACTORS[RU])
    with pytest.raises(InputError, match="has no category 'bodies'"):
        confirm_remains(app, stage_id=stage, direction=RU_UA, category="bodies",
                        case_numbers=cases, actor=ACTORS[RU])
    (found,) = check_stage(app, stage_id=stage, actor=ACTORS[INT])
    assert (found.kind, found.category, found.counts) == (
        "count_mismatch", "remains", {"intermediary": 5, "receiving": 4, "sending": 5})
    confirm_remains(app, stage_id=stage, direction=RU_UA, category="remains",
                    case_numbers=cases[4:], actor=ACTORS[UA])
    closed = close_stage(app, stage_id=stage, actor=ACTORS[INT])
    assert closed.totals[RU_UA]["remains"] == 5 and closed.totals[UA_RU]["remains"] == 0
    # Months later a case is identified as a UA soldier known from the capture cards.
    assert identify_remains(app, agreement_id="istanbul-2025", case_number=cases[2],
                            person_id=ex.ua_people[0], actor=ACTORS[UA])
    status = person_status(app, ex.ua_people[0])
    assert (status.status, status.event_type) == ("deceased", "remains.identified")
    with pytest.raises(Conflict, match="only UA"):
        identify_remains(app, agreement_id="istanbul-2025", case_number=cases[3],
                         person_id=ex.ua_people[1], actor=ACTORS[RU])
    assert trace_check(app, "istanbul-2025") == []
    (count,) = remains_counts(app, "istanbul-2025")
    assert (count.sent, count.received, count.witnessed, count.identified) == (5, 5, 5, 1)


def test_statements_beside_confirmed_figures(ex: Exchange) -> None:
    app = ex.app
    stage = _stage(ex, "2025-06-09")
    _confirm(app, stage, ex.ua_people + ex.ru_people)
    close_stage(app, stage_id=stage, actor=ACTORS[INT])
    record_statement(app, agreement_id="istanbul-2025", party=UA, stated_on="2025-06-09",
                     source="Coordination HQ statement", claims={RU_UA: {"young": 3}},
                     stage_number=1, actor=ACTORS[UA])
    record_statement(app, agreement_id="istanbul-2025", party=RU, stated_on="2025-06-10",
                     source="Ministry of Defence", claims={UA_RU: {"young": 5}},
                     actor=ACTORS[RU])
    with pytest.raises(InputError, match="unknown category 'officers'"):
        record_statement(app, agreement_id="istanbul-2025", party=RU, stated_on="2025-06-10",
                         source="x", claims={UA_RU: {"officers": 5}}, actor=ACTORS[RU])
    with pytest.raises(Conflict, match="cannot record UA's statements"):
        record_statement(app, agreement_id="istanbul-2025", party=UA, stated_on="2025-06-10",
                         source="x", claims={UA_RU: {"young": 5}}, actor=ACTORS[RU])
    rows = [(r.party, r.scope, r.claimed, r.confirmed) for r in compare(app, "istanbul-2025")]
    assert rows == [(UA, "stage 1", 3, 3), (RU, "all stages closed by 2025-06-10", 5, 3)]
