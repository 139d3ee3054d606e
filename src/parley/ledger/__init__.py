"""Canonical encoding, hashing, Ed25519 signatures, the event chain and RFC 9162 Merkle trees.

Imports nothing of Parley's outside itself, so an outside verifier can lift it whole.
"""

from parley.ledger.canonical import CanonicalError, canonical_json, parse_canonical
from parley.ledger.chain import (
    ChainFailure,
    ChainState,
    StoredEvent,
    seal,
    verify_chain,
)
from parley.ledger.hashing import (
    GENESIS_HASH,
    commitment,
    new_salt,
    sha256_hex,
    verify_commitment,
)
from parley.ledger.merkle import (
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from parley.ledger.signing import (
    KeyFileError,
    generate_key,
    public_key_hex,
    read_private_key,
    sign,
    verify_signature,
    write_private_key,
)

__all__ = [
    "GENESIS_HASH",
    "CanonicalError",
    "ChainFailure",
    "ChainState",
    "KeyFileError",
    "StoredEvent",
    "canonical_json",
    "commitment",
    "consistency_proof",
    "generate_key",
    "inclusion_proof",
    "leaf_hash",
    "new_salt",
    "parse_canonical",
    "public_key_hex",
    "read_private_key",
    "root_from_leaf_hashes",
    "seal",
    "sha256_hex",
    "sign",
    "verify_chain",
    "verify_commitment",
    "verify_consistency",
    "verify_inclusion",
    "verify_signature",
    "write_private_key",
]
