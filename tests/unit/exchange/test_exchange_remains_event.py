"""The remains.confirmed event: typed cases, and payload bytes as stored chains have them."""

from __future__ import annotations

import pytest

from parley.domain.events import RemainsCase, RemainsConfirmed
from parley.ledger import canonical_json

DIGEST = "ab" * 32


def test_the_sending_sides_cases_carry_their_commitments() -> None:
    ev = RemainsConfirmed(stage_id="s", direction="RU->UA", category="bodies", role="sending",
                          cases=(RemainsCase("C-2", DIGEST), RemainsCase("C-1", DIGEST)))
    # Exactly the bytes events recorded before the cases were typed have.
    assert canonical_json(ev.payload()) == (
        '{"cases":[{"case_number":"C-2","commitment":"' + DIGEST + '"},'
        '{"case_number":"C-1","commitment":"' + DIGEST + '"}],"category":"bodies",'
        '"direction":"RU->UA","role":"sending","stage_id":"s"}').encode()
    assert tuple(RemainsCase.from_payload(c) for c in ev.payload()["cases"]) == ev.cases


def test_the_other_sides_name_case_numbers_only() -> None:
    ev = RemainsConfirmed(stage_id="s", direction="RU->UA", category="bodies",
                          role="receiving", cases=(RemainsCase("C-1"),))
    assert canonical_json(ev.payload()) == (
        b'{"cases":["C-1"],"category":"bodies","direction":"RU->UA","role":"receiving",'
        b'"stage_id":"s"}')
    assert tuple(RemainsCase.from_payload(c) for c in ev.payload()["cases"]) == ev.cases


def test_a_commitment_only_from_the_sending_side() -> None:
    with pytest.raises(ValueError, match="only the sending side"):
        RemainsConfirmed(stage_id="s", direction="RU->UA", category="bodies",
                         role="intermediary", cases=(RemainsCase("C-1", DIGEST),))
    with pytest.raises(ValueError, match="only the sending side"):
        RemainsConfirmed(stage_id="s", direction="RU->UA", category="bodies",
                         role="sending", cases=(RemainsCase("C-1"),))
