"""Writing a bundle directory: public events, the checkpoint, stages, totals, CSV, report.

Called by :func:`parley.services.publication.publish.publish_bundle` (with what the store
holds) and by the benchmark (with a synthetic exchange). Files are written to a hidden
folder first and moved into place at the end, so a reader never sees half a bundle's
files next to the other half of an older one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.domain.public_head import StageOpenings
from parley.ledger.chain import StoredEvent
from parley.ledger.signing import sign
from parley.reports import bundle as names
from parley.reports.checkpoints import Checkpoint
from parley.reports.derive import from_events, totals
from parley.reports.html import render_report
from parley.reports.hxl import figures_csv
from parley.reports.policy import Policy, held_stages
from parley.reports.public_events import event_line, select_public
from parley.reports.stages import check_section, signers_of, stage_section

STAGING = ".writing"


@dataclass(frozen=True)
class Written:
    public_events: int
    stages: int
    withheld_figures: int
    held_stages: list[str]


@dataclass(frozen=True)
class ClosedStage:
    """A closed stage to publish: its cosigned public head and openings, or (for stages
    closed before public heads) only where it sits."""

    id: str
    agreement: str
    number: int
    date: str
    cosigned: Mapping[str, Any] | None
    openings: StageOpenings | None


def stages_json(closed: Sequence[ClosedStage], held: Mapping[str, dict[str, Any]], k: int
                ) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for st in sorted(closed, key=lambda s: (s.agreement, s.number, s.id)):
        if st.id in held:
            continue
        if st.cosigned is None or st.openings is None:
            out.append({"id": st.id, "agreement": st.agreement, "number": st.number,
                        "date": st.date, "head": None})
            continue
        out.append(stage_section(st.cosigned, st.openings, k))
    for stage_id, hold in sorted(held.items()):
        out.append({"id": stage_id, "held": hold})
    return out


def build_files(stored: Sequence[StoredEvent], checkpoint: Checkpoint,
                closed: Sequence[ClosedStage], policy: Policy) -> dict[str, Any]:
    """Every file's content but the report and the manifest."""
    public = select_public(stored, checkpoint.tree_size)
    events = [p.event for p in public]
    held = {s: h.to_json() for s, h in held_stages(events, policy.published_at).items()}
    files: dict[str, Any] = from_events(events)
    files[names.STAGES] = stages_json(closed, held, policy.k)
    signers = signers_of(files[names.KEYS])
    sections = [s for s in files[names.STAGES] if s.get("head")]
    figures = {s["id"]: check_section(s, signers, policy.k) for s in sections}
    files[names.TOTALS] = totals(files[names.STAGES], figures, k=policy.k,
                                 statements=files[names.STATEMENTS],
                                 agreements=files[names.AGREEMENTS])
    files[names.CHECKPOINT] = checkpoint.to_json()
    files[names.EVENTS] = public
    return files


def write_bundle(out: Path, *, stored: Sequence[StoredEvent], checkpoint: Checkpoint,
                 closed: Sequence[ClosedStage], policy: Policy, publisher: str,
                 key: Ed25519PrivateKey) -> Written:
    """Write the whole bundle (``stored`` must reach the checkpoint)."""
    files = build_files(stored, checkpoint, closed, policy)
    tmp = out / STAGING
    tmp.mkdir()
    with (tmp / names.EVENTS).open("w", encoding="utf-8", newline="") as handle:
        for item in files[names.EVENTS]:
            handle.write(event_line(item))
    for name in (names.CHECKPOINT, *names.FROM_EVENTS, names.STAGES, names.TOTALS):
        _write(tmp / name, names.json_text(files[name]))
    _write(tmp / names.FIGURES_CSV, figures_csv(files))
    manifest: dict[str, Any] = {
        "format": names.FORMAT, "published_at": policy.published_at, "k": policy.k,
        "checkpoint": {"tree_size": checkpoint.tree_size, "root": checkpoint.root},
        "publisher": publisher,
    }
    _write(tmp / names.REPORT, render_report(files, manifest))
    manifest["files"] = {name: names.file_sha256(tmp / name) for name in names.FILES}
    manifest["signature"] = sign(key, names.manifest_message(manifest))
    _write(tmp / names.MANIFEST, names.json_text(manifest))
    for path in tmp.iterdir():
        path.replace(out / path.name)
    tmp.rmdir()
    stages = [s for s in files[names.STAGES] if s.get("head")]
    return Written(public_events=len(files[names.EVENTS]), stages=len(stages),
                   withheld_figures=sum(len(s["withheld"]) for s in stages),
                   held_stages=sorted(s["id"] for s in files[names.STAGES] if s.get("held")))


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="")
