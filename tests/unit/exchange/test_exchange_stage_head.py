"""The stage head's exact form: canonical bytes, leaf order, the empty tree."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.domain.stage_head import (
    EMPTY_ROOT_HEX,
    StageHead,
    StageHeadError,
    leaf_index,
    leaf_order,
)
from parley.domain.vocabulary import Direction, VocabularyError
from parley.ledger import canonical_json
from parley.ledger.merkle import (
    EMPTY_ROOT,
    inclusion_proof,
    leaf_hash,
    root_from_leaf_hashes,
    verify_inclusion,
)

HEAD = StageHead(agreement="a1", stage="s1", direction="RU->UA", category="young",
                 tree_size=2, root="ab" * 32, time="2025-06-09T17:00:00.000000Z")


def test_bytes_are_the_ledger_canonical_json() -> None:
    assert HEAD.to_bytes() == canonical_json(HEAD.to_json())
    assert HEAD.to_bytes().startswith(b'{"agreement":"a1","category":"young","direction"')
    assert StageHead.from_json(HEAD.to_json()) == HEAD


def test_empty_root_is_the_rfc_empty_tree() -> None:
    assert EMPTY_ROOT.hex() == EMPTY_ROOT_HEX
    with pytest.raises(StageHeadError, match="empty-tree root"):
        StageHead(agreement="a", stage="s", direction="UA->RU", category="c", tree_size=0,
                  root="00" * 32, time="t")


def test_directions() -> None:
    assert Direction.of("RU", "UA") == "RU->UA"
    assert Direction.parse("UA->RU").parties == ("UA", "RU")
    for bad in ("UA", "UA->UA", "ua->RU"):
        with pytest.raises(VocabularyError):
            Direction.parse(bad)
        with pytest.raises(StageHeadError):
            StageHead(agreement="a", stage="s", direction=bad, category="c", tree_size=0,
                      root=EMPTY_ROOT_HEX, time="t")


def test_from_json_refuses_extra_or_foreign_fields() -> None:
    data = {**HEAD.to_json(), "note": "x"}
    with pytest.raises(StageHeadError, match="extra"):
        StageHead.from_json(data)
    with pytest.raises(StageHeadError, match="kind"):
        StageHead.from_json({**HEAD.to_json(), "kind": "other"})


@given(st.sets(st.binary(min_size=32, max_size=32), min_size=1, max_size=40))
def test_leaf_order_gives_verifiable_inclusion(raw: set[bytes]) -> None:
    commitments = [r.hex() for r in raw]
    ordered = leaf_order(commitments)
    assert ordered == sorted(commitments)
    hashes = [leaf_hash(bytes.fromhex(c)) for c in ordered]
    root = root_from_leaf_hashes(hashes)
    target = commitments[0]
    index = leaf_index(commitments, target)
    proof = inclusion_proof(index, hashes)
    assert verify_inclusion(leaf_hash(bytes.fromhex(target)), index, len(ordered), proof, root)


def test_leaf_order_refuses_duplicates_and_bad_hex() -> None:
    with pytest.raises(StageHeadError, match="twice"):
        leaf_order(["aa" * 32, "aa" * 32])
    with pytest.raises(StageHeadError, match="hex"):
        leaf_order(["AA" * 32])
