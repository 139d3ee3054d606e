"""Small counts withheld so that they cannot be worked out: the exact LP audit.

For random stage tables (two directions, one to four categories, counts from 0 to 40 and
k from 2 to 10), :func:`suppress` decides what to withhold and the audit solves, for each
withheld figure, the smallest and the largest value it can take given every published
figure, every direction total being the sum of its categories, and the bound a family
proof's padded persons tree gives. They must differ. A second property adds running
totals over several stages as an outsider would compute them from the published figures.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from parley.domain.public_head import persons_tree_size
from parley.reports.derive import totals
from parley.reports.stages import Figure
from parley.reports.suppression import PROTECTS, SMALL, TOTAL, Decision, audit, suppress

DIRECTIONS = ("RU->UA", "UA->RU")


@st.composite
def stage_tables(draw: st.DrawFn) -> dict[str, dict[str, int]]:
    categories = draw(st.lists(st.sampled_from(["wounded", "young", "civil", "remains"]),
                               min_size=1, max_size=4, unique=True))
    counts = st.one_of(st.integers(0, 6), st.integers(0, 40))
    table: dict[str, dict[str, int]] = {}
    for direction in DIRECTIONS:
        row = {c: draw(counts) for c in categories}
        row[TOTAL] = sum(row.values())
        table[direction] = row
    return table


def _bound(table: dict[str, dict[str, int]]) -> int:
    return persons_tree_size(sum(n for row in table.values() for c, n in row.items()
                                 if c != TOTAL))


@settings(max_examples=300, deadline=None)
@given(table=stage_tables(), k=st.integers(3, 10))
def test_no_withheld_figure_can_be_worked_out(table: dict[str, dict[str, int]],
                                              k: int) -> None:
    decision = suppress(table, k, persons_bound=_bound(table))
    for (direction, category), reason in decision.withheld.items():
        count = table[direction][category]
        assert reason in (SMALL, PROTECTS)
        assert (reason == SMALL) == (0 < count < k)
        # a zero is withheld only where its direction's total is
        assert count > 0 or (direction, TOTAL) in decision.withheld
    for direction, row in table.items():
        for category, count in row.items():
            if 0 < count < k:
                assert (direction, category) in decision.withheld
    assert audit(table, decision, k=k, persons_bound=_bound(table)) == []


def test_two_withheld_ones_beside_a_total_get_a_third() -> None:
    """Each withheld count is at least 1: two of them summing to 2 are both 1."""
    table = {"RU->UA": {"wounded": 1, "young": 1, "civil": 10, TOTAL: 12}}
    naive = Decision(withheld={("RU->UA", "wounded"): SMALL, ("RU->UA", "young"): SMALL})
    assert {f.key for f in audit(table, naive, k=5)} == {("RU->UA", "wounded"),
                                                          ("RU->UA", "young")}
    decision = suppress(table, 5)
    assert decision.withheld[("RU->UA", "civil")] == PROTECTS
    assert audit(table, decision, k=5) == []


def test_k_of_two_is_refused() -> None:
    with pytest.raises(ValueError, match="k = 2"):
        suppress({"RU->UA": {"young": 1, TOTAL: 1}}, 2)


def test_the_subtraction_attack_of_the_issue_is_closed() -> None:
    """A total minus the published category gives the hidden one: not any more."""
    table = {"RU->UA": {"wounded": 2, "young": 40, TOTAL: 42},
             "UA->RU": {"wounded": 0, "young": 7, TOTAL: 7}}
    naive_withheld = {("RU->UA", "wounded")}
    naive = Decision(withheld=dict.fromkeys(naive_withheld, SMALL))
    assert [f.key for f in audit(table, naive, k=5)] == [("RU->UA", "wounded")]
    decision = suppress(table, 5)
    assert decision.withheld == {("RU->UA", "wounded"): SMALL, ("RU->UA", "young"): PROTECTS}
    assert audit(table, decision, k=5) == []


@settings(max_examples=60, deadline=None)
@given(stages=st.lists(stage_tables(), min_size=2, max_size=4), k=st.integers(3, 8))
def test_running_totals_of_published_figures_disclose_nothing(
        stages: list[dict[str, dict[str, int]]], k: int) -> None:
    """Running totals are sums of published figures only, so adding them as equations
    (cumulative = sum over stages) over every stage's unknowns changes no bound."""
    keys = [(s, d, c) for s, table in enumerate(stages) for d, row in table.items()
            for c in row]
    decisions = [suppress(table, k) for table in stages]
    hidden = [key for key in keys if (key[1], key[2]) in decisions[key[0]].withheld]
    if not hidden:
        return
    index = {key: i for i, key in enumerate(hidden)}
    a_eq: list[list[float]] = []
    b_eq: list[float] = []

    def equation(terms: list[tuple[tuple[int, str, str], float]]) -> None:
        coeffs = [0.0] * len(hidden)
        rhs = 0.0
        for key, sign in terms:
            if key in index:
                coeffs[index[key]] += sign
            else:
                rhs -= sign * stages[key[0]][key[1]][key[2]]
        if any(coeffs):
            a_eq.append(coeffs)
            b_eq.append(rhs)

    for s, table in enumerate(stages):
        for d, row in table.items():
            equation([((s, d, c), 1.0) for c in row if c != TOTAL] + [((s, d, TOTAL), -1.0)])
    # what an outsider can add: the published running totals. They are sums of shown
    # figures only (checked here on what totals.json publishes), so they add no
    # equation over the withheld ones.
    sections = [{"id": f"s{n}", "number": n + 1, "date": "d", "agreement": "a",
                 "head": {"cosignatures": []}} for n in range(len(stages))]
    figures = {f"s{n}": [Figure(stage=f"s{n}", direction=d, category=c,
                                count=None if (d, c) in decisions[n].withheld else count,
                                reason=decisions[n].withheld.get((d, c)))
                         for d, row in table.items() for c, count in row.items()]
               for n, table in enumerate(stages)}
    published = totals(sections, figures, k=k, statements=[], agreements=[])
    for running in published["cumulative"]:
        d, c = running["direction"], running["category"]
        shown = [stages[n][d][c] for n in range(len(stages))
                 if c in stages[n][d] and (d, c) not in decisions[n].withheld]
        assert running["values"][-1]["published"] == sum(shown)
        assert [v["stage"] for v in running["values"]] == [
            f"s{n}" for n in range(len(stages)) if c in stages[n][d]]
    for key in hidden:
        lo = linprog([1.0 if i == index[key] else 0.0 for i in range(len(hidden))],
                     A_eq=a_eq or None, b_eq=b_eq or None,
                     bounds=[(0, None)] * len(hidden), method="highs")
        hi = linprog([-1.0 if i == index[key] else 0.0 for i in range(len(hidden))],
                     A_eq=a_eq or None, b_eq=b_eq or None,
                     bounds=[(0, None)] * len(hidden), method="highs")
        assert lo.status == 0
        assert hi.status == 3 or -hi.fun - lo.fun >= 0.5, key
