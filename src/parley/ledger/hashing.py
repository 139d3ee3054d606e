"""SHA-256 helpers and person commitments.

A commitment binds the ledger to a person's record without revealing it:
``SHA-256(salt ‖ canonical record)``. The salt (32 random bytes) lives beside the
personal data; deleting both makes the commitment impossible to open.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from parley.ledger.canonical import canonical_json

SALT_BYTES = 32
GENESIS_HASH = "0" * 64


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def commitment(salt: bytes, record: Mapping[str, Any]) -> str:
    """Commitment to one person record: hex ``SHA-256(salt ‖ canonical_json(record))``."""
    if len(salt) != SALT_BYTES:
        raise ValueError(f"salt must be {SALT_BYTES} bytes, got {len(salt)}")
    return sha256_hex(salt + canonical_json(dict(record)))


def verify_commitment(salt: bytes, record: Mapping[str, Any], expected: str) -> bool:
    try:
        return hmac.compare_digest(commitment(salt, record), expected)
    except ValueError:
        return False
