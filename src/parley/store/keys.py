"""Actors' private keys in the key directory: one PEM file per actor, mode 0600."""

from __future__ import annotations

import re
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.errors import ConfigError, InputError
from parley.ledger.keys import key_id
from parley.ledger.signing import (
    KeyFileError,
    generate_key,
    public_key_hex,
    read_private_key,
    write_private_key,
)

ACTOR_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


def check_actor_id(actor_id: str) -> str:
    if not ACTOR_ID.fullmatch(actor_id):
        raise InputError(
            f"actor id {actor_id!r} must be 1-64 characters of a-z, 0-9, '.', '_' or '-'"
        )
    return actor_id


class Keyring:
    """Loads actors' signing keys from ``key_dir/actors/<actor>.pem`` on first use."""

    def __init__(self, key_dir: Path) -> None:
        self.key_dir = key_dir
        self._cache: dict[str, Ed25519PrivateKey] = {}
        self._ids: dict[str, str] = {}

    def path(self, actor_id: str) -> Path:
        return self.key_dir / "actors" / f"{check_actor_id(actor_id)}.pem"

    def has(self, actor_id: str) -> bool:
        return actor_id in self._cache or self.path(actor_id).exists()

    def create(self, actor_id: str) -> Ed25519PrivateKey:
        path = self.path(actor_id)
        if path.exists():
            raise InputError(f"a key for actor {actor_id!r} already exists at {path}")
        key = generate_key()
        write_private_key(key, path)
        self._cache[actor_id] = key
        return key

    def private(self, actor_id: str) -> Ed25519PrivateKey:
        key = self._cache.get(actor_id)
        if key is None:
            path = self.path(actor_id)
            if not path.exists():
                raise ConfigError(
                    f"no signing key for actor {actor_id!r} (expected {path}); "
                    "run `parley keys init` first"
                )
            try:
                key = read_private_key(path)
            except KeyFileError as exc:
                raise ConfigError(str(exc)) from None
            self._cache[actor_id] = key
        return key

    def key_id(self, actor_id: str) -> str:
        """The id of ``actor_id``'s key on this machine."""
        kid = self._ids.get(actor_id)
        if kid is None:
            kid = self._ids[actor_id] = key_id(public_key_hex(self.private(actor_id)))
        return kid

    def replace(self, actor_id: str, key: Ed25519PrivateKey, *, retired: str) -> None:
        """Make ``key`` the actor's key here; the old file becomes
        ``<actor>.<retired>.retired.pem`` (kept: it may be needed to read old notes)."""
        path = self.path(actor_id)
        path.rename(path.with_name(f"{actor_id}.{retired}.retired.pem"))
        write_private_key(key, path)
        self._cache[actor_id] = key
        self._ids.pop(actor_id, None)

    def store(self, actor_id: str, key: Ed25519PrivateKey) -> None:
        """Write a key made elsewhere in this process (a node's first key)."""
        write_private_key(key, self.path(actor_id))
        self._cache[actor_id] = key
