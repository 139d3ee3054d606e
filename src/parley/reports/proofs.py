"""Family proofs: one person's record and salt, and the path to a cosigned stage head.

A proof file is canonical JSON (one line) with the fields below; the intermediary signs it
so that no byte can change unnoticed, but what convinces is the mathematics: the record
and salt open the commitment, the inclusion proof leads from the commitment to the root
of a stage head, and both parties and the intermediary cosigned that head. Nothing in it
says anything about anyone else (the path holds only hashes of hashes).

    {"format": "parley-proof/1", "record": {...}, "salt": "<64 hex>",
     "commitment": "<64 hex>", "leaf_index": 12, "inclusion": ["<64 hex>", ...],
     "stage_head": {"head": {...}, "cosignatures": [...]},
     "event": {"seq": 412, "hash": "<64 hex>"},   # the stage.closed event with the head
     "issued_at": "...", "issuer": "<intermediary actor>", "signature": "<128 hex>"}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.ledger.canonical import CanonicalError, canonical_json, parse_canonical
from parley.ledger.chain import StoredEvent
from parley.ledger.hashing import verify_commitment
from parley.ledger.merkle import leaf_hash, verify_inclusion
from parley.ledger.signing import sign, verify_signature
from parley.reports import bundle as names
from parley.reports import exchange
from parley.reports.chain import WithheldEvent

if TYPE_CHECKING:
    from parley.reports.verify import LoadedBundle

PROOF_FIELDS = frozenset({"format", "record", "salt", "commitment", "leaf_index", "inclusion",
                          "stage_head", "event", "issued_at", "issuer", "signature"})


def build_proof(*, record: dict[str, Any], salt: bytes, commitment: str, leaf_index: int,
                inclusion: list[str], signed_head: dict[str, Any], event_seq: int,
                event_hash: str, issued_at: str, issuer: str,
                key: Ed25519PrivateKey) -> dict[str, Any]:
    proof: dict[str, Any] = {
        "format": names.PROOF_FORMAT, "record": record, "salt": salt.hex(),
        "commitment": commitment, "leaf_index": leaf_index, "inclusion": inclusion,
        "stage_head": signed_head, "event": {"seq": event_seq, "hash": event_hash},
        "issued_at": issued_at, "issuer": issuer,
    }
    proof["signature"] = sign(key, names.proof_message(proof))
    return proof


def proof_text(proof: dict[str, Any]) -> str:
    return canonical_json(proof).decode("utf-8") + "\n"


def check_proof(bundle: LoadedBundle, path: Path, notes: list[str]) -> str | None:
    """None when the proof holds against ``bundle``; otherwise what failed."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return f"cannot read the proof: {exc.strerror}"
    if not raw.endswith(b"\n"):
        return "a proof file is one line of canonical JSON ending with a newline"
    try:
        proof = parse_canonical(raw[:-1])
    except CanonicalError as exc:
        return f"not a proof file: {exc}"
    if not isinstance(proof, dict) or proof.get("format") != names.PROOF_FORMAT:
        return f"not a proof of format {names.PROOF_FORMAT}"
    if set(proof) != PROOF_FIELDS:
        return f"fields {sorted(proof)}; expected {sorted(PROOF_FIELDS)}"
    try:
        return _check(bundle, proof, notes)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return f"malformed proof: {type(exc).__name__}: {exc}"


def _check(bundle: LoadedBundle, proof: dict[str, Any], notes: list[str]) -> str | None:
    signers = exchange.signers_of(bundle.keys)
    issuer = proof["issuer"]
    if signers.kind_of.get(signers.party_of.get(issuer, ""), "") != "intermediary":
        return f"issuer {issuer!r} is not an actor of this bundle's intermediary"
    if not verify_signature(signers.keys[issuer], names.proof_message(proof),
                            proof["signature"]):
        return f"the issuer's signature does not verify (issuer {issuer})"
    record, commitment = proof["record"], proof["commitment"]
    salt = bytes.fromhex(proof["salt"])
    if not isinstance(record, dict) or not verify_commitment(salt, record, commitment):
        return "the record and salt do not open the commitment"
    signed = proof["stage_head"]
    problem = exchange.check_signed_head(signed, signers)
    if problem is not None:
        return f"stage head: {problem}"
    head = signed["head"]
    index = proof["leaf_index"]
    path = [bytes.fromhex(h) for h in proof["inclusion"]]
    if not isinstance(index, int) or isinstance(index, bool) or not verify_inclusion(
            leaf_hash(bytes.fromhex(commitment)), index, head["tree_size"], path,
            bytes.fromhex(head["root"])):
        return (f"the inclusion proof does not lead from the commitment at leaf {index} to "
                f"the root of the {head['direction']} {head['category']} head")
    seq, stated = proof["event"]["seq"], proof["event"]["hash"]
    if not isinstance(seq, int) or not 1 <= seq <= len(bundle.events):
        return f"event {seq} is not in the bundle's chain"
    ev = bundle.events[seq - 1]
    if ev.hash != stated:
        return f"event {seq} of the bundle has hash {ev.hash[:12]}…, the proof says " \
               f"{stated[:12]}…"
    if isinstance(ev, WithheldEvent):
        if ev.stage_id != head["stage"]:
            return f"event {seq} is withheld for another stage"
        notes.append(f"the stage's figures are withheld in this bundle; the proof holds "
                     f"against the head cosigned by {', '.join(_parties(signed))}")
    elif isinstance(ev, StoredEvent) and \
            signed not in exchange.signed_heads_of(ev.type, json.loads(ev.payload)):
        return f"event {seq} does not carry this stage head"
    erased_at = bundle.derived.erased.get(commitment)
    if erased_at is not None:
        notes.append(f"Parley erased this person's data at event {erased_at}; "
                     "this proof is the only copy able to open the commitment")
    notes.append(f"person in stage {head['stage']}, {head['direction']}, category "
                 f"{head['category']}: leaf {index} of {head['tree_size']}, cosigned by "
                 f"{', '.join(_parties(signed))}")
    return None


def _parties(signed: dict[str, Any]) -> list[str]:
    return [str(c["party"]) for c in signed["cosignatures"]]
