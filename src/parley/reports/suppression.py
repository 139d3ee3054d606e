"""Small counts withheld, and withheld so that they cannot be worked out again.

A closed stage publishes, per direction, one figure per category and the direction's
total over its categories (category ``"*"``). Every count from 1 to k−1 is withheld
(*primary* suppression). Because a direction's total is the sum of its categories, a
total shown beside a single withheld category gives that category away, so Parley also
withholds the smallest other non-zero category of that direction (*complementary*
suppression, as statistical offices do with τ-ARGUS or sdcTable). Nothing else published
adds an equation over a stage's counts:

- figures of different stages are never added up in public except as running totals of
  the *published* figures only (they say "at least" when a stage's figure is withheld);
- the two directions share no published total;
- a family proof shows the stage's padded persons tree, whose size bounds the stage's
  total from above only (at least twice the real count);
- each figure's leaves are published only with its count.

:func:`suppress` decides; :func:`audit` checks the decision exactly, by linear
programming: for every withheld figure, the smallest and the largest value it can take,
given every published figure and every equation and bound above, must differ. The test
suite runs it over random stage tables (Hypothesis); ``parley publish`` runs it on every
stage before writing anything. Pure, except that :func:`audit` needs scipy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

TOTAL = "*"
#: why a figure is withheld, in the bundle and in the report's words
SMALL = "small"
PROTECTS = "protects"
REASONS = {
    SMALL: "a count from 1 to k−1",
    PROTECTS: "withheld too, so that a small count cannot be worked out from the total",
}

Key = tuple[str, str]  # (direction, category or "*")


@dataclass(frozen=True)
class Decision:
    """The withheld figures of one stage and why."""

    withheld: dict[Key, str]

    def shown(self, key: Key) -> bool:
        return key not in self.withheld


def suppress(table: Mapping[str, Mapping[str, int]], k: int) -> Decision:
    """Which figures of one stage to withhold.

    ``table[direction][category]`` holds every category's count and the direction's
    total under ``"*"`` (the sum of the others).
    """
    withheld: dict[Key, str] = {}
    for direction, row in table.items():
        cells = {c: n for c, n in row.items() if c != TOTAL}
        for category, count in row.items():
            if 0 < count < k:
                withheld[(direction, category)] = SMALL
        hidden = [c for c in cells if (direction, c) in withheld]
        if (direction, TOTAL) not in withheld and len(hidden) == 1:
            candidates = sorted((n, c) for c, n in cells.items()
                                if c not in hidden and n > 0)
            if candidates:
                withheld[(direction, candidates[0][1])] = PROTECTS
            else:  # cannot happen while the total is the sum; withhold the total then
                withheld[(direction, TOTAL)] = PROTECTS
    return Decision(withheld)


@dataclass(frozen=True)
class AuditFinding:
    """A withheld figure that the published ones pin down to one value."""

    key: Key
    low: float
    high: float


def audit(table: Mapping[str, Mapping[str, int]], decision: Decision, *,
          persons_bound: int | None = None) -> list[AuditFinding]:
    """Every withheld figure whose value the published figures determine (empty: safe).

    The attacker knows: every published count; that each direction's total is the sum of
    its categories; that every count is a non-negative integer; and (from a family
    proof) that the stage's grand total is at most ``persons_bound``. For each withheld
    figure, :func:`scipy.optimize.linprog` finds its minimum and maximum over everything
    consistent with that; equal bounds mean the figure is disclosed.
    """
    hidden = [(d, c) for d, row in table.items() for c in row if (d, c) in decision.withheld]
    if not hidden:
        return []
    index = {key: i for i, key in enumerate(hidden)}
    a_eq, b_eq = _row_equations(table, index)
    a_ub: list[list[float]] = []
    b_ub: list[float] = []
    if persons_bound is not None:
        coeffs, rhs = _linear(table, index, lambda d, c: 0.0 if c == TOTAL else 1.0)
        a_ub.append(coeffs)
        b_ub.append(float(persons_bound) + rhs)
    findings: list[AuditFinding] = []
    for key in hidden:
        low = _extreme(index[key], len(hidden), 1.0, a_eq, b_eq, a_ub, b_ub)
        high = _extreme(index[key], len(hidden), -1.0, a_eq, b_eq, a_ub, b_ub)
        if abs(high - low) < 0.5:
            findings.append(AuditFinding(key, low, high))
    return findings


def _linear(table: Mapping[str, Mapping[str, int]], index: Mapping[Key, int],
            weight: Callable[[str, str], float], only: str | None = None
            ) -> tuple[list[float], float]:
    """Coefficients over the withheld figures of sum(weight * figure), and minus the
    known part (to move to the right-hand side)."""
    coeffs = [0.0] * len(index)
    rhs = 0.0
    for direction, row in table.items():
        if only is not None and direction != only:
            continue
        for category, count in row.items():
            w = weight(direction, category)
            if (direction, category) in index:
                coeffs[index[(direction, category)]] += w
            else:
                rhs -= w * count
    return coeffs, rhs


def _row_equations(table: Mapping[str, Mapping[str, int]], index: Mapping[Key, int]
                   ) -> tuple[list[list[float]], list[float]]:
    """Each direction: its categories minus its total equal zero."""
    a_eq: list[list[float]] = []
    b_eq: list[float] = []
    for direction, row in table.items():
        if TOTAL not in row:
            continue
        coeffs, rhs = _linear(table, index, lambda d, c: -1.0 if c == TOTAL else 1.0,
                              only=direction)
        if any(coeffs):
            a_eq.append(coeffs)
            b_eq.append(rhs)
    return a_eq, b_eq


def _extreme(i: int, n: int, sense: float, a_eq: list[list[float]], b_eq: list[float],
             a_ub: list[list[float]], b_ub: list[float]) -> float:
    """The minimum (sense 1) or maximum (sense -1) of unknown ``i``."""
    from scipy.optimize import linprog

    c = [0.0] * n
    c[i] = sense
    result = linprog(c, A_ub=a_ub or None, b_ub=b_ub or None, A_eq=a_eq or None,
                     b_eq=b_eq or None, bounds=[(0, None)] * n, method="highs")
    if result.status == 3:  # unbounded: only a maximum can be
        return float("inf")
    if result.status != 0:
        raise ValueError(f"audit LP failed: {result.message}")
    return sense * float(result.fun)


def decide_stages(tables: Mapping[str, Mapping[str, Mapping[str, int]]], k: int
                  ) -> dict[str, Decision]:
    """:func:`suppress` for every stage (stage id -> table)."""
    return {stage: suppress(table, k) for stage, table in tables.items()}


def categories_of(table: Mapping[str, Mapping[str, int]]) -> Sequence[str]:
    seen: list[str] = []
    for row in table.values():
        for c in row:
            if c != TOTAL and c not in seen:
                seen.append(c)
    return seen
