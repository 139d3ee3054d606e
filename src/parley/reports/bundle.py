"""The bundle's layout: file names, format markers, signing contexts, JSON writing.

A bundle is a directory; ``docs/transparency.md`` describes every file so that anyone can
write a verifier. Parley writes JSON files as sorted, indented UTF-8 followed by one
newline, and names every other file's SHA-256 in ``manifest.json``, which an actor of the
intermediary signs. Nothing in a bundle concerns one person: the event chain is not
part of it (the parties get it through sync), only the events that carry no person.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from parley.ledger.canonical import canonical_json

FORMAT = "parley-bundle/2"
PROOF_FORMAT = "parley-proof/2"
MANIFEST_CONTEXT = b"parley-bundle-v2:"
PROOF_CONTEXT = b"parley-proof-v2:"

MANIFEST = "manifest.json"
EVENTS = "public-events.jsonl"
KEYS = "keys.json"
CHECKPOINT = "checkpoint.json"
AGREEMENTS = "agreements.json"
STAGES = "stages.json"
STATEMENTS = "statements.json"
TOTALS = "totals.json"
FIGURES_CSV = "figures.csv"
REPORT = "index.html"

#: Files derived from the public events alone; the verifier recomputes each and compares.
FROM_EVENTS = (KEYS, AGREEMENTS, STATEMENTS)
#: Every file of a bundle other than the manifest, in the order the manifest lists them.
FILES = (EVENTS, CHECKPOINT, KEYS, AGREEMENTS, STATEMENTS, STAGES, TOTALS, FIGURES_CSV,
         REPORT)


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
