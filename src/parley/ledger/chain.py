"""The hash chain of events: statements signed by their actors, ordered by the hub.

**Format v2** (every event recorded from now on). An actor, on its own machine, signs a
*statement*::

    statement = canonical {"v": 2, "id", "type", "actor", "key", "occurred_at",
                           "payload_hash"}
    payload_hash = SHA-256(canonical payload)
    signature = Ed25519(actor's key, "parley-statement-v2:" ‖ SHA-256(statement))

``key`` is the id of the signing key (:func:`parley.ledger.keys.key_id`), ``occurred_at``
when it happened (which may be earlier than its recording). The hub orders the signed
statements into the chain; an entry's hash covers its place and the statement's hash::

    hash = SHA-256(canonical {"seq", "prev", "recorded_at",
                              "statement": SHA-256(statement), "signature"})

so the hub can order and timestamp statements but cannot change one without breaking its
actor's signature, and a payload can be withheld (kept as ``payload_hash`` only) while
hash, link and signature still verify.

**Format v1** (chains recorded before): the hash is SHA-256 over the canonical JSON of
``{seq, id, type, actor, at, prev, payload}`` and the actor signs
``"parley-event-v1:" ‖ hash``. A verifier accepts v1 events only before the first v2
event, with each actor's first registered key. Keys and their life: :mod:`parley.ledger.keys`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.ledger.canonical import CanonicalError, canonical_json, parse_canonical
from parley.ledger.hashing import GENESIS_HASH, sha256_hex
from parley.ledger.keys import (
    ACTOR_REGISTERED,
    KeyChange,
    KeyRecord,
    KeyRefused,
    KeyRegistry,
    change,
    key_id,
    signer,
)
from parley.ledger.signing import public_key_hex, sign, verify_signature

SIGNATURE_CONTEXT = b"parley-event-v1:"
STATEMENT_CONTEXT = b"parley-statement-v2:"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


def is_timestamp(value: object) -> bool:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (UTC): the only form of time in the chain, so that
    times compare as strings."""
    return isinstance(value, str) and bool(_TIME.fullmatch(value))


@dataclass(frozen=True)
class Statement:
    """What an actor signs: everything about an event except its place in the chain."""

    event_id: str
    type: str
    actor: str
    key_id: str
    occurred_at: str
    payload_hash: str

    def to_json(self) -> dict[str, Any]:
        return {"v": 2, "id": self.event_id, "type": self.type, "actor": self.actor,
                "key": self.key_id, "occurred_at": self.occurred_at,
                "payload_hash": self.payload_hash}

    @classmethod
    def from_json(cls, data: Any) -> Statement:
        """Read a statement as sent to the hub (raises ValueError naming the field)."""
        if not isinstance(data, dict) or data.get("v") != 2:
            raise ValueError("a statement is an object with \"v\": 2")
        wanted = {"v", "id", "type", "actor", "key", "occurred_at", "payload_hash"}
        if set(data) != wanted:
            raise ValueError(f"statement fields must be {sorted(wanted)}")
        for name in wanted - {"v"}:
            if not isinstance(data[name], str):
                raise ValueError(f"statement field {name!r} is not a string")
        if not is_timestamp(data["occurred_at"]):
            raise ValueError("statement occurred_at is not YYYY-MM-DDTHH:MM:SS.ffffffZ")
        if not _HEX64.fullmatch(data["payload_hash"]):
            raise ValueError("statement payload_hash is not 64 lower-case hex digits")
        return cls(event_id=data["id"], type=data["type"], actor=data["actor"],
                   key_id=data["key"], occurred_at=data["occurred_at"],
                   payload_hash=data["payload_hash"])

    def digest(self) -> str:
        return sha256_hex(canonical_json(self.to_json()))

    def signing_bytes(self) -> bytes:
        """The exact bytes the actor's key signs."""
        return STATEMENT_CONTEXT + bytes.fromhex(self.digest())


def payload_hash(payload: Any) -> str:
    return sha256_hex(canonical_json(payload))


def make_statement(*, event_id: str, type: str, actor: str, key: str, occurred_at: str,
                   payload: Any) -> Statement:
    return Statement(event_id=event_id, type=type, actor=actor, key_id=key,
                     occurred_at=occurred_at, payload_hash=payload_hash(payload))


def sign_statement(statement: Statement, key: Ed25519PrivateKey) -> str:
    return sign(key, statement.signing_bytes())


def verify_statement(statement: Statement, public_key: str, signature: str) -> bool:
    return bool(_HEX128.fullmatch(signature)) and verify_signature(
        public_key, statement.signing_bytes(), signature)


def entry_hash(*, seq: int, prev_hash: str, recorded_at: str, statement_digest: str,
               signature: str) -> str:
    return sha256_hex(canonical_json({
        "seq": seq, "prev": prev_hash, "recorded_at": recorded_at,
        "statement": statement_digest, "signature": signature}))


@dataclass(frozen=True)
class StoredEvent:
    """One event as stored and published: ``payload`` is the canonical JSON text.

    ``version`` 1 events have no key id, ``occurred_at`` or ``payload_hash`` (empty)."""

    seq: int
    event_id: str
    type: str
    actor: str
    recorded_at: str
    payload: str
    prev_hash: str
    hash: str
    signature: str
    version: int = 1
    key_id: str = ""
    occurred_at: str = ""
    payload_hash: str = ""

    @property
    def when(self) -> str:
        """When it happened: ``occurred_at``, or for a v1 event its recording time."""
        return self.occurred_at or self.recorded_at

    def statement(self) -> Statement:
        return Statement(event_id=self.event_id, type=self.type, actor=self.actor,
                         key_id=self.key_id, occurred_at=self.occurred_at,
                         payload_hash=self.payload_hash)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "seq": self.seq, "id": self.event_id, "type": self.type, "actor": self.actor,
            "at": self.recorded_at, "payload": self.payload, "prev": self.prev_hash,
            "hash": self.hash, "signature": self.signature,
        }
        if self.version == 2:
            data.update(v=2, key=self.key_id, occurred_at=self.occurred_at,
                        payload_hash=self.payload_hash)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoredEvent:
        extra: dict[str, Any] = {}
        if "v" in data:
            extra = {"version": data["v"], "key_id": data["key"],
                     "occurred_at": data["occurred_at"], "payload_hash": data["payload_hash"]}
        return cls(
            seq=data["seq"], event_id=data["id"], type=data["type"], actor=data["actor"],
            recorded_at=data["at"], payload=data["payload"], prev_hash=data["prev"],
            hash=data["hash"], signature=data["signature"], **extra,
        )


FIELDS_V1 = frozenset({"seq", "id", "type", "actor", "at", "payload", "prev", "hash",
                       "signature"})
FIELDS_V2 = FIELDS_V1 | {"v", "key", "occurred_at", "payload_hash"}


def envelope_bytes(
    *, seq: int, event_id: str, type: str, actor: str, recorded_at: str,
    payload: Any, prev_hash: str,
) -> bytes:
    """The bytes a v1 event's hash covers."""
    return canonical_json({
        "seq": seq, "id": event_id, "type": type, "actor": actor, "at": recorded_at,
        "prev": prev_hash, "payload": payload,
    })


def record(*, seq: int, prev_hash: str, recorded_at: str, statement: Statement,
           signature: str, payload_text: str) -> StoredEvent:
    """Place a signed statement in the chain after ``prev_hash`` (the hub's part)."""
    return StoredEvent(
        seq=seq, event_id=statement.event_id, type=statement.type, actor=statement.actor,
        recorded_at=recorded_at, payload=payload_text, prev_hash=prev_hash,
        hash=entry_hash(seq=seq, prev_hash=prev_hash, recorded_at=recorded_at,
                        statement_digest=statement.digest(), signature=signature),
        signature=signature, version=2, key_id=statement.key_id,
        occurred_at=statement.occurred_at, payload_hash=statement.payload_hash)


def seal(
    *, seq: int, event_id: str, type: str, actor: str, recorded_at: str,
    payload: dict[str, Any], prev_hash: str, key: Ed25519PrivateKey,
    occurred_at: str | None = None,
) -> StoredEvent:
    """Sign a statement with ``key`` and record it after ``prev_hash`` (format v2)."""
    statement = make_statement(event_id=event_id, type=type, actor=actor,
                               key=key_id(public_key_hex(key)),
                               occurred_at=occurred_at or recorded_at, payload=payload)
    return record(seq=seq, prev_hash=prev_hash, recorded_at=recorded_at,
                  statement=statement, signature=sign_statement(statement, key),
                  payload_text=canonical_json(payload).decode("utf-8"))


def seal_v1(
    *, seq: int, event_id: str, type: str, actor: str, recorded_at: str,
    payload: dict[str, Any], prev_hash: str, key: Ed25519PrivateKey,
) -> StoredEvent:
    """Hash and sign an event in format v1 (for tests of chains recorded before v2)."""
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
    """What a verifier knows after reading a prefix of the chain.

    ``keys`` maps each actor to its first registered public key (what v1 events are
    signed with); ``registry`` holds every key with its life."""

    count: int = 0
    head: str = GENESIS_HASH
    keys: dict[str, str] | None = None
    registry: KeyRegistry = field(default_factory=KeyRegistry)
    v2_from: int | None = None

    def __post_init__(self) -> None:
        if self.keys is None:
            self.keys = self.registry.first_keys
        else:
            self.registry.first_keys.update(self.keys)
            self.keys = self.registry.first_keys


def verify_chain(events: Iterable[StoredEvent], state: ChainState | None = None
                 ) -> ChainFailure | None:
    """Check every hash, link, signature and key; return the first failure or None.

    ``state`` (updated in place) lets a caller verify in batches and then read the head
    hash, the count and the actors' keys.
    """
    st = state or ChainState()
    for failure in _failures(events, st):
        return failure
    return None


def _failures(events: Iterable[StoredEvent], st: ChainState) -> Iterator[ChainFailure]:
    for ev in events:
        expected_seq = st.count + 1
        if ev.seq != expected_seq:
            yield ChainFailure(ev.seq, ev.type,
                               f"sequence number {ev.seq} where {expected_seq} was expected")
            return
        if not (_HEX64.fullmatch(ev.hash) and _HEX64.fullmatch(ev.prev_hash)):
            yield ChainFailure(ev.seq, ev.type,
                               "hash or previous hash is not 64 lower-case hex digits")
            return
        if ev.prev_hash != st.head:
            yield ChainFailure(ev.seq, ev.type,
                               f"previous hash {ev.prev_hash[:12]}… does not match the hash "
                               f"{st.head[:12]}… of the event before it")
            return
        try:
            payload = parse_canonical(ev.payload.encode("utf-8"))
        except (CanonicalError, UnicodeEncodeError) as exc:
            yield ChainFailure(ev.seq, ev.type, f"payload is not canonical JSON: {exc}")
            return
        reason = _check_v2(ev, payload, st) if ev.version == 2 else _check_v1(ev, payload, st)
        if reason is not None:
            yield ChainFailure(ev.seq, ev.type, reason)
            return
        st.count = ev.seq
        st.head = ev.hash


def check_entry(ev: StoredEvent, *, signature_checked: bool = False) -> str | None:
    """A v2 entry's fields and own hash (its place in the chain over its statement)."""
    if not is_timestamp(ev.occurred_at):
        return "occurred_at is not YYYY-MM-DDTHH:MM:SS.ffffffZ"
    if not isinstance(ev.payload_hash, str) or not _HEX64.fullmatch(ev.payload_hash):
        return "payload hash is not 64 lower-case hex digits"
    if not isinstance(ev.signature, str) or not _HEX128.fullmatch(ev.signature):
        return "signature is not 128 lower-case hex digits"
    if not isinstance(ev.key_id, str) or not isinstance(ev.type, str):
        return "key id or type is not a string"
    if not signature_checked:
        return None
    computed = entry_hash(seq=ev.seq, prev_hash=ev.prev_hash, recorded_at=ev.recorded_at,
                          statement_digest=ev.statement().digest(), signature=ev.signature)
    if computed != ev.hash:
        return f"hash mismatch: stored {ev.hash[:12]}…, computed {computed[:12]}…"
    return None


def _check_v2(ev: StoredEvent, payload: Any, st: ChainState) -> str | None:
    if st.v2_from is None:
        st.v2_from = ev.seq
    reason = check_entry(ev)
    if reason is not None:
        return reason
    if payload_hash(payload) != ev.payload_hash:
        return "payload does not match the signed payload hash"
    return check_signed(ev, payload, st)


def check_signed(ev: StoredEvent, payload: Any, st: ChainState) -> str | None:
    """The statement's key may sign it, its signature holds, the entry's hash holds, and a
    key change it makes is authorised (then applied to ``st.registry``). ``payload`` is
    None for an event whose payload is withheld."""
    try:
        key = signer(st.registry, seq=ev.seq, actor=ev.actor, key=ev.key_id,
                     occurred_at=ev.occurred_at, type=ev.type, payload=payload)
    except KeyRefused as exc:
        return str(exc)
    if not verify_statement(ev.statement(), key.public_key, ev.signature):
        return f"signature by {ev.actor!r} with key {ev.key_id} does not verify"
    reason = check_entry(ev, signature_checked=True)
    if reason is not None:
        return reason
    try:
        ch = change(st.registry, seq=ev.seq, actor=ev.actor, signed_by=key, type=ev.type,
                    payload=payload, occurred_at=ev.occurred_at)
    except KeyRefused as exc:
        return str(exc)
    if ch is not None:
        st.registry.apply(ch, ev.seq)
    return None


def _check_v1(ev: StoredEvent, payload: Any, st: ChainState) -> str | None:
    if st.v2_from is not None:
        return (f"a format v1 event after format v2 began (event {st.v2_from}): a chain "
                "never goes back to v1")
    try:
        body = envelope_bytes(
            seq=ev.seq, event_id=ev.event_id, type=ev.type, actor=ev.actor,
            recorded_at=ev.recorded_at, payload=payload, prev_hash=ev.prev_hash,
        )
    except (CanonicalError, UnicodeEncodeError) as exc:
        return f"envelope cannot be encoded: {exc}"
    computed = sha256_hex(body)
    if computed != ev.hash:
        return f"hash mismatch: stored {ev.hash[:12]}…, computed {computed[:12]}…"
    return v1_signer_check(ev, payload, st)


def v1_signer_check(ev: StoredEvent, payload: Any, st: ChainState) -> str | None:
    """A v1 event's signature over its hash, by its actor's first key (registering the
    actor on its self-signed ``actor.registered``). Shared with withheld events."""
    reg = st.registry
    public = reg.first_keys.get(ev.actor)
    registering = ev.type == ACTOR_REGISTERED and public is None
    if registering:
        if not isinstance(payload, dict) or payload.get("actor") != ev.actor:
            return "actor registration is not signed by the actor it registers"
        public = str(payload.get("public_key", ""))
    if public is None:
        return f"actor {ev.actor!r} signs before it was registered"
    if not _HEX128.fullmatch(ev.signature) or not verify_signature(
        public, SIGNATURE_CONTEXT + bytes.fromhex(ev.hash), ev.signature
    ):
        return f"signature by {ev.actor!r} does not verify"
    if registering and isinstance(payload, dict):
        try:
            kid = key_id(public)
        except ValueError:
            return "actor registration carries no 64-hex public key"
        reg.apply(KeyChange(add=KeyRecord(key_id=kid, actor=ev.actor,
                                          party=str(payload.get("party", "")),
                                          public_key=public, added_seq=ev.seq),
                            actor=(ev.actor, str(payload.get("party", "")))), ev.seq)
    return None
