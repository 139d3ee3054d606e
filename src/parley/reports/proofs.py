"""Family proofs (format ``parley-proof/2``): "handed over in stage N", and nothing else.

A proof file is one line of canonical JSON::

    {"format": "parley-proof/2",
     "stage_head": {"head": <parley/stage-head/v2>, "cosignatures": [...]},
     "leaf": {"salt": "<64 hex>", "commitment": "<64 hex>"},
     "index": 97, "inclusion": ["<64 hex>", ...],
     "issued_at": "...", "issuer": "<intermediary actor>", "signature": "<128 hex>"}

The leaf ``SHA-256("parley-person-leaf-v1:" ‖ salt ‖ stage id ‖ commitment)`` sits at
``index`` of the head's persons tree, which is padded with random dummy leaves to a power
of two at least twice the stage's real size (and at least 64) and sorted, so neither the
index nor the size says how many were handed over. The commitment is the one the
exchange used for the person (``SHA-256(record salt ‖ record)``); the proof carries no
record, no category and no figure. Whoever holds the record and its salt (the
intermediary, unless they were erased) can show that the commitment is this person's.
The intermediary signs the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.domain.public_head import person_leaf
from parley.domain.vocabulary import PartyKind
from parley.ledger.canonical import CanonicalError, canonical_json, parse_canonical
from parley.ledger.merkle import leaf_hash, verify_inclusion
from parley.ledger.signing import sign, verify_signature
from parley.reports import bundle as names
from parley.reports.stages import check_head

if TYPE_CHECKING:
    from parley.reports.verify import LoadedBundle

PROOF_FIELDS = frozenset({"format", "stage_head", "leaf", "index", "inclusion", "issued_at",
                          "issuer", "signature"})


def build_proof(*, signed_head: dict[str, Any], salt: str, commitment: str, index: int,
                inclusion: list[str], issued_at: str, issuer: str,
                key: Ed25519PrivateKey) -> dict[str, Any]:
    proof: dict[str, Any] = {
        "format": names.PROOF_FORMAT, "stage_head": signed_head,
        "leaf": {"salt": salt, "commitment": commitment}, "index": index,
        "inclusion": inclusion, "issued_at": issued_at, "issuer": issuer}
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


def _upper_hex(value: Any) -> bool:
    """Whether any hash, root or signature in ``value`` is written in upper-case hex: hex
    is lower case everywhere Parley signs, and a signature is not over its own spelling."""
    if isinstance(value, dict):
        return any(_upper_hex(v) for v in value.values())
    if isinstance(value, list):
        return any(_upper_hex(v) for v in value)
    return (isinstance(value, str) and len(value) >= 64 and value != value.lower()
            and all(c in "0123456789abcdefABCDEF" for c in value))


def _check(bundle: LoadedBundle, proof: dict[str, Any], notes: list[str]) -> str | None:
    if _upper_hex(proof):
        return "hex must be lower case"
    signers = bundle.signers
    issuer = proof["issuer"]
    if signers.kind_of.get(signers.party_of.get(issuer, ""), "") != PartyKind.INTERMEDIARY:
        return f"issuer {issuer!r} is not an actor of this bundle's intermediary"
    if not verify_signature(signers.keys[issuer], names.proof_message(proof),
                            proof["signature"]):
        return f"the issuer's signature does not verify (issuer {issuer})"
    head, problem = check_head(proof["stage_head"], signers)
    if head is None:
        return f"stage head: {problem}"
    leaf = proof["leaf"]
    if not isinstance(leaf, dict) or set(leaf) != {"salt", "commitment"}:
        return "leaf must be {salt, commitment}"
    salt, commitment = bytes.fromhex(leaf["salt"]), leaf["commitment"]
    if len(salt) != 32 or len(bytes.fromhex(commitment)) != 32:
        return "salt and commitment must be 32 bytes each"
    index = proof["index"]
    data = bytes.fromhex(person_leaf(salt, head.stage, commitment))
    if not isinstance(index, int) or isinstance(index, bool) or not verify_inclusion(
            leaf_hash(data), index, head.persons_size,
            [bytes.fromhex(h) for h in proof["inclusion"]], bytes.fromhex(head.persons_root)):
        return "the inclusion proof does not lead from the person's leaf to the persons " \
               "root of the cosigned stage head"
    published = next((s for s in bundle.files[names.STAGES]
                      if s.get("id") == head.stage and s.get("head")), None)
    held = any(s.get("id") == head.stage and s.get("held")
               for s in bundle.files[names.STAGES])
    parties = ", ".join(c["party"] for c in proof["stage_head"]["cosignatures"])
    if published is not None:
        if published["head"] != proof["stage_head"]:
            return f"the bundle publishes another head for stage {head.number}"
    elif held:
        notes.append("the stage's figures are withheld in this bundle; the proof holds "
                     f"against the head cosigned by {parties}")
    else:
        return f"stage {head.stage} is not in this bundle"
    notes.append(f"handed over in stage {head.number} of {head.date}, cosigned by {parties}")
    return None
