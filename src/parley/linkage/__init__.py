"""Identity resolution: which records, across lists, scripts and spellings, are one person.

Pure of the database: callers hand in records and get back persons. The pieces:

- :mod:`~parley.linkage.features` — comparable values of a record via ``parley.names``;
- :mod:`~parley.linkage.comparisons`, :mod:`~parley.linkage.model` — the Fellegi–Sunter
  model (Splink), its levels written once for SQL and once for Python;
- :mod:`~parley.linkage.scoring` — a pair's match weight and the evidence, in Python;
- :mod:`~parley.linkage.blocking` — candidate pairs, for Splink and for an index;
- :mod:`~parley.linkage.cluster` — persons from pairs without chaining, with must-link
  and cannot-link verdicts and the review queue;
- :mod:`~parley.linkage.pipeline` — batch linkage on DuckDB or Spark (``parley link``);
- :mod:`~parley.linkage.registry` — incremental resolution against known persons.

See docs/linkage.md for the model, its levels and its measured quality.
"""

from parley.linkage.blocking import RULES, BlockingIndex
from parley.linkage.cluster import Decisions, Partition, ReviewPair, cluster, pair
from parley.linkage.evaluate import PairwiseScores, pairwise_scores
from parley.linkage.features import Features, LinkRecord, feature_frame, feature_rows, features
from parley.linkage.model import LinkageModel, Thresholds, default_model
from parley.linkage.pipeline import LinkResult, fit_model, link, link_rows
from parley.linkage.registry import Candidate, Changes, Registry, apply_partition
from parley.linkage.scoring import Evidence, Scorer

__all__ = [
    "RULES",
    "BlockingIndex",
    "Candidate",
    "Changes",
    "Decisions",
    "Evidence",
    "Features",
    "LinkRecord",
    "LinkResult",
    "LinkageModel",
    "PairwiseScores",
    "Partition",
    "Registry",
    "ReviewPair",
    "Scorer",
    "Thresholds",
    "apply_partition",
    "cluster",
    "default_model",
    "feature_frame",
    "feature_rows",
    "features",
    "fit_model",
    "link",
    "link_rows",
    "pair",
    "pairwise_scores",
]
