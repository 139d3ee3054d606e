"""The vocabulary types: the stored words themselves, parsing, refusal, and Direction."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.domain.events import DiscrepancyOpened, HandoverConfirmed
from parley.domain.handover import MEANINGS, RESOLUTIONS, confirmed_by_all
from parley.domain.person_status import Step, current_status
from parley.domain.vocabulary import (
    USER_ROLES,
    Check,
    CheckOutcome,
    Direction,
    DiscrepancyKind,
    DiscrepancyStatus,
    HandoverRole,
    ListKind,
    PartyKind,
    PersonStatus,
    PublicationDecision,
    QuarantineStatus,
    Resolution,
    ReviewStatus,
    Role,
    StagePersonOrigin,
    StagePersonState,
    StageStatus,
    Verdict,
    Vocabulary,
    VocabularyError,
    one_of,
)
from parley.errors import InputError, parse_input
from parley.ledger import canonical_json

# The words as rows and events hold them: a type may gain a word (with a migration), never
# rename one, or stored rows and signed events would stop matching.
STORED = {
    ListKind: ("capture_card", "origin_list", "visit_list", "inquiry", "remains"),
    QuarantineStatus: ("open", "released", "erased"),
    ReviewStatus: ("open", "decided", "withdrawn"),
    Verdict: ("same", "different"),
    PersonStatus: ("missing", "held", "nominated", "verified", "declined_repatriation",
                   "handed_over", "repatriated", "deceased", "wishes"),
    PartyKind: ("party", "intermediary"),
    Role: ("intermediary", "party", "family", "public"),
    Check: ("identity", "eligibility"),
    CheckOutcome: ("confirmed", "refused"),
    StageStatus: ("planned", "closed"),
    StagePersonState: ("listed", "withdrawn", "carried"),
    StagePersonOrigin: ("planned", "carried", "admitted"),
    HandoverRole: ("sending", "receiving", "intermediary"),
    Resolution: ("person_remains_held", "handed_over", "admitted", "returned",
                 "identity_confirmed", "withdrawn_unconfirmed", "confirmations_agree"),
    DiscrepancyKind: ("not_handed_over", "not_nominated", "identity_disputed",
                      "count_mismatch"),
    DiscrepancyStatus: ("open", "resolved"),
    PublicationDecision: ("hold", "release"),
}


def test_every_type_holds_exactly_its_stored_words() -> None:
    assert set(STORED) == set(Vocabulary.__subclasses__())
    for kind, words in STORED.items():
        assert kind.values() == words
        for word in words:
            member = kind.parse(word)
            assert member == word and str(member) == word and f"{member}" == word
            assert member is kind(word)


@pytest.mark.parametrize("kind", list(STORED))
def test_a_word_outside_the_set_is_refused_naming_the_set(kind: type[Vocabulary]) -> None:
    for bad in ("", "OPEN", "nonsense", None, 3):
        with pytest.raises(VocabularyError) as refused:
            kind.parse(bad)  # type: ignore[arg-type]
        message = str(refused.value)
        assert message.startswith(f"{kind.what()} {bad!r} must be one of ")
        assert message.endswith(", ".join(STORED[kind]))


def test_refusal_reads_as_the_services_said_it() -> None:
    with pytest.raises(VocabularyError, match=r"^list kind 'roster' must be one of "
                       r"capture_card, origin_list, visit_list, inquiry, remains$"):
        ListKind.parse("roster")
    assert StagePersonState.what() == "stage person state"
    assert Resolution.listed("or").endswith("withdrawn_unconfirmed or confirmations_agree")


def test_a_persons_value_becomes_an_input_error() -> None:
    with pytest.raises(InputError, match=r"^party kind 'observer' must be one of party, "
                                         r"intermediary$"):
        parse_input(PartyKind, "observer")
    assert parse_input(PartyKind, "party") is PartyKind.PARTY


def test_patterns_match_exactly_the_words() -> None:
    pattern = re.compile(ReviewStatus.pattern("all"))
    for word in ("open", "decided", "withdrawn", "all"):
        assert pattern.fullmatch(word)
    for word in ("opened", "xopen", "open\n", "", "erased"):
        assert not pattern.fullmatch(word)
    assert ListKind.pattern() == "^(capture_card|origin_list|visit_list|inquiry|remains)$"
    assert one_of("a.b", "c") == r"^(a\.b|c)$"


def test_members_are_their_strings_in_events_so_hashes_do_not_change() -> None:
    typed = HandoverConfirmed(stage_id="s", role=HandoverRole.RECEIVING, party="UA",
                              person_ids=["p"])
    plain = HandoverConfirmed(stage_id="s", role="receiving", party="UA", person_ids=["p"])
    assert canonical_json(typed.payload()) == canonical_json(plain.payload())
    opened = DiscrepancyOpened(
        discrepancy_id="d", stage_id="s", kind=DiscrepancyKind.COUNT_MISMATCH,
        person_id=None, direction=Direction.of("RU", "UA"), category="young",
        counts=dict.fromkeys(HandoverRole, 1))
    assert canonical_json(opened.payload()) == canonical_json({
        "discrepancy_id": "d", "stage_id": "s", "kind": "count_mismatch", "person_id": None,
        "direction": "RU->UA", "category": "young",
        "counts": {"sending": 1, "receiving": 1, "intermediary": 1}})


def test_the_rules_speak_the_vocabulary() -> None:
    """The handover rules and the status rule are written in the vocabulary's words."""
    assert set(RESOLUTIONS) == set(DiscrepancyKind)
    assert all(isinstance(r, Resolution) for rs in RESOLUTIONS.values() for r in rs)
    assert set(MEANINGS) == set(Resolution)
    assert confirmed_by_all(HandoverRole) and confirmed_by_all(["intermediary", "receiving",
                                                                "sending"])
    assert not confirmed_by_all([HandoverRole.SENDING, HandoverRole.RECEIVING])
    order = [PersonStatus.MISSING, PersonStatus.NOMINATED, PersonStatus.VERIFIED,
             PersonStatus.DECLINED_REPATRIATION, PersonStatus.HANDED_OVER,
             PersonStatus.REPATRIATED, PersonStatus.DECEASED]
    for earlier, later in pairwise(order):
        history = [Step(later, 1, "a"), Step(earlier, 2, "b")]
        assert current_status(history).status is later
    assert USER_ROLES == (Role.INTERMEDIARY, Role.PARTY)
    assert all(k.meaning for k in ListKind)


# --- Direction ------------------------------------------------------------------------

CODES = st.from_regex(r"[A-Z0-9]{1,16}", fullmatch=True)


@given(CODES, CODES)
def test_direction_formats_and_parses_back(sending: str, receiving: str) -> None:
    if sending == receiving:
        with pytest.raises(VocabularyError, match="two party codes"):
            Direction.of(sending, receiving)
        return
    made = Direction.of(sending, receiving)
    assert made == f"{sending}->{receiving}"
    assert isinstance(made, str) and isinstance(made, Direction)
    again = Direction.parse(str(made))
    assert again == made and again.parties == (sending, receiving)
    assert (again.sending, again.receiving) == (sending, receiving)
    assert made.reverse() == f"{receiving}->{sending}" and made.reverse().reverse() == made
    assert Direction.unchecked_parties(made) == (sending, receiving)


def test_a_direction_is_the_text_itself() -> None:
    d = Direction.parse("RU->UA")
    assert d == "RU->UA" and hash(d) == hash("RU->UA") and {"RU->UA": 1}[d] == 1
    assert f"{d}" == "RU->UA" and repr(d) == "Direction('RU->UA')"
    assert Direction(d) is d
    assert sorted([Direction.parse("UA->RU"), d]) == ["RU->UA", "UA->RU"]
    assert re.fullmatch(Direction.PATTERN, d) and not re.fullmatch(Direction.PATTERN, "RU-UA")


@pytest.mark.parametrize(("bad", "why"), [
    ("RU-UA", "is not SENDING->RECEIVING"), ("", "is not SENDING->RECEIVING"),
    ("RU->RU", "two party codes: RU->RU"), ("ru->UA", "two party codes"),
    ("->UA", "two party codes"), ("RU->", "two party codes"),
    ("RU->UA->INT", "two party codes"), ("R U->UA", "two party codes"),
    ("A" * 17 + "->UA", "two party codes"), ("RU->UA ", "two party codes"),
])
def test_a_bad_direction_is_refused_clearly(bad: str, why: str) -> None:
    with pytest.raises(VocabularyError, match=re.escape(why)):
        Direction.parse(bad)
    with pytest.raises(InputError, match=re.escape(why)):
        parse_input(Direction, bad)
    if bad != "RU->RU":  # the pattern checks the form; that the codes differ, Direction does
        assert not re.fullmatch(Direction.PATTERN, bad)


def test_a_direction_must_be_text() -> None:
    with pytest.raises(VocabularyError, match="not SENDING->RECEIVING"):
        Direction(None)  # type: ignore[arg-type]
    assert Direction.unchecked_parties("junk") == ("junk", "")
