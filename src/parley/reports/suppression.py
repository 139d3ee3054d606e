"""Small counts withheld, and withheld so that they cannot be worked out again.

A closed stage publishes, per direction, one figure per category and the direction's
total over its categories (category ``"*"``). Every count from 1 to k−1 is withheld
(*primary* suppression). Because a direction's total is the sum of its categories, a
total shown beside a single withheld category gives that category away, so Parley also
withholds the smallest other non-zero category of that direction (*complementary*
suppression, as statistical offices do with τ-ARGUS or sdcTable), and goes on
withholding while the audit below still pins a withheld figure down (the reader knows
the rules: a withheld category beside a shown total is at least 1, so two withheld
ones of 1 beside it would be given away). A direction whose total is small has all its
categories withheld, zeros too. The bundle says only "withheld", never which rule
withheld a figure (that would narrow it down). k = 2 is refused: a withheld count could
only be 1. Nothing else published
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
#: why Parley withholds a figure (internal: the bundle says only WITHHELD, because
#: telling a small count from a protecting one would narrow both down)
SMALL = "small"
PROTECTS = "protects"
#: the one word the bundle uses, and the report's words for it
WITHHELD = "withheld"
REASONS = {
    WITHHELD: "a count from 1 to k−1, or a figure withheld with it so that it cannot be "
              "worked out from the others",
}

Key = tuple[str, str]  # (direction, category or "*")


@dataclass(frozen=True)
class Decision:
    """The withheld figures of one stage and why."""

    withheld: dict[Key, str]

    def shown(self, key: Key) -> bool:
        return key not in self.withheld


def suppress(table: Mapping[str, Mapping[str, int]], k: int, *,
             persons_bound: int | None = None, audited: bool = True) -> Decision:
    """Which figures of one stage to withhold.

    ``table[direction][category]`` holds every category's count and the direction's
    total under ``"*"`` (the sum of the others). Primary: every count from 1 to k−1.
    A direction whose total is withheld has all its categories withheld (zeros too: a
    shown zero would tell how many withheld ones share the small total). A direction
    whose total is shown never has a single withheld category: the smallest other
    non-zero one is withheld with it; and while :func:`audit` still pins a withheld
    figure down (two withheld ones beside a shown total that is 2 more than the shown
    ones: each is 1), one more.
    """
    if k == 2:
        raise ValueError("k = 2 would withhold only counts of exactly 1, which the word "
                         "'withheld' would then give away; use k = 1 (nothing withheld) or "
                         "k >= 3")
    withheld: dict[Key, str] = {}
    for direction, row in table.items():
        for category, count in row.items():
            if 0 < count < k:
                withheld[(direction, category)] = SMALL
        if (direction, TOTAL) in withheld:
            _withhold_all(table, direction, withheld)
        elif len([c for c in row if c != TOTAL and (direction, c) in withheld]) == 1:
            _complement(table, direction, withheld)
    while audited and withheld:
        findings = audit(table, Decision(withheld), k=k, persons_bound=persons_bound)
        if not findings:
            break
        for direction in sorted({f.key[0] for f in findings}):
            _complement(table, direction, withheld)
    return Decision(withheld)


def _withhold_all(table: Mapping[str, Mapping[str, int]], direction: str,
                  withheld: dict[Key, str]) -> None:
    for category in table[direction]:
        withheld.setdefault((direction, category), PROTECTS)


def _complement(table: Mapping[str, Mapping[str, int]], direction: str,
                withheld: dict[Key, str]) -> None:
    """Withhold the smallest shown non-zero category of ``direction``, else its total
    (and then all its categories)."""
    row = table[direction]
    candidates = sorted((n, c) for c, n in row.items()
                        if c != TOTAL and n > 0 and (direction, c) not in withheld)
    if candidates:
        withheld[(direction, candidates[0][1])] = PROTECTS
    elif (direction, TOTAL) not in withheld:
        _withhold_all(table, direction, withheld)
    else:
        raise ValueError(f"{direction}: no figure left to withhold, yet a withheld one "
                         "can still be worked out")


def bounds_of(table: Mapping[str, Mapping[str, int]], decision: Decision, key: Key, k: int
              ) -> tuple[float, float | None]:
    """What a reader can tell of a withheld figure from the rules alone: a withheld total
    was small (1 to k−1) unless it protects; a withheld category beside a shown total is
    at least 1 (small, or a non-zero one withheld with it); beside a withheld total it
    may be 0."""
    direction, category = key
    if category == TOTAL:
        return (1.0, float(k - 1)) if decision.withheld[key] == SMALL else (1.0, None)
    if (direction, TOTAL) in decision.withheld:
        return (0.0, None)
    return (1.0, None)


@dataclass(frozen=True)
class AuditFinding:
    """A withheld figure that the published ones pin down to one value."""

    key: Key
    low: float
    high: float


def audit(table: Mapping[str, Mapping[str, int]], decision: Decision, *, k: int,
          persons_bound: int | None = None) -> list[AuditFinding]:
    """Every withheld figure whose value the published figures determine (empty: safe).

    The attacker knows: every published count; that each direction's total is the sum of
    its categories; what the rules tell of a withheld figure (:func:`bounds_of`); and
    (from a family proof) that the stage's grand total is at most ``persons_bound``.
    For each withheld figure, :func:`scipy.optimize.linprog` finds its minimum and
    maximum over everything consistent with that; equal bounds mean it is disclosed.
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
    bounds = [bounds_of(table, decision, key, k) for key in hidden]
    findings: list[AuditFinding] = []
    for key in hidden:
        low = _extreme(index[key], 1.0, a_eq, b_eq, a_ub, b_ub, bounds)
        high = _extreme(index[key], -1.0, a_eq, b_eq, a_ub, b_ub, bounds)
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


def _extreme(i: int, sense: float, a_eq: list[list[float]], b_eq: list[float],
             a_ub: list[list[float]], b_ub: list[float],
             bounds: list[tuple[float, float | None]]) -> float:
    """The minimum (sense 1) or maximum (sense -1) of unknown ``i``."""
    from scipy.optimize import linprog

    c = [0.0] * len(bounds)
    c[i] = sense
    result = linprog(c, A_ub=a_ub or None, b_ub=b_ub or None, A_eq=a_eq or None,
                     b_eq=b_eq or None, bounds=bounds, method="highs")
    if result.status == 3:  # unbounded: only a maximum can be
        return float("inf")
    if result.status != 0:
        raise ValueError(f"audit LP failed: {result.message}")
    return sense * float(result.fun)


def categories_of(table: Mapping[str, Mapping[str, int]]) -> Sequence[str]:
    seen: list[str] = []
    for row in table.values():
        for c in row:
            if c != TOTAL and c not in seen:
                seen.append(c)
    return seen
