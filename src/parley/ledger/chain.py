"""The hash chain of events: sealing a new event and verifying a stored sequence.

An event's hash is SHA-256 over the canonical JSON of its envelope
``{seq, id, type, actor, at, prev, payload}``; the actor signs
``b"parley-event-v1:" + hash`` with Ed25519. Keys come from ``actor.registered`` events
earlier in the same chain (an actor's registration is signed by its own key), so
:func:`verify_chain` needs nothing but the events: the database check and the public
bundle check share it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.ledger.canonical import CanonicalError, canonical_json, parse_canonical
from parley.ledger.hashing import GENESIS_HASH, sha256_hex
from parley.ledger.signing import sign, verify_signature

SIGNATURE_CONTEXT = b"parley-event-v1:"
ACTOR_REGISTERED = "actor.registered"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")


@dataclass(frozen=True)
class StoredEvent:
    """One event as stored and published: ``payload`` is the canonical JSON text."""

    seq: int
    event_id: str
    type: str
    actor: str
    recorded_at: str
    payload: str
    prev_hash: str
    hash: str
    signature: str

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq, "id": self.event_id, "type": self.type, "actor": self.actor,
            "at": self.recorded_at, "payload": self.payload, "prev": self.prev_hash,
            "hash": self.hash, "signature": self.signature,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoredEvent:
        return cls(
            seq=data["seq"], event_id=data["id"], type=data["type"], actor=data["actor"],
            recorded_at=data["at"], payload=data["payload"], prev_hash=data["prev"],
            hash=data["hash"], signature=data["signature"],
        )


def envelope_bytes(
    *, seq: int, event_id: str, type: str, actor: str, recorded_at: str,
    payload: Any, prev_hash: str,
) -> bytes:
    return canonical_json({
        "seq": seq, "id": event_id, "type": type, "actor": actor, "at": recorded_at,
        "prev": prev_hash, "payload": payload,
    })


def seal(
    *, seq: int, event_id: str, type: str, actor: str, recorded_at: str,
    payload: dict[str, Any], prev_hash: str, key: Ed25519PrivateKey,
) -> StoredEvent:
    """Hash and sign a new event that follows ``prev_hash``."""
    digest = sha256_hex(envelope_bytes(
        seq=seq, event_id=event_id, type=type, actor=actor, recorded_at=recorded_at,
        payload=payload, prev_hash=prev_hash,
    ))
    return StoredEvent(
        seq=seq, event_id=event_id, type=type, actor=actor, recorded_at=recorded_at,
        payload=canonical_json(payload).decode("utf-8"), prev_hash=prev_hash, hash=digest,
        signature=sign(key, SIGNATURE_CONTEXT + bytes.fromhex(digest)),
    )


@dataclass(frozen=True)
class ChainFailure:
    """The first event that does not verify, and why."""

    seq: int
    type: str
    reason: str

    def __str__(self) -> str:
        return f"event {self.seq} ({self.type}): {self.reason}"


@dataclass
class ChainState:
    """What a verifier knows after reading a prefix of the chain."""

    count: int = 0
    head: str = GENESIS_HASH
    keys: dict[str, str] | None = None

    def __post_init__(self) -> None:
        if self.keys is None:
            self.keys = {}


def verify_chain(events: Iterable[StoredEvent], state: ChainState | None = None
                 ) -> ChainFailure | None:
    """Check every hash, link and signature; return the first failure or None.

    ``state`` (updated in place) lets a caller verify in batches and then read the head
    hash, the count and the actors' keys.
    """
    st = state or ChainState()
    for failure in _failures(events, st):
        return failure
    return None


def _failures(events: Iterable[StoredEvent], st: ChainState) -> Iterator[ChainFailure]:
    keys = st.keys if st.keys is not None else {}
    for ev in events:
        expected_seq = st.count + 1

        def fail(reason: str, ev: StoredEvent = ev) -> ChainFailure:
            return ChainFailure(ev.seq, ev.type, reason)

        if ev.seq != expected_seq:
            yield fail(f"sequence number {ev.seq} where {expected_seq} was expected")
            return
        if not (_HEX64.fullmatch(ev.hash) and _HEX64.fullmatch(ev.prev_hash)):
            yield fail("hash or previous hash is not 64 lower-case hex digits")
            return
        if ev.prev_hash != st.head:
            yield fail(f"previous hash {ev.prev_hash[:12]}… does not match the hash "
                       f"{st.head[:12]}… of the event before it")
            return
        try:
            payload = parse_canonical(ev.payload.encode("utf-8"))
        except (CanonicalError, UnicodeEncodeError) as exc:
            yield fail(f"payload is not canonical JSON: {exc}")
            return
        try:
            body = envelope_bytes(
                seq=ev.seq, event_id=ev.event_id, type=ev.type, actor=ev.actor,
                recorded_at=ev.recorded_at, payload=payload, prev_hash=ev.prev_hash,
            )
        except (CanonicalError, UnicodeEncodeError) as exc:
            yield fail(f"envelope cannot be encoded: {exc}")
            return
        computed = sha256_hex(body)
        if computed != ev.hash:
            yield fail(f"hash mismatch: stored {ev.hash[:12]}…, computed {computed[:12]}…")
            return
        public = keys.get(ev.actor)
        if ev.type == ACTOR_REGISTERED and public is None:
            if not isinstance(payload, dict) or payload.get("actor") != ev.actor:
                yield fail("actor registration is not signed by the actor it registers")
                return
            public = str(payload.get("public_key", ""))
        if public is None:
            yield fail(f"actor {ev.actor!r} signs before it was registered")
            return
        if not _HEX128.fullmatch(ev.signature) or not verify_signature(
            public, SIGNATURE_CONTEXT + bytes.fromhex(ev.hash), ev.signature
        ):
            yield fail(f"signature by {ev.actor!r} does not verify")
            return
        if ev.type == ACTOR_REGISTERED and ev.actor not in keys:
            keys[ev.actor] = public
        st.count = ev.seq
        st.head = ev.hash
