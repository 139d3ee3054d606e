"""Pairwise precision and recall of a clustering against the truth (tests, benchmarks).

A pair of records is predicted when both sit in one cluster and true when both describe
one person. Precision is the share of predicted pairs that are true, recall the share
of true pairs that are predicted; F1 their harmonic mean.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PairwiseScores:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return (f"precision {self.precision:.4f}  recall {self.recall:.4f}  "
                f"F1 {self.f1:.4f}  ({self.correct_pairs:,} of {self.predicted_pairs:,} "
                f"predicted pairs true; {self.true_pairs:,} true pairs)")


def _pairs(counter: Counter[Hashable]) -> int:
    return sum(n * (n - 1) // 2 for n in counter.values())


def pairwise_scores(predicted: Mapping[Hashable, Hashable], truth: Mapping[Hashable, Hashable]
                    ) -> PairwiseScores:
    """Scores of ``predicted`` (record → cluster) against ``truth`` (record → person).

    Counted without listing pairs, so a million records take a second.
    """
    keys = set(truth)
    predicted_counts: Counter[Hashable] = Counter(predicted[k] for k in keys)
    true_counts: Counter[Hashable] = Counter(truth[k] for k in keys)
    both: Counter[Hashable] = Counter((predicted[k], truth[k]) for k in keys)
    return PairwiseScores(true_pairs=_pairs(true_counts),
                          predicted_pairs=_pairs(predicted_counts),
                          correct_pairs=_pairs(both))
