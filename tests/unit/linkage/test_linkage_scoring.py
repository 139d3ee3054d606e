"""The Python scorer and Splink are one model: same levels, same weights, pair by pair."""

from __future__ import annotations

import logging
import math

from splink import Linker

from parley.linkage import Features, Scorer, default_model, feature_frame
from parley.linkage.comparisons import COMPARISONS
from parley.linkage.engines import database_api
from parley.linkage.model import LinkageModel, splink_settings, term_frequencies
from parley.linkage.pipeline import _register_tf


def _splink_predictions(rows: list[Features], model: LinkageModel):  # type: ignore[no-untyped-def]
    api = database_api("duckdb")
    frame = api.register(feature_frame(rows), dataset_display_name="records")
    linker = Linker(frame, splink_settings(model, retain=True), log_level=logging.ERROR)
    _register_tf(linker, api, rows, model)
    return linker.inference.predict(warning_mode="never").as_pandas_dataframe()


def test_python_scorer_matches_splink_on_every_blocked_pair(rows: list[Features]) -> None:
    sample = rows[:1500]
    model = default_model()
    model = LinkageModel(**{**model.__dict__, "tf": term_frequencies(sample)})
    predictions = _splink_predictions(sample, model)
    assert len(predictions) > 500
    scorer = Scorer(model)
    for record in predictions.itertuples(index=False):
        left, right = sample[record.unique_id_l], sample[record.unique_id_r]
        for comparison in COMPARISONS:
            gamma = getattr(record, f"gamma_{comparison.name}")
            assert comparison.level_of(left, right) == gamma, (comparison.name, left, right)
        assert math.isclose(scorer.weight(left, right), record.match_weight, abs_tol=1e-6)


def test_evidence_adds_up_to_the_weight(rows: list[Features]) -> None:
    model = default_model()
    scorer = Scorer(model)
    left, right = rows[0], rows[1]
    total = scorer.prior_weight + sum(e.weight for e in scorer.explain(left, right))
    assert math.isclose(total, scorer.weight(left, right))
    assert {e.comparison for e in scorer.explain(left, right)} == {c.name for c in COMPARISONS}
