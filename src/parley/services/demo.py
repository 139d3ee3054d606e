"""`parley demo`: the whole flow on a fresh embedded database, on synthetic people.

Each step calls the same services the CLI and the API call. Later areas extend the
scenario (identity resolution, the Istanbul 2025 agreement and its stages, the bundle).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from parley.bootstrap import App
from parley.errors import InputError
from parley.services.ledger import LedgerReport, verify_ledger
from parley.services.lists import ListMeta, RecordInput, record_list
from parley.services.organisation import register_party
from parley.synth.people import population

INTERMEDIARY = "INT"
PARTY_A = "UA"
PARTY_B = "RU"
ACTORS = {
    INTERMEDIARY: "int-tracing",
    PARTY_A: "ua-coordination",
    PARTY_B: "ru-coordination",
}


@dataclass
class DemoSummary:
    """What the demo did, for the printed summary and `summary.json`."""

    directory: str
    parties: list[str] = field(default_factory=list)
    lists: list[dict[str, object]] = field(default_factory=list)
    ledger: LedgerReport | None = None


def prepare_directory(out: Path) -> None:
    """Refuse to run over anything but an empty directory or an earlier demo's output."""
    if out.exists() and any(out.iterdir()) and not (out / "parley.db").exists():
        raise InputError(f"{out} is not empty and holds no earlier demo; choose another --out")
    out.mkdir(parents=True, exist_ok=True)


def run_demo(app: App, out: Path, *, people: int = 40) -> DemoSummary:
    summary = DemoSummary(directory=str(out))
    register_party(app, code=INTERMEDIARY, title="Neutral intermediary", kind="intermediary",
                   actor=ACTORS[INTERMEDIARY], actor_title="Central tracing agency")
    register_party(app, code=PARTY_A, title="Ukraine", kind="party", actor=ACTORS[PARTY_A],
                   actor_title="Coordination HQ for the treatment of POWs")
    register_party(app, code=PARTY_B, title="Russian Federation", kind="party",
                   actor=ACTORS[PARTY_B], actor_title="POW information bureau")
    summary.parties = [INTERMEDIARY, PARTY_A, PARTY_B]

    records = [RecordInput(row_number=i + 2, fields=p.fields(f"UA-{i + 1:05d}"))
               for i, p in enumerate(population(people))]
    digest = hashlib.sha256(repr([r.fields for r in records]).encode()).hexdigest()
    recorded = record_list(app, meta=ListMeta(
        source="ua-origin-list", kind="origin_list", file_name="synthetic-origin-list.csv",
        file_sha256=digest, party=PARTY_A, rows=len(records),
    ), records=records, actor=ACTORS[PARTY_A], one_person_per_record=True)
    summary.lists.append({"source": "ua-origin-list", "kind": "origin_list",
                          "accepted": len(recorded.record_ids), "quarantined": 0})
    summary.ledger = verify_ledger(app)
    return summary
