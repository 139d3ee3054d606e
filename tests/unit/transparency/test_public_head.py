"""The public stage head: unlinkable leaves, figure openings, the padded persons tree."""

from __future__ import annotations

import os

import pytest

from parley.domain.public_head import (
    TOTAL,
    FigureOpening,
    PublicHead,
    PublicHeadError,
    build_public_head,
    persons_tree_size,
)
from parley.ledger.merkle import inclusion_proof, tree_root
from parley.reports.public_events import path_from_levels, tree_levels


def _commitments(n: int) -> list[str]:
    return [os.urandom(32).hex() for _ in range(n)]


def test_leaves_link_to_nothing_and_figures_open() -> None:
    wounded, young = _commitments(3), _commitments(7)
    head, openings = build_public_head(
        agreement="a", stage="s", number=1, date="2025-06-09", time="t",
        directions=["RU->UA"], categories=["wounded", "young"],
        leaves={("RU->UA", "wounded"): wounded, ("RU->UA", "young"): young},
        tree_root=tree_root)
    total = openings.figure("RU->UA", TOTAL)
    cell = openings.figure("RU->UA", "wounded")
    assert total is not None and cell is not None
    assert total.count == 10 and cell.count == 3
    # the same person's leaves in the category and in the total are unrelated, and no
    # leaf or figure shows a commitment
    assert not set(total.leaves) & set(cell.leaves)
    text = repr(head.to_json()) + repr([f.to_json() for f in openings.figures])
    assert not any(c in text for c in wounded + young)
    for f in openings.figures:
        assert f.problem(tree_root) is None
        assert head.commitment_of(f.direction, f.category) == f.commitment()
    # the persons tree: padded, sorted, at least twice the real count
    assert head.persons_size == persons_tree_size(10) == 64
    assert len(openings.person_leaves) == 64
    assert PublicHead.from_json(head.to_json()) == head


def test_a_changed_opening_is_refused() -> None:
    head, openings = build_public_head(
        agreement="a", stage="s", number=1, date="d", time="t", directions=["RU->UA"],
        categories=["young"], leaves={("RU->UA", "young"): _commitments(4)},
        tree_root=tree_root)
    f = openings.figures[0]
    bad = FigureOpening.from_json({**f.to_json(), "count": 5})
    assert "count 5 but 4 leaves" in str(bad.problem(tree_root))
    dropped = FigureOpening.from_json({**f.to_json(), "leaves": list(f.leaves[1:]),
                                       "count": 3})
    assert "root" in str(dropped.problem(tree_root))
    with pytest.raises(PublicHeadError):
        PublicHead.from_json({**head.to_json(), "persons": {"size": 7, "root": "0" * 64}})


def test_persons_tree_hides_the_stage_size() -> None:
    assert persons_tree_size(0) == persons_tree_size(7) == persons_tree_size(32) == 64
    assert persons_tree_size(33) == 128 and persons_tree_size(1000) == 2048


def test_inclusion_paths_from_levels_equal_rfc_9162() -> None:
    for n in (1, 2, 3, 5, 8, 13, 33):
        hashes = [os.urandom(32) for _ in range(n)]
        levels = tree_levels(hashes)
        for i in range(n):
            assert path_from_levels(levels, i) == inclusion_proof(i, hashes)
