"""Keys and their life in the chain: key ids, who may add, rotate and revoke a key, and
which key may sign what.

Every actor (an office or officer of a party or of the intermediary) signs with its own
Ed25519 key, on its own machine. The chain carries each public key, so a verifier needs
nothing but the events. Four events change the keys:

- ``actor.registered`` brings an actor and its first key; it is signed by that key
  (proof that the registrant holds it);
- ``key.added`` adds another key to an actor; it is signed by a valid key of an actor of
  the same party (an authorised officer of that party);
- ``key.rotated`` replaces a key: signed by the old key, it names the new one; the old
  key is revoked from the rotation's ``occurred_at``;
- ``key.revoked`` revokes a key (lost, stolen, an officer gone); it is signed by a valid
  key of an actor of the same party (possibly another officer), and the key is revoked
  from the revocation's ``occurred_at``.

A key revoked from time *T* signs nothing that occurred at or after *T*; what it signed
before stays valid (an offline event signed before *T* and recorded later too). Recording
order is the other half of the rule: a revocation is only known from its place in the
chain on, so verification in chain order never lets a later revocation undo an earlier,
accepted entry.

The rules are written against :class:`KeySource` so that the in-memory registry of a
verifier and the hub's ``keys`` table apply exactly the same ones.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

ACTOR_REGISTERED = "actor.registered"
KEY_ADDED = "key.added"
KEY_ROTATED = "key.rotated"
KEY_REVOKED = "key.revoked"
LIFECYCLE = frozenset({ACTOR_REGISTERED, KEY_ADDED, KEY_ROTATED, KEY_REVOKED})

KEY_ID_HEX = 16
_HEX64 = re.compile(r"[0-9a-f]{64}")
_KEY_ID = re.compile(r"[0-9a-f]{16}")


def key_id(public_key_hex: str) -> str:
    """An Ed25519 public key's id: the first 8 bytes of SHA-256 over its 32 raw bytes, in
    hex (16 digits)."""
    return hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:KEY_ID_HEX]


def is_key_id(value: object) -> bool:
    return isinstance(value, str) and bool(_KEY_ID.fullmatch(value))


@dataclass
class KeyRecord:
    """One registered key: whose it is, from which event, and whether it was revoked."""

    key_id: str
    actor: str
    party: str
    public_key: str
    added_seq: int
    revoked_seq: int | None = None
    revoked_from: str | None = None

    def revoked_at(self, occurred_at: str) -> bool:
        return self.revoked_from is not None and occurred_at >= self.revoked_from


class KeySource(Protocol):
    """Where the rules look keys and actors up (a verifier's memory, the hub's tables)."""

    def key(self, key_id: str) -> KeyRecord | None: ...

    def party_of(self, actor: str) -> str | None: ...


class KeyRefused(ValueError):
    """A statement's key may not sign it; the message names why."""


@dataclass(frozen=True)
class KeyChange:
    """What a lifecycle event does to the keys (applied once the event is accepted)."""

    add: KeyRecord | None = None
    actor: tuple[str, str] | None = None  # (actor, party) registered
    revoke: str | None = None
    revoke_from: str | None = None


def signer(src: KeySource, *, seq: int, actor: str, key: str, occurred_at: str, type: str,
           payload: Any) -> KeyRecord:
    """The key record that must have signed this statement; raises :class:`KeyRefused`.

    An actor's self-registration names the key it registers (in its payload); every other
    statement names a key registered earlier in the chain."""
    if not is_key_id(key):
        raise KeyRefused(f"key id {key!r} is not 16 lower-case hex digits")
    if type == ACTOR_REGISTERED and src.party_of(actor) is None:
        public = payload.get("public_key") if isinstance(payload, dict) else None
        if not isinstance(payload, dict) or payload.get("actor") != actor:
            raise KeyRefused("actor registration is not signed by the actor it registers")
        if not isinstance(public, str) or not _HEX64.fullmatch(public):
            raise KeyRefused("actor registration carries no 64-hex public key")
        if key_id(public) != key:
            raise KeyRefused(f"actor registration is signed with key {key}, not with the "
                             f"key {key_id(public)} it registers")
        return KeyRecord(key_id=key, actor=actor, party=str(payload.get("party", "")),
                         public_key=public, added_seq=seq)
    record = src.key(key)
    if record is None:
        raise KeyRefused(f"unknown key {key}: no key with this id is registered")
    if record.actor != actor:
        raise KeyRefused(f"key {key} belongs to actor {record.actor}, not to {actor}")
    if record.revoked_at(occurred_at):
        raise KeyRefused(f"key {key} of {actor} is revoked from {record.revoked_from} "
                         f"(event {record.revoked_seq}); this statement occurred at "
                         f"{occurred_at}")
    return record


def change(src: KeySource, *, seq: int, actor: str, signed_by: KeyRecord, type: str,
           payload: Any, occurred_at: str) -> KeyChange | None:
    """What a lifecycle event changes, after checking that its signer may make it;
    None for other events. Raises :class:`KeyRefused`."""
    if type not in LIFECYCLE:
        return None
    if not isinstance(payload, dict):
        raise KeyRefused(f"{type} payload is not an object")
    if type == ACTOR_REGISTERED:
        if src.party_of(actor) is not None:
            raise KeyRefused(f"actor {actor} is already registered")
        return KeyChange(add=signed_by, actor=(actor, signed_by.party))
    subject = str(payload.get("actor", ""))
    subject_party = src.party_of(subject)
    if subject_party is None:
        raise KeyRefused(f"{type} names actor {subject!r}, which is not registered")
    if subject_party != signed_by.party:
        raise KeyRefused(f"{type} for actor {subject} of {subject_party} is signed by "
                         f"{actor} of {signed_by.party}: only an officer of the same "
                         "party may change its keys")
    if type == KEY_REVOKED:
        target = src.key(str(payload.get("key_id", "")))
        if target is None or target.actor != subject:
            raise KeyRefused(f"key.revoked names key {payload.get('key_id')!r}, which is "
                             f"not a key of {subject}")
        if target.revoked_seq is not None:
            raise KeyRefused(f"key {target.key_id} is already revoked")
        return KeyChange(revoke=target.key_id, revoke_from=occurred_at)
    public = payload.get("public_key")
    if not isinstance(public, str) or not _HEX64.fullmatch(public):
        raise KeyRefused(f"{type} carries no 64-hex public key")
    new_id = key_id(public)
    if payload.get("key_id") != new_id:
        raise KeyRefused(f"{type} names key id {payload.get('key_id')!r} for a public key "
                         f"whose id is {new_id}")
    if src.key(new_id) is not None:
        raise KeyRefused(f"key {new_id} is already registered")
    added = KeyRecord(key_id=new_id, actor=subject, party=subject_party,
                      public_key=public, added_seq=seq)
    if type == KEY_ROTATED:
        if subject != actor or payload.get("old_key_id") != signed_by.key_id:
            raise KeyRefused("key.rotated must be signed by the key it replaces "
                             f"({payload.get('old_key_id')!r}), by its own actor")
        return KeyChange(add=added, revoke=signed_by.key_id, revoke_from=occurred_at)
    return KeyChange(add=added)


@dataclass
class KeyRegistry:
    """The keys a verifier knows after reading a prefix of the chain (in memory)."""

    keys: dict[str, KeyRecord] = field(default_factory=dict)
    actors: dict[str, str] = field(default_factory=dict)
    first_keys: dict[str, str] = field(default_factory=dict)

    def key(self, key_id: str) -> KeyRecord | None:
        return self.keys.get(key_id)

    def party_of(self, actor: str) -> str | None:
        return self.actors.get(actor)

    def apply(self, ch: KeyChange, seq: int) -> None:
        if ch.actor is not None:
            self.actors[ch.actor[0]] = ch.actor[1]
        if ch.add is not None:
            self.keys[ch.add.key_id] = ch.add
            self.first_keys.setdefault(ch.add.actor, ch.add.public_key)
        if ch.revoke is not None:
            record = self.keys[ch.revoke]
            record.revoked_seq = seq
            record.revoked_from = ch.revoke_from

    def copy(self) -> KeyRegistry:
        return KeyRegistry(
            keys={k: KeyRecord(**vars(r)) for k, r in self.keys.items()},
            actors=dict(self.actors), first_keys=dict(self.first_keys))
