"""Scoring one pair of records in Python with the same numbers Splink computes.

The :class:`Scorer` reads a :class:`~parley.linkage.model.LinkageModel` and gives, for
two :class:`~parley.linkage.features.Features` rows, the match weight (log2 of the
Bayes factor plus the prior), the match probability, and the evidence: which level of
each comparison held and how many bits it added or took away. Splink's formula is
followed exactly, term-frequency adjustment included, and a test holds the two to the
same results.

Callers: clustering (to check that a cluster holds together), the registry (one new
record against known persons in well under a millisecond per candidate), the review
queue (the evidence shown to a reviewer).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from parley.linkage.comparisons import COMPARISONS, Comparison
from parley.linkage.features import Features
from parley.linkage.model import LinkageModel, match_weight, probability


@dataclass(frozen=True)
class Evidence:
    """What one comparison said about a pair: the level that held and its weight in bits."""

    comparison: str
    level: str
    weight: float

    @property
    def direction(self) -> str:
        if self.weight > 0.05:
            return "for"
        if self.weight < -0.05:
            return "against"
        return "neutral"


class Scorer:
    """Fellegi–Sunter scoring of pairs with one model's parameters."""

    def __init__(self, model: LinkageModel) -> None:
        self.model = model
        self.prior_weight = match_weight(model.prior)
        self._plan: list[tuple[Comparison, list[float], list[str], list[float | None]]] = []
        for comparison in COMPARISONS:
            params = model.levels[comparison.name]
            # Index by gamma: gamma g is params[len - 1 - g] (levels run high to low).
            by_gamma = list(reversed(params))
            weights = [math.log2(p.m / p.u) for p in by_gamma]
            labels = [p.label for p in by_gamma]
            # For a term-frequency level, log2(u) of the exact level on that column.
            tf_u: list[float | None] = []
            for p, level in zip(by_gamma, _non_null_levels(comparison)[::-1], strict=True):
                tf_u.append(math.log2(p.u) if level.tf else None)
            self._plan.append((comparison, weights, labels, tf_u))

    def weight(self, left: Features, right: Features) -> float:
        total = self.prior_weight
        for comparison, weights, _, tf_u in self._plan:
            gamma = comparison.level_of(left, right)
            if gamma < 0:
                continue
            total += weights[gamma]
            log2_u = tf_u[gamma]
            if log2_u is not None:
                total += self._tf_adjustment(comparison, gamma, left, right, log2_u)
        return total

    def probability(self, left: Features, right: Features) -> float:
        return probability(self.weight(left, right))

    def explain(self, left: Features, right: Features) -> list[Evidence]:
        """The evidence for and against, one entry per comparison (missing ones included)."""
        out = []
        for comparison, weights, labels, tf_u in self._plan:
            gamma = comparison.level_of(left, right)
            if gamma < 0:
                out.append(Evidence(comparison.name, "missing on either side", 0.0))
                continue
            weight = weights[gamma]
            log2_u = tf_u[gamma]
            if log2_u is not None:
                weight += self._tf_adjustment(comparison, gamma, left, right, log2_u)
            out.append(Evidence(comparison.name, labels[gamma], weight))
        return out

    def _tf_adjustment(self, comparison: Comparison, gamma: int, left: Features,
                       right: Features, log2_u: float) -> float:
        level = _non_null_levels(comparison)[::-1][gamma]
        column = level.tf
        assert column is not None
        tf_left = self.model.tf_value(column, getattr(left, column))
        tf_right = self.model.tf_value(column, getattr(right, column))
        values = [v for v in (tf_left, tf_right) if v is not None]
        if not values:
            return 0.0
        return log2_u - math.log2(max(values))


def _non_null_levels(comparison: Comparison) -> list:  # type: ignore[type-arg]
    return [lv for lv in comparison.levels if not lv.null]
