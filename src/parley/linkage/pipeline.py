"""Batch linkage with Splink: train the model on the data, score blocked pairs, cluster.

:func:`link` is what ``parley link`` and the registry's batch resolution call: it takes
records (any number of lists), computes features, fits or reuses a model, has Splink
(DuckDB or Spark) generate and score candidate pairs, rescores them with the Python
scorer (so every decision rests on the same numbers the registry uses one record at a
time) and clusters them into persons (:mod:`parley.linkage.cluster`).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from parley.linkage.cluster import Decisions, Partition, cluster
from parley.linkage.comparisons import COMPARISONS, TF_COLUMNS
from parley.linkage.conflicts import (
    conflict,
    corroborated,
    measured_reliable,
    reliable_fields,
)
from parley.linkage.engines import database_api, stop
from parley.linkage.features import Features, LinkRecord, feature_frame, feature_rows
from parley.linkage.model import (
    MIN_RECORDS_TO_TRAIN,
    LevelParams,
    LinkageModel,
    default_model,
    match_weight,
    normalised,
    params_from_splink,
    probability,
    splink_settings,
    term_frequencies,
    training_hash,
)
from parley.linkage.rarity import NameCounts, vouch_weight
from parley.linkage.scoring import Scorer

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass
class LinkResult:
    rows: list[Features]
    partition: Partition
    model: LinkageModel
    candidate_pairs: int


def link(records: Sequence[LinkRecord], *, model: LinkageModel | None = None,
         engine: str = "duckdb", train: bool = True, decisions: Decisions = Decisions(),
         progress: Progress | None = None) -> LinkResult:
    """Resolve ``records`` into persons.

    Without ``model`` one is fitted to the records (:func:`train`, or the packaged default
    with this data's term frequencies when there are too few records to learn from).
    """
    say = progress or (lambda _: None)
    say(f"features of {len(records):,} records")
    rows = feature_rows(records)
    return link_rows(rows, model=model, engine=engine, train=train, decisions=decisions,
                     progress=progress)


def link_rows(rows: list[Features], *, model: LinkageModel | None = None,
              engine: str = "duckdb", train: bool = True, decisions: Decisions = Decisions(),
              progress: Progress | None = None) -> LinkResult:
    say = progress or (lambda _: None)
    if not rows:
        return LinkResult(rows, Partition(), model or default_model(), 0)
    api = database_api(engine)
    try:
        frame = api.register(feature_frame(rows), dataset_display_name="records")
        if model is None:
            model = fit(frame, rows, api=api, train=train, progress=say)
        say("scoring candidate pairs")
        pairs = predict(frame, rows, model, api=api)
    finally:
        stop(api)
    say(f"clustering {len(pairs):,} candidate pairs")
    scorer = Scorer(model)
    by_uid = {r.unique_id: r for r in rows}
    names = NameCounts(rows)
    bonus = vouch_weight(model)

    def weight(a: str, b: str) -> float:
        left, right = by_uid[a], by_uid[b]
        w = scorer.weight(left, right)
        return w + bonus if names.vouches(left, right) else w

    hard = reliable_fields(model)

    def conflicting(a: str, b: str) -> bool:
        return conflict(by_uid[a], by_uid[b], hard) is not None

    def shared_fact(a: str, b: str) -> bool:
        left, right = by_uid[a], by_uid[b]
        return corroborated(left, right) or names.vouches(left, right)

    edges = [(a, b, weight(a, b)) for a, b in pairs]
    partition = cluster([r.unique_id for r in rows], edges, weight, model.thresholds,
                        decisions, conflicting, shared_fact)
    return LinkResult(rows, partition, model, len(pairs))


def predict(frame: Any, rows: Sequence[Features], model: LinkageModel, *, api: Any
            ) -> list[tuple[str, str]]:
    """Candidate pairs Splink scores at or above the review threshold (a little below)."""
    from splink import Linker

    linker = Linker(frame, splink_settings(model), log_level=logging.ERROR)
    _register_tf(linker, api, rows, model)
    # A margin below the review threshold: Splink and Python may differ in the last bits,
    # and a rare full name adds bits to an undated pair when clustering (``rarity``).
    floor = probability(match_weight(model.thresholds.review * 0.9) - vouch_weight(model))
    predictions = linker.inference.predict(threshold_match_probability=floor,
                                           warning_mode="never")
    table = predictions.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    predictions.drop_table_from_database_and_remove_from_cache()
    return [(rows[left].unique_id, rows[right].unique_id)
            for left, right in zip(table["unique_id_l"].tolist(), table["unique_id_r"].tolist(),
                                   strict=True)]


def _register_tf(linker: Any, api: Any, rows: Sequence[Features], model: LinkageModel
                 ) -> None:
    import pandas as pd

    for column in TF_COLUMNS:
        values = sorted({v for v in (getattr(r, column) for r in rows) if v is not None})
        table = pd.DataFrame({column: values,
                              f"tf_{column}": [model.tf_value(column, v) for v in values]})
        if table.empty:
            table = pd.DataFrame({column: pd.Series([], dtype=str),
                                  f"tf_{column}": pd.Series([], dtype=float)})
        registered = api.register(table, table_name=f"parley_tf_{column}_{id(table)}")
        linker.table_management.register_term_frequency_lookup(registered, column)


# --- training ----------------------------------------------------------------------------


def fit(frame: Any, rows: Sequence[Features], *, api: Any, train: bool = True,
        start: LinkageModel | None = None, progress: Progress | None = None
        ) -> LinkageModel:
    """A model for ``rows``: trained on them when there are enough, else the default."""
    say = progress or (lambda _: None)
    base = start or default_model()
    tf = term_frequencies(rows)
    digest = training_hash(rows)
    n = len(rows)
    measured = measured_reliable(rows)
    hard = sorted(measured) if measured is not None else None
    if not train or n < MIN_RECORDS_TO_TRAIN:
        # A person appears in about as many lists whatever the size of the data, so the
        # chance that two random records match scales as one over the number of records.
        prior = _rescaled(base.prior, base.training_records, n)
        return replace(base, prior=prior, tf=tf, training_hash=digest, training_records=n,
                       method="default" if base.method == "default" else base.method,
                       hard_rules=tuple(hard) if hard is not None else base.hard_rules)
    say("training the model (u by random sampling, m by expectation maximisation)")
    sample = list(rows)
    if n > TRAINING_SAMPLE:
        sample = random.Random(digest).sample(sample, TRAINING_SAMPLE)
        frame = api.register(feature_frame(sample), dataset_display_name="training_sample")
    trained = _train(frame, base, len(sample))
    return replace(trained, prior=_rescaled(trained.prior, len(sample), n), tf=tf,
                   training_hash=digest, training_records=n, thresholds=base.thresholds,
                   version=0, hard_rules=tuple(hard) if hard is not None else None)


# EM and u sampling on more records than this learn nothing new and only take longer.
TRAINING_SAMPLE = 200_000


def _rescaled(prior: float, trained_on: int, n: int) -> float:
    if trained_on < 2 or n < 2:
        return prior
    return min(prior * (trained_on - 1) / (n - 1), 0.5)


def _train(frame: Any, base: LinkageModel, n: int) -> LinkageModel:
    from splink import Linker, block_on

    linker = Linker(frame, splink_settings(base, with_rules=True), log_level=logging.ERROR)
    pairs = n * (n - 1) / 2
    try:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("service"), block_on("surname", "given", "birth"),
             block_on("surname", "given", "patronymic", "birth_y")], recall=0.8)
        linker.training.estimate_u_using_random_sampling(
            max_pairs=min(5e6, max(pairs / 4, 1e5)), seed=5)
        for rule in (block_on("surname", "given"), block_on("birth"),
                     block_on("service")):
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, fix_probability_two_random_records_match=False)
    except Exception as exc:  # noqa: BLE001 - Splink raises many kinds; fall back
        log.warning("training failed (%s); keeping the default model's m", exc)
        return base
    prior, learned = params_from_splink(linker.misc.save_model_to_json(out_path=None))
    return replace(base, prior=min(max(prior, 1e-9), 0.5),
                   levels=_sane(learned, base.levels), method="em")


def _sane(learned: dict[str, list[LevelParams]], base: dict[str, list[LevelParams]]
          ) -> dict[str, list[LevelParams]]:
    """Keep EM's m where it is plausible; fall back to the default m where it is not.

    EM may push an m to zero on data that never shows a level among true matches, or
    invert a comparison (the "equal" level weighing against a match). Such a comparison
    keeps the default m; u always comes from this data's random sample.
    """
    out: dict[str, list[LevelParams]] = {}
    for comparison in COMPARISONS:
        name = comparison.name
        new, old = learned[name], base[name]
        top = new[0]
        inverted = top.m / top.u < 1 or new[-1].m / new[-1].u > 1
        starved = any(p.m < 1e-5 and q.m > 1e-3 for p, q in zip(new, old, strict=True))
        if inverted or starved:
            log.info("comparison %s: EM result implausible, default m kept", name)
            new = [LevelParams(p.label, q.m, p.u) for p, q in zip(new, old, strict=True)]
        out[name] = new
    return normalised(out)


def fit_model(rows: Sequence[Features], *, train: bool = True, engine: str = "duckdb",
              start: LinkageModel | None = None, progress: Progress | None = None
              ) -> LinkageModel:
    """A model fitted to ``rows`` (see :func:`fit`), opening its own Splink backend."""
    if not train or len(rows) < MIN_RECORDS_TO_TRAIN:
        return fit(None, rows, api=None, train=False, start=start, progress=progress)
    api = database_api(engine)
    try:
        frame = api.register(feature_frame(list(rows)), dataset_display_name="training")
        return fit(frame, rows, api=api, train=True, start=start, progress=progress)
    finally:
        stop(api)
