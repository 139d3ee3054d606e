"""The bundle's layout: file names, format markers, signing contexts, JSON writing.

A bundle is a directory; ``docs/transparency.md`` describes every file so that anyone can
write a verifier. Parley writes JSON files as sorted, indented UTF-8 followed by one
newline, and names every other file's SHA-256 in ``manifest.json``, which an actor of the
intermediary signs.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from parley.ledger.canonical import canonical_json

FORMAT = "parley-bundle/1"
PROOF_FORMAT = "parley-proof/1"
MANIFEST_CONTEXT = b"parley-bundle-v1:"
PROOF_CONTEXT = b"parley-proof-v1:"

MANIFEST = "manifest.json"
EVENTS = "events.jsonl"
KEYS = "keys.json"
CHECKPOINTS = "checkpoints.json"
AGREEMENTS = "agreements.json"
STAGES = "stages.json"
STATEMENTS = "statements.json"
DISCREPANCIES = "discrepancies.json"
TOTALS = "totals.json"
ERASURES = "erasures.json"
FIGURES_CSV = "figures.csv"
REPORT = "index.html"

#: Files derived from the events alone; the verifier recomputes each and compares.
DERIVED = (KEYS, AGREEMENTS, STAGES, STATEMENTS, DISCREPANCIES, TOTALS, ERASURES)
#: Every file of a bundle other than the manifest, in the order the manifest lists them.
FILES = (EVENTS, KEYS, CHECKPOINTS, *DERIVED[1:], FIGURES_CSV, REPORT)


def json_text(value: Any) -> str:
    """How Parley writes a bundle's JSON files (readable, and stable byte for byte)."""
    return json.dumps(value, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_message(manifest: dict[str, Any]) -> bytes:
    """The bytes the publisher signs: everything in the manifest but the signature."""
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return MANIFEST_CONTEXT + canonical_json(body)


def proof_message(proof: dict[str, Any]) -> bytes:
    body = {k: v for k, v in proof.items() if k != "signature"}
    return PROOF_CONTEXT + canonical_json(body)
