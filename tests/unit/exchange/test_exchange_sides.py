"""Who holds a person and whom the person belongs to, from the kinds of lists; facts."""

from __future__ import annotations

from parley.domain.person_facts import PersonRecord, facts_of, sides_of

PARTIES = ("UA", "RU")


def rec(kind: str, party: str | None, seq: int = 1, **fields: str) -> PersonRecord:
    return PersonRecord(record_id=f"r{seq}", list_id=f"l{seq}", kind=kind,
                        source=f"{party or 'none'}-{kind}", party=party,
                        commitment="00" * 32, list_seq=seq, link_seq=seq, row_number=2,
                        fields=fields)


def test_capture_card_gives_both_sides() -> None:
    sides = sides_of([rec("capture_card", "RU")], parties=PARTIES)
    assert sides.direction(PARTIES) == ("RU", "UA")


def test_origin_list_alone_needs_a_capture() -> None:
    missing = sides_of([rec("origin_list", "UA", status="зниклий безвісти")], parties=PARTIES)
    assert missing.direction(PARTIES) is None
    assert missing.problem == "no list says the person is detained"
    captured = sides_of([rec("origin_list", "UA", status="полонений")], parties=PARTIES)
    assert captured.direction(PARTIES) == ("RU", "UA")


def test_the_intermediarys_visit_list_says_detained_not_by_whom() -> None:
    visit = rec("visit_list", "INT", 2)
    assert sides_of([visit], parties=PARTIES).direction(PARTIES) is None
    both = sides_of([rec("origin_list", "RU"), visit], parties=PARTIES)
    assert both.direction(PARTIES) == ("UA", "RU")


def test_conflicting_lists_leave_the_direction_unknown() -> None:
    two = sides_of([rec("capture_card", "RU", 1), rec("capture_card", "UA", 2)],
                   parties=PARTIES)
    assert two.direction(PARTIES) is None
    assert two.problem == "detained according to lists of RU, UA"
    same = sides_of([rec("capture_card", "UA", 1), rec("origin_list", "UA", 2)],
                    parties=PARTIES)
    assert same.direction(PARTIES) is None


def test_facts_with_sources() -> None:
    facts = facts_of("p", [
        rec("capture_card", "RU", 1, birth_date="2002-03-05", service_number="АВ123456",
            rank="солдат"),
        rec("origin_list", "UA", 2, birth_date="2002", status="поранений", rank="сержант"),
    ])
    assert [b.text for b in facts.births] == ["2002-03-05", "2002"]
    assert facts.civilian is False and facts.deceased is False
    assert facts.wounded_reported and facts.wounded_certified is None
    assert facts.rank == "сержант"  # the person's own party's record first
    assert facts.sources["wounded_reported"] == "UA-origin_list"
    dead = facts_of("p", [rec("origin_list", "UA", 1, status="загинув")])
    assert dead.deceased is True
    unknown = facts_of("p", [rec("origin_list", "UA", 1)])
    assert unknown.deceased is None and unknown.civilian is None
    identified = facts_of("p", [rec("capture_card", "RU", 1)], identified_case="RU-1")
    assert identified.deceased is True and identified.sources["deceased"] == "remains case RU-1"
