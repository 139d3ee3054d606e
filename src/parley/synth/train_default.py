"""Train the packaged default linkage model on labelled synthetic lists.

    .venv/bin/python -m parley.synth.train_default [--records 20000] [--seed 2024]

Writes ``src/parley/linkage/default_model.json``: m from the true pairs (Splink's
``estimate_m_from_label_column``), u by random sampling, the prior from the truth,
no term frequencies (those always come from the data being linked). The seed differs
from every seed the tests and benchmarks evaluate on.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import replace
from pathlib import Path

import pyarrow as pa

from parley.linkage import LinkRecord, feature_frame, feature_rows
from parley.linkage.engines import database_api
from parley.linkage.model import (
    LinkageModel,
    Thresholds,
    normalised,
    params_from_splink,
    splink_settings,
)
from parley.synth.multisource import multisource

TARGET = Path(__file__).resolve().parents[1] / "linkage" / "default_model.json"


def train(records: int, seed: int) -> LinkageModel:
    from splink import Linker

    scenario = multisource(records, seed=seed)
    link_records = [LinkRecord(uid=f"{r.source}:{r.record_id}", source=r.source,
                               fields=r.fields) for r in scenario.records()]
    rows = feature_rows(link_records)
    truth = scenario.truth()
    frame = feature_frame(rows).append_column(
        "person_key", pa.array([truth[(r.source, r.record_id)] for r in scenario.records()]))
    api = database_api("duckdb")
    table = api.register(frame, dataset_display_name="labelled")
    linker = Linker(table, splink_settings(None), log_level=logging.ERROR)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e7, seed=seed)
    linker.training.estimate_m_from_label_column("person_key")
    _, levels = params_from_splink(linker.misc.save_model_to_json(out_path=None))
    n = len(rows)
    prior = len(scenario.true_pairs()) / (n * (n - 1) / 2)
    return LinkageModel(prior=prior, levels=normalised(levels), tf={},
                        thresholds=Thresholds(), version=0,
                        training_hash="synthetic:multisource:" + str(seed),
                        training_records=n, method="labels")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=TARGET)
    args = parser.parse_args()
    model = train(args.records, args.seed)
    model = replace(model, method="default")
    args.out.write_text(model.to_json(with_tf=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out} (prior {model.prior:.3g}, {model.training_records:,} records)")


if __name__ == "__main__":
    main()
