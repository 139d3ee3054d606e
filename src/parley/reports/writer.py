"""Writing a bundle directory from a chain, its checkpoints and the publication policy.

Called by :func:`parley.services.publication.publish.publish_bundle` (with events read from the
store) and by the benchmark (with a synthetic chain). Files are written to a hidden
folder first and moved into place at the end, so a reader never sees half a bundle's
files next to the other half of an older one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.ledger.chain import StoredEvent
from parley.ledger.merkle import consistency_proof
from parley.ledger.signing import sign
from parley.reports import bundle as names
from parley.reports.chain import PublishedEvent, WithheldEvent, event_line
from parley.reports.checkpoints import Checkpoint, event_leaf_hashes
from parley.reports.derive import derive, redact
from parley.reports.html import render_report
from parley.reports.hxl import figures_csv
from parley.reports.policy import Policy, held_stages

STAGING = ".writing"


@dataclass(frozen=True)
class Written:
    events: int
    withheld: int
    held_stages: list[str]


def consistency_proofs(cps: Sequence[Checkpoint], hashes: Sequence[str]) -> list[list[str]]:
    """For each checkpoint, the RFC 9162 proof that it extends the one before (first: [])."""
    leaves = event_leaf_hashes(hashes[:cps[-1].tree_size]) if cps else []
    proofs: list[list[str]] = []
    previous = 0
    for cp in cps:
        if previous == 0:
            proofs.append([])
        else:
            proofs.append([p.hex() for p in consistency_proof(previous, leaves[:cp.tree_size])])
        previous = cp.tree_size
    return proofs


def write_bundle(out: Path, *, stored: Sequence[StoredEvent], checkpoints: Sequence[Checkpoint],
                 policy: Policy, publisher: str, key: Ed25519PrivateKey) -> Written:
    """Write the whole bundle for ``stored`` (which must end at the last checkpoint)."""
    held = held_stages(stored, policy.published_at)
    items: list[PublishedEvent] = redact(stored, set(held))
    derived = derive(items, policy)
    proofs = consistency_proofs(checkpoints, [e.hash for e in stored])
    tmp = out / STAGING
    tmp.mkdir()
    with (tmp / names.EVENTS).open("w", encoding="utf-8", newline="") as handle:
        for item in items:
            handle.write(event_line(item))
    for name in names.DERIVED:
        _write(tmp / name, names.json_text(derived.files[name]))
    _write(tmp / names.CHECKPOINTS, names.json_text(
        [{**cp.to_json(), "consistency": proof}
         for cp, proof in zip(checkpoints, proofs, strict=True)]))
    _write(tmp / names.FIGURES_CSV, figures_csv(derived.files, policy))
    last = checkpoints[-1]
    manifest: dict[str, Any] = {
        "format": names.FORMAT, "published_at": policy.published_at, "k": policy.k,
        "chain": {"size": last.tree_size, "head": last.head}, "publisher": publisher,
    }
    _write(tmp / names.REPORT, render_report(derived, manifest, checkpoints=checkpoints))
    manifest["files"] = {name: names.file_sha256(tmp / name) for name in names.FILES}
    manifest["signature"] = sign(key, names.manifest_message(manifest))
    _write(tmp / names.MANIFEST, names.json_text(manifest))
    for path in tmp.iterdir():
        path.replace(out / path.name)
    tmp.rmdir()
    return Written(events=len(items),
                   withheld=sum(1 for i in items if isinstance(i, WithheldEvent)),
                   held_stages=sorted(held))


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="")
