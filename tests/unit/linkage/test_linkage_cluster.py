"""Clustering: no chaining, reviewers' verdicts win, ambiguity goes to review."""

from __future__ import annotations

import random
from collections.abc import Mapping

from parley.linkage import Decisions, Thresholds, cluster, pair
from parley.linkage.cluster import components

TH = Thresholds(auto=0.9, review=0.5, ambiguity=4.0, contradiction=0.01)
STRONG, WEAK, CONTRA = 20.0, 5.0, -20.0


def run(nodes: list[str], weights: Mapping[tuple[str, str], float], *, default: float = -3.0,
        decisions: Decisions = Decisions(), conflicts: set[tuple[str, str]] = frozenset(),
        seed: int = 0):  # type: ignore[no-untyped-def]
    table = {pair(*k): v for k, v in weights.items()}
    edges = [(a, b, w) for (a, b), w in table.items()]
    random.Random(seed).shuffle(edges)
    return cluster(nodes, edges, lambda a, b: table.get(pair(a, b), default), TH, decisions,
                   lambda a, b: pair(a, b) in conflicts)


def groups(result) -> set[frozenset[str]]:  # type: ignore[no-untyped-def]
    return {frozenset(g) for g in result.groups}


def test_a_chain_through_a_contradiction_does_not_close() -> None:
    result = run(["a", "b", "c"], {("a", "b"): STRONG, ("b", "c"): 12.0, ("a", "c"): CONTRA})
    assert groups(result) == {frozenset("ab"), frozenset("c")}
    assert [(r.a, r.b, r.reason) for r in result.review] == [("b", "c", "conflicting")]


def test_a_record_between_two_people_it_fits_equally_is_not_guessed() -> None:
    result = run(["a", "b", "c"], {("a", "b"): STRONG, ("b", "c"): STRONG - 1,
                                   ("a", "c"): CONTRA})
    assert groups(result) == {frozenset("a"), frozenset("b"), frozenset("c")}
    assert {r.reason for r in result.review} == {"ambiguous"}


def test_one_weak_link_does_not_join_two_groups() -> None:
    left, right = "abc", "def"
    weights = {(x, y): STRONG for g in (left, right) for x in g for y in g if x < y}
    weights[("c", "d")] = WEAK  # above the automatic threshold, alone
    result = run(list("abcdef"), weights)
    assert groups(result) == {frozenset(left), frozenset(right)}
    assert [(p.a, p.b) for p in result.review] == [("c", "d")]


def test_reviewer_same_joins_despite_the_score() -> None:
    result = run(["a", "b"], {("a", "b"): CONTRA}, decisions=Decisions.of(same=[("a", "b")]))
    assert groups(result) == {frozenset("ab")}
    assert result.how == {"a": "review", "b": "review"}


def test_reviewer_different_separates_despite_the_score() -> None:
    result = run(["a", "b", "c"], {("a", "b"): STRONG, ("b", "c"): STRONG, ("a", "c"): STRONG},
                 decisions=Decisions.of(different=[("a", "c")]))
    assert frozenset("abc") not in groups(result)
    assert all({p.a, p.b} != {"a", "c"} for p in result.review)


def test_equally_good_rivals_that_exclude_each_other_go_to_review() -> None:
    # An inquiry (x) fits two namesakes (p, q) who are plainly different people.
    result = run(["p", "q", "x"], {("x", "p"): 10.0, ("x", "q"): 9.0, ("p", "q"): CONTRA})
    assert groups(result) == {frozenset("p"), frozenset("q"), frozenset("x")}
    assert {(r.a, r.b, r.reason) for r in result.review} == {
        ("p", "x", "ambiguous"), ("q", "x", "ambiguous")}


def test_a_clearly_better_candidate_wins() -> None:
    result = run(["p", "q", "x"], {("x", "p"): 15.0, ("x", "q"): 6.0, ("p", "q"): CONTRA})
    assert frozenset("px") in groups(result)


def test_twins_are_never_joined_automatically() -> None:
    # Everything agrees but the given name: the score is high, the conflict forbids it.
    result = run(["t1", "t2"], {("t1", "t2"): 25.0}, conflicts={("t1", "t2")})
    assert groups(result) == {frozenset(["t1"]), frozenset(["t2"])}
    assert [r.reason for r in result.review] == ["conflicting"]


def test_result_does_not_depend_on_edge_order() -> None:
    nodes = [f"n{i}" for i in range(12)]
    rng = random.Random(3)
    weights = {(a, b): rng.choice([STRONG, WEAK, CONTRA, 1.0, 12.0])
               for i, a in enumerate(nodes) for b in nodes[i + 1:] if rng.random() < 0.5}
    first = run(nodes, weights, seed=1)
    for seed in range(2, 6):
        again = run(nodes, weights, seed=seed)
        assert groups(again) == groups(first)
        assert again.review == first.review


def test_singletons_and_probabilities() -> None:
    result = run(["a", "b", "c"], {("a", "b"): STRONG})
    assert result.how["c"] == "single" and "c" not in result.best
    assert result.best["a"] > 0.999 and result.how["a"] == "auto"


def test_components_are_sorted_and_complete() -> None:
    assert components(["c", "a", "b", "d"], [("a", "c")]) == [["a", "c"], ["b"], ["d"]]
