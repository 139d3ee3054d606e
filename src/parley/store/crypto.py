"""Personal data at rest: AES-256-GCM under a data key kept outside the database.

Each source record's fields are sealed as one blob ``nonce ‖ ciphertext`` with the row's
id as associated data, so a blob moved to another row does not open. A database file
read without the key reveals no name, birth date or service number. ``lookup_hash``
gives keyed equality indexes (HMAC-SHA-256) where a lookup needs them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from parley.errors import ConfigError, IntegrityFailure

KEY_FILE = "data.key"


class RecordCipher:
    """Seals and opens personal records with one 256-bit key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ConfigError("the data key must be 32 bytes")
        self._aead = AESGCM(key)
        self._index_key = hmac.new(key, b"parley-lookup-index-v1", hashlib.sha256).digest()

    def seal(self, record: dict[str, Any], *, row_id: str) -> bytes:
        plain = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return self.seal_json(plain, row_id=row_id)

    def seal_json(self, plain: bytes, *, row_id: str) -> bytes:
        """Seal a record already encoded as a JSON object (UTF-8), as :meth:`seal` would
        seal it decoded; for a caller that needs the encoding anyway (a commitment)."""
        nonce = secrets.token_bytes(12)
        return nonce + self._aead.encrypt(nonce, plain, row_id.encode("utf-8"))

    def open(self, sealed: bytes, *, row_id: str) -> dict[str, Any]:
        try:
            plain = self._aead.decrypt(sealed[:12], sealed[12:], row_id.encode("utf-8"))
        except InvalidTag:
            raise IntegrityFailure(
                f"record {row_id} does not open with this data key (wrong key or altered row)"
            ) from None
        value = json.loads(plain.decode("utf-8"))
        if not isinstance(value, dict):
            raise IntegrityFailure(f"record {row_id} is not a JSON object")
        return value

    def lookup_hash(self, value: str) -> str:
        return hmac.new(self._index_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def load_or_create_data_key(key_dir: Path, *, create: bool) -> bytes:
    """Read ``key_dir/data.key`` (hex), creating it (mode 0600) when ``create`` is set."""
    path = key_dir / KEY_FILE
    if not path.exists():
        if not create:
            raise ConfigError(f"data key {path} is missing")
        key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    try:
        text = path.read_text().strip()
        key = bytes.fromhex(text)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"data key {path} is unreadable: {exc}") from None
    if len(key) != 32:
        raise ConfigError(f"data key {path} must hold 64 hex digits")
    return key
