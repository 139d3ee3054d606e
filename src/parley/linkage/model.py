"""The match model: Fellegi–Sunter parameters for :mod:`parley.linkage.comparisons`.

A :class:`LinkageModel` is what gets saved (as JSON, with a version and the hash of the
data it was trained on) and what every evaluator reads: Splink (DuckDB or Spark) for batch
work via :func:`splink_settings`, the Python :class:`~parley.linkage.scoring.Scorer` for
single pairs. It holds, per comparison level, the m and u probabilities; the prior
probability that two records match; term frequencies of surname and given-name keys
(for the adjustment that makes a shared rare surname count for more than a shared
common one); and the two decision thresholds.

:func:`train` fits a model to the data itself: u by random sampling, the prior from
rules that admit almost no false matches, m by expectation maximisation started from the
packaged default model (trained on labelled synthetic lists). EM on data that is too
clean or too small can drive an m to 0 or swap the meaning of levels; :func:`train`
checks the result level by level and keeps the default m where EM went astray.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from parley.linkage.blocking import splink_rules
from parley.linkage.comparisons import COMPARISONS, TF_COLUMNS
from parley.linkage.features import Features

log = logging.getLogger(__name__)

MODEL_FORMAT = "parley-linkage-model/1"
# Training below this many records keeps the default m and u (too little to learn from).
MIN_RECORDS_TO_TRAIN = 1_000
_U_FLOOR = 1e-7
_M_FLOOR = 1e-6


@dataclass(frozen=True)
class Thresholds:
    """Match probabilities that decide: ``auto`` and above link, ``review`` and above queue.

    Chosen on the synthetic lists: below 0.8 recall gains little and precision starts to
    pay; ``uncorroborated`` (see below) keeps names-only links at 0.9.

    ``ambiguity`` is in match weight (bits): a record whose two best candidates are
    persons who cannot both be it, scored within this margin, goes to review instead.
    """

    auto: float = 0.8
    review: float = 0.5
    ambiguity: float = 4.0
    # A pair scored below this is a contradiction: never in one cluster automatically.
    contradiction: float = 0.01
    # A pair sharing no birth date and no service number (names, place, unit only) links
    # automatically only at or above this. At ``auto`` it adds nothing; 0.99 trades about
    # one point of recall for a tenth of a point of precision on the synthetic lists.
    uncorroborated: float = 0.9


@dataclass(frozen=True)
class LevelParams:
    label: str
    m: float
    u: float


@dataclass(frozen=True)
class LinkageModel:
    """Trained parameters plus their provenance (version, training data hash)."""

    prior: float  # probability that two random records match
    levels: dict[str, list[LevelParams]]  # comparison name -> levels in order
    tf: dict[str, dict[str, float]] = field(default_factory=dict)
    thresholds: Thresholds = field(default_factory=Thresholds)
    version: int = 0
    training_hash: str = ""
    training_records: int = 0
    method: str = "default"  # default | em | labels
    # The conflict rules the training data itself keeps (``conflicts.measured_reliable``);
    # None: not measured, the m of the levels decides.
    hard_rules: tuple[str, ...] | None = None

    # --- persistence ------------------------------------------------------------------

    def to_dict(self, *, with_tf: bool = True) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "version": self.version,
            "method": self.method,
            "training_hash": self.training_hash,
            "training_records": self.training_records,
            "prior": self.prior,
            "thresholds": self.thresholds.__dict__,
            "comparisons": {
                name: [{"label": p.label, "m": p.m, "u": p.u} for p in params]
                for name, params in self.levels.items()
            },
            "tf": self.tf if with_tf else {},
            "hard_rules": list(self.hard_rules) if self.hard_rules is not None else None,
        }

    def to_json(self, *, with_tf: bool = True) -> str:
        return json.dumps(self.to_dict(with_tf=with_tf), ensure_ascii=False, indent=1,
                          sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinkageModel:
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a Parley linkage model (format {data.get('format')!r})")
        levels = _upgraded({
            name: [LevelParams(str(p["label"]), float(p["m"]), float(p["u"])) for p in params]
            for name, params in data["comparisons"].items()
        })
        model = cls(
            prior=float(data["prior"]), levels=levels,
            tf={c: {str(k): float(v) for k, v in t.items()} for c, t in data["tf"].items()},
            thresholds=Thresholds(**data.get("thresholds", {})),
            version=int(data.get("version", 0)), training_hash=str(data["training_hash"]),
            training_records=int(data["training_records"]), method=str(data["method"]),
            hard_rules=(tuple(str(r) for r in data["hard_rules"])
                        if data.get("hard_rules") is not None else None),
        )
        model.check()
        return model

    @classmethod
    def from_json(cls, text: str) -> LinkageModel:
        return cls.from_dict(json.loads(text))

    def check(self) -> None:
        """Refuse a model whose comparisons do not fit the code's (levels added/removed)."""
        for comparison in COMPARISONS:
            params = self.levels.get(comparison.name)
            labels = [lv.label for lv in comparison.levels if not lv.null]
            if params is None or [p.label for p in params] != labels:
                raise ValueError(
                    f"model does not fit comparison {comparison.name!r}: "
                    f"expected levels {labels}, found {[p.label for p in params or []]}"
                )

    # --- term frequencies ---------------------------------------------------------------

    def tf_value(self, column: str, value: str | None) -> float | None:
        """The relative frequency of ``value``; unseen values count as seen once."""
        if value is None:
            return None
        table = self.tf.get(column)
        if not table:
            return None
        found = table.get(value, table.get("", 0.0))
        return float(found) if found else None


def term_frequencies(rows: Sequence[Features]) -> dict[str, dict[str, float]]:
    """Relative frequency of each key among non-missing values, as Splink computes it.

    The entry under ``""`` is the frequency given to values not in the table: one
    occurrence among the rows counted.
    """
    tables: dict[str, dict[str, float]] = {}
    for column in TF_COLUMNS:
        counts = Counter(v for v in (getattr(r, column) for r in rows) if v is not None)
        total = sum(counts.values())
        if total:
            table = {value: n / total for value, n in counts.items()}
            table[""] = 1 / total
            tables[column] = table
    return tables


def training_hash(rows: Sequence[Features]) -> str:
    """SHA-256 over the training rows' values (ids excluded), in a canonical order."""
    digest = hashlib.sha256()
    lines = sorted(
        json.dumps([getattr(r, c) for c in _HASHED], ensure_ascii=False, default=str)
        for r in rows
    )
    for line in lines:
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


_HASHED = tuple(c for c in Features.__slots__ if c not in ("unique_id", "source"))


# Levels added since a saved model was made: its comparison gets the level with these m
# and u (from the default model they first shipped in) and is renormalised.
_ADDED_LEVELS: dict[str, dict[str, tuple[str, float, float]]] = {
    # label: (the level it follows, m, u)
    "birth": {"birth years one apart, month equal, days one apart":
              ("birth years one apart, day and month equal", 0.0012, 2.0e-5)},
}


def _upgraded(levels: dict[str, list[LevelParams]]) -> dict[str, list[LevelParams]]:
    """A saved model's levels with the levels added since, so that old models still load."""
    out = dict(levels)
    for name, added in _ADDED_LEVELS.items():
        params = out.get(name)
        if params is None:
            continue
        labels = [p.label for p in params]
        changed = False
        for label, (after, m, u) in added.items():
            if label in labels or after not in labels:
                continue
            at = labels.index(after) + 1
            params = [*params[:at], LevelParams(label, m, u), *params[at:]]
            labels.insert(at, label)
            changed = True
        if changed:
            m_total = sum(p.m for p in params)
            u_total = sum(p.u for p in params)
            out[name] = [LevelParams(p.label, p.m / m_total, p.u / u_total) for p in params]
    return out


def default_model() -> LinkageModel:
    """The packaged model, trained on labelled synthetic lists (``parley.synth``)."""
    text = resources.files("parley.linkage").joinpath("default_model.json").read_text("utf-8")
    return LinkageModel.from_json(text)


def match_weight(probability: float) -> float:
    probability = min(max(probability, 1e-300), 1 - 1e-16)
    return math.log2(probability / (1 - probability))


def probability(weight: float) -> float:
    if weight > 1000:
        return 1.0
    if weight < -1000:
        return 0.0
    bf: float = math.pow(2.0, weight)
    return bf / (1 + bf)


# --- Splink ----------------------------------------------------------------------------


def splink_settings(model: LinkageModel | None, *, with_rules: bool = True,
                    retain: bool = False) -> Any:
    """A Splink ``SettingsCreator`` for the comparisons, with ``model``'s parameters.

    ``retain`` keeps the comparison levels (``gamma_*``) and per-level weights in the
    predictions, for tests and explanations.
    """
    from splink import SettingsCreator

    comparisons: list[Any] = []
    for comparison in COMPARISONS:
        creator = comparison.splink()
        if model is not None:
            params = iter(model.levels[comparison.name])
            for level, level_creator in zip(comparison.levels,
                                            creator.create_comparison_levels(), strict=True):
                if level.null:
                    continue
                p = next(params)
                # The comparison keeps these very creator objects, so this sticks.
                level_creator.configure(m_probability=p.m, u_probability=p.u)
        comparisons.append(creator)
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=splink_rules() if with_rules else [],
        probability_two_random_records_match=model.prior if model else 1e-4,
        retain_matching_columns=retain,
        retain_intermediate_calculation_columns=retain,
        additional_columns_to_retain=[],
    )


def params_from_splink(settings: dict[str, Any]) -> tuple[float, dict[str, list[LevelParams]]]:
    """Prior and per-level m/u out of Splink's ``save_model_to_json`` dictionary."""
    levels: dict[str, list[LevelParams]] = {}
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        params = []
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m = level.get("m_probability")
            u = level.get("u_probability")
            params.append(LevelParams(
                label=level.get("label_for_charts", ""),
                m=max(float(m), _M_FLOOR) if m is not None else _M_FLOOR,
                u=max(float(u), _U_FLOOR) if u is not None else _U_FLOOR,
            ))
        levels[name] = params
    return float(settings["probability_two_random_records_match"]), levels


# The least m of a comparison's "all other" level: a true match disagrees now and then on
# anything (a transfer, a second document, a clerk's slip), so no single disagreement may
# outweigh everything else the records share.
M_ELSE_MIN = 0.003


def normalised(levels: dict[str, list[LevelParams]]) -> dict[str, list[LevelParams]]:
    """m and u of each comparison rescaled to sum to one, the "else" m floored first."""
    out = {}
    for name, params in levels.items():
        *head, last = params
        params = [*head, LevelParams(last.label, max(last.m, M_ELSE_MIN), last.u)]
        m_total = sum(p.m for p in params)
        u_total = sum(p.u for p in params)
        out[name] = [LevelParams(p.label, p.m / m_total, p.u / u_total) for p in params]
    return out
