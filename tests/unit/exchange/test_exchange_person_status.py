"""A person's status from the records and the exchange's steps: the rules, no database."""

from __future__ import annotations

from parley.domain.eligibility import PersonFacts
from parley.domain.person_facts import (
    CIVILIAN_WORDS,
    DECEASED_WORDS,
    PersonRecord,
    PersonView,
    Sides,
    facts_of,
    says,
)
from parley.domain.person_status import (
    Step,
    base_status,
    current_status,
    handover_steps,
    interview_step,
    verified_step,
)


def rec(kind: str, party: str, seq: int, **fields: str) -> PersonRecord:
    return PersonRecord(record_id=f"r{seq}", list_id=f"l{seq}", kind=kind,
                        source=f"{party}-{kind}", party=party, commitment="00" * 32,
                        list_seq=seq, link_seq=seq * 10, row_number=2, fields=fields)


def view(*records: PersonRecord) -> PersonView:
    return PersonView(person_id="p", records=list(records), facts=facts_of("p", records),
                      sides=Sides(holders={}, owns={}, seen_held=False))


def test_words_are_found_in_any_case_and_script() -> None:
    assert says("ЗАГИНУВ у бою", DECEASED_WORDS)
    assert says("Гражданское лицо", CIVILIAN_WORDS)
    assert not says("полонений", DECEASED_WORDS)
    assert not says(None, DECEASED_WORDS) and not says("", DECEASED_WORDS)


def test_base_status_from_the_records() -> None:
    assert base_status(view()) == Step("missing", None, "no records")
    assert base_status(view(rec("origin_list", "UA", 1))) == Step(
        "missing", 10, "list UA-origin_list (origin_list); no detaining party's record")
    assert base_status(view(rec("origin_list", "UA", 1), rec("capture_card", "RU", 2))) == \
        Step("held", 20, "list RU-capture_card (capture_card, RU)")
    dead = view(rec("capture_card", "RU", 1), rec("origin_list", "UA", 2, status="помер"))
    assert base_status(dead) == Step("deceased", 20, "list UA-origin_list")


def test_a_deceased_fact_without_its_record_falls_back_to_held() -> None:
    facts = PersonFacts(person_id="p", deceased=True,
                        sources={"deceased": "remains case RU-1"})
    identified = PersonView(person_id="p", records=[rec("capture_card", "RU", 1)],
                            facts=facts, sides=Sides(holders={}, owns={}, seen_held=True))
    assert base_status(identified).status == "held"


def test_the_furthest_step_is_the_status() -> None:
    history = [Step("held", 1, "list"), Step("nominated", 5, "n"), Step("verified", 7, "v"),
               Step("handed_over", 9, "h"), Step("nominated", 11, "again")]
    assert current_status(history) == Step("handed_over", 9, "h")
    assert current_status([Step("held", 1, "a"), Step("held", 2, "b")]) == Step("held", 2, "b")
    assert current_status([Step("repatriated", 3, "r"), Step("deceased", 4, "d")]).status == \
        "deceased"


def test_a_later_wish_to_return_undoes_declining() -> None:
    declined = [Step("held", 1, "list"), Step("verified", 3, "v"),
                Step("declined_repatriation", 4, "interview")]
    assert current_status(declined).status == "declined_repatriation"
    assert current_status([*declined, Step("wishes", 6, "second interview")]) == \
        ("verified", 6, "second interview")
    # Wishing to return changes nothing for a person who never declined.
    assert current_status([Step("held", 1, "list"), Step("wishes", 2, "i")]) == \
        Step("held", 1, "list")


def test_verified_needs_both_checks_confirmed() -> None:
    assert verified_step({"identity": ("confirmed", 4)}) is None
    assert verified_step({"identity": ("confirmed", 4), "eligibility": ("rejected", 5)}) is None
    step = verified_step({"identity": ("confirmed", 4), "eligibility": ("confirmed", 3)})
    assert step is not None and step.status == "verified" and step.event_seq == 4


def test_interview_outcomes() -> None:
    declined = interview_step("declines", 8)
    assert declined is not None and declined.status == "declined_repatriation"
    assert "confidential" in declined.source
    assert interview_step("wishes", 9) == Step("wishes", 9,
                                               "private interview by the intermediary")
    assert interview_step("undecided", 9) is None and interview_step(None, 9) is None


def test_a_handover_needs_all_three_sides() -> None:
    assert handover_steps(stage_number=1, stage_date="2025-06-09", confirmations=[4, 5],
                          closed_seq=None) == []
    open_stage = handover_steps(stage_number=1, stage_date="2025-06-09",
                                confirmations=[4, 6, 5], closed_seq=None)
    assert [s.status for s in open_stage] == ["handed_over"] and open_stage[0].event_seq == 6
    closed = handover_steps(stage_number=2, stage_date="2025-06-10", confirmations=[4, 6, 5],
                            closed_seq=12)
    assert [(s.status, s.event_seq) for s in closed] == [("handed_over", 6),
                                                         ("repatriated", 12)]
