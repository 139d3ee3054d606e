"""The events a bundle publishes: only those that concern no person, each proven in the log.

The event chain itself is not public (it goes to the parties through sync). A bundle
carries, in ``public-events.jsonl``, only the events of :data:`PUBLIC_TYPES`: parties
and actors with their keys, agreements and their signatures, the parties' public
statements, and publication decisions. Each line is the stored event as it is
(``StoredEvent.to_json()``) plus ``"inclusion"``: the RFC 9162 inclusion proof of the
event's hash (leaf ``seq - 1``) in the tree of the bundle's signed checkpoint. A verifier
recomputes each event's hash, checks its actor's signature (keys from the
``actor.registered`` events before it in the file, each signed by the key it registers)
and the inclusion proof against the checkpoint's root.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parley.ledger.canonical import CanonicalError, parse_canonical
from parley.ledger.chain import (
    ChainState,
    StoredEvent,
    check_entry,
    check_signed,
    envelope_bytes,
    payload_hash,
    v1_signer_check,
)
from parley.ledger.hashing import sha256_hex
from parley.ledger.merkle import node_hash, verify_inclusion
from parley.reports.checkpoints import event_leaf_hashes

PUBLIC_TYPES = frozenset({
    "party.registered", "actor.registered", "agreement.recorded", "agreement.signed",
    "statement.recorded", "publication.held", "publication.released",
    # Keys and their life (format v2): a verifier needs every key change to check
    # which key may sign what.
    "key.added", "key.rotated", "key.revoked"})
LINE_KEYS = frozenset({"seq", "id", "type", "actor", "at", "payload", "prev", "hash",
                       "signature", "inclusion"})
LINE_KEYS_V2 = LINE_KEYS | {"v", "key", "occurred_at", "payload_hash"}
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")


@dataclass(frozen=True)
class PublicEvent:
    """One published event and its inclusion proof in the checkpoint's tree."""

    event: StoredEvent
    inclusion: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {**self.event.to_json(), "inclusion": list(self.inclusion)}


def select_public(stored: Sequence[StoredEvent], tree_size: int) -> list[PublicEvent]:
    """The public events among the first ``tree_size`` with their inclusion proofs."""
    levels = tree_levels(event_leaf_hashes(e.hash for e in stored[:tree_size]))
    return [PublicEvent(ev, tuple(p.hex() for p in path_from_levels(levels, ev.seq - 1)))
            for ev in stored[:tree_size] if ev.type in PUBLIC_TYPES]


def tree_levels(hashes: Sequence[bytes]) -> list[list[bytes]]:
    """Every level of the RFC 9162 tree over ``hashes`` (leaf hashes first), built once
    so that many inclusion proofs cost O(log n) each; an odd last node moves up a level
    unchanged, which is the RFC's split at the largest power of two."""
    levels = [list(hashes)]
    while len(levels[-1]) > 1:
        level = levels[-1]
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        levels.append(nxt)
    return levels


def path_from_levels(levels: list[list[bytes]], index: int) -> list[bytes]:
    """PATH(index) as :func:`parley.ledger.merkle.inclusion_proof` gives it."""
    path: list[bytes] = []
    for level in levels[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(level[sibling])
        index >>= 1
    return path


def event_line(ev: PublicEvent) -> str:
    return json.dumps(ev.to_json(), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False) + "\n"


class PublicEventError(ValueError):
    """A line or an event of ``public-events.jsonl`` does not hold."""

    def __init__(self, line: int, seq: int | None, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.seq = seq
        self.reason = reason


def read_public_events(path: Path) -> Iterator[PublicEvent]:
    with path.open("r", encoding="utf-8", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.endswith("\n"):
                raise PublicEventError(number, None, "the last line does not end with a "
                                                     "newline")
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise PublicEventError(number, None, f"not JSON ({exc.msg})") from None
            if not isinstance(data, dict) or set(data) not in (LINE_KEYS, LINE_KEYS_V2):
                raise PublicEventError(number, None, f"expected the fields "
                                                     f"{sorted(LINE_KEYS)}")
            inclusion = data.pop("inclusion")
            try:
                ev = StoredEvent.from_json(data)
            except (KeyError, TypeError) as exc:
                raise PublicEventError(number, None, f"malformed event: {exc}") from None
            if not isinstance(ev.seq, int) or isinstance(ev.seq, bool) or not all(
                    isinstance(getattr(ev, n), str) for n in (
                        "event_id", "type", "actor", "recorded_at", "payload", "prev_hash",
                        "hash", "signature")) or not isinstance(inclusion, list) or not all(
                    isinstance(p, str) and _HEX64.fullmatch(p) for p in inclusion):
                raise PublicEventError(number, None, "a field has the wrong type")
            yield PublicEvent(ev, tuple(inclusion))


def verify_public_events(items: Sequence[PublicEvent], *, tree_size: int, root: str
                         ) -> dict[str, str]:
    """Check every public event; returns the actors' (first) keys. Raises PublicEventError.

    Format v2 events (docs/protocol.md) are checked as the chain verifier checks them:
    the payload's hash, the statement's signature by a key valid at its ``occurred_at``
    (the keys' life comes from the public key events), the entry's hash; format v1
    events as before."""
    state = ChainState()
    last = 0
    for number, item in enumerate(items, start=1):
        ev = item.event

        def fail(reason: str, ev: StoredEvent = ev, number: int = number) -> PublicEventError:
            return PublicEventError(number, ev.seq, f"{ev.type}: {reason}")

        if ev.type not in PUBLIC_TYPES:
            raise fail("this type of event is not public")
        if not last < ev.seq <= tree_size:
            raise fail(f"sequence number {ev.seq} not after {last} and within the "
                       f"checkpoint's {tree_size} events")
        last = ev.seq
        try:
            payload = parse_canonical(ev.payload.encode("utf-8"))
        except (CanonicalError, UnicodeEncodeError) as exc:
            raise fail(f"payload is not canonical JSON: {exc}") from None
        reason = _check_signed(ev, payload, state)
        if reason is not None:
            raise fail(reason)
        if not verify_inclusion(bytes.fromhex(sha256_leaf(ev.hash)), ev.seq - 1, tree_size,
                                [bytes.fromhex(p) for p in item.inclusion],
                                bytes.fromhex(root)):
            raise fail(f"not included at {ev.seq} in the checkpoint's tree of {tree_size}")
    return dict(state.registry.first_keys)


def _check_signed(ev: StoredEvent, payload: Any, state: ChainState) -> str | None:
    if ev.version == 2:
        if payload_hash(payload) != ev.payload_hash:
            return "payload does not match the signed payload hash"
        return check_entry(ev) or check_signed(ev, payload, state)
    computed = sha256_hex(envelope_bytes(
        seq=ev.seq, event_id=ev.event_id, type=ev.type, actor=ev.actor,
        recorded_at=ev.recorded_at, payload=payload, prev_hash=ev.prev_hash))
    if computed != ev.hash:
        return f"hash {ev.hash[:12]}…, the event gives {computed[:12]}…"
    return v1_signer_check(ev, payload, state)


def sha256_leaf(event_hash: str) -> str:
    return event_leaf_hashes([event_hash])[0].hex()
