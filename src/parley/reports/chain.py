"""The published event chain: full events and withheld ones, read and verified.

A published event is either the stored event as it is (``StoredEvent.to_json()``) or,
for a stage whose figures are held back, its envelope without type and payload:
``{seq, id, actor, at, prev, hash, signature, withheld: STAGE_ID}``. For a withheld event
the verifier checks the link and the actor's signature over the stated hash; the hash
itself can be recomputed once the stage is released and the event published in full.

Verification reuses :func:`parley.ledger.chain.verify_chain` for runs of full events and
spreads long chains over processes (Ed25519 verification is the cost: ~50-100 µs each).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parley.ledger.chain import (
    ACTOR_REGISTERED,
    SIGNATURE_CONTEXT,
    ChainFailure,
    ChainState,
    StoredEvent,
    verify_chain,
)
from parley.ledger.hashing import GENESIS_HASH
from parley.ledger.signing import verify_signature

_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")
PARALLEL_FROM = 50_000

FULL_KEYS = frozenset({"seq", "id", "type", "actor", "at", "payload", "prev", "hash",
                       "signature"})
WITHHELD_KEYS = frozenset({"seq", "id", "actor", "at", "prev", "hash", "signature",
                           "withheld"})


@dataclass(frozen=True)
class WithheldEvent:
    """An event of a held stage, published as its signed hash only."""

    seq: int
    event_id: str
    actor: str
    recorded_at: str
    prev_hash: str
    hash: str
    signature: str
    stage_id: str

    type = "withheld"

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "id": self.event_id, "actor": self.actor,
                "at": self.recorded_at, "prev": self.prev_hash, "hash": self.hash,
                "signature": self.signature, "withheld": self.stage_id}

    @classmethod
    def of(cls, ev: StoredEvent, stage_id: str) -> WithheldEvent:
        return cls(seq=ev.seq, event_id=ev.event_id, actor=ev.actor,
                   recorded_at=ev.recorded_at, prev_hash=ev.prev_hash, hash=ev.hash,
                   signature=ev.signature, stage_id=stage_id)


PublishedEvent = StoredEvent | WithheldEvent


class EventLineError(ValueError):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def parse_event_line(line: str, number: int) -> PublishedEvent:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise EventLineError(number, f"not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise EventLineError(number, "not a JSON object")
    keys = frozenset(data)
    try:
        if keys == FULL_KEYS:
            ev = StoredEvent.from_json(data)
            _types(ev, number, payload=True)
            return ev
        if keys == WITHHELD_KEYS:
            wh = WithheldEvent(seq=data["seq"], event_id=data["id"], actor=data["actor"],
                               recorded_at=data["at"], prev_hash=data["prev"],
                               hash=data["hash"], signature=data["signature"],
                               stage_id=data["withheld"])
            _types(wh, number, payload=False)
            return wh
    except (KeyError, TypeError) as exc:
        raise EventLineError(number, f"malformed event: {exc}") from None
    raise EventLineError(number, f"unexpected fields {sorted(keys ^ FULL_KEYS)}")


def _types(ev: Any, number: int, *, payload: bool) -> None:
    if not isinstance(ev.seq, int) or isinstance(ev.seq, bool):
        raise EventLineError(number, "seq is not an integer")
    names = ["event_id", "actor", "recorded_at", "prev_hash", "hash", "signature"]
    names += ["type", "payload"] if payload else ["stage_id"]
    for name in names:
        if not isinstance(getattr(ev, name), str):
            raise EventLineError(number, f"{name} is not a string")


def read_events(path: Path) -> Iterator[PublishedEvent]:
    """Published events of ``events.jsonl`` in order (raises EventLineError)."""
    with path.open("r", encoding="utf-8", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.endswith("\n"):
                raise EventLineError(number, "the last line does not end with a newline")
            yield parse_event_line(line[:-1], number)


def event_line(ev: PublishedEvent) -> str:
    return json.dumps(ev.to_json(), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False) + "\n"


def _check_withheld(ev: WithheldEvent, st: ChainState) -> ChainFailure | None:
    keys = st.keys or {}
    expected = st.count + 1
    if ev.seq != expected:
        return ChainFailure(ev.seq, "withheld",
                            f"sequence number {ev.seq} where {expected} was expected")
    if not (_HEX64.fullmatch(ev.hash) and _HEX64.fullmatch(ev.prev_hash)):
        return ChainFailure(ev.seq, "withheld", "hash or previous hash is not 64 hex digits")
    if ev.prev_hash != st.head:
        return ChainFailure(ev.seq, "withheld",
                            f"previous hash {ev.prev_hash[:12]}… does not match the hash "
                            f"{st.head[:12]}… of the event before it")
    public = keys.get(ev.actor)
    if public is None:
        return ChainFailure(ev.seq, "withheld", f"actor {ev.actor!r} signs before it was "
                                                "registered")
    if not _HEX128.fullmatch(ev.signature) or not verify_signature(
            public, SIGNATURE_CONTEXT + bytes.fromhex(ev.hash), ev.signature):
        return ChainFailure(ev.seq, "withheld", f"signature by {ev.actor!r} does not verify")
    st.count, st.head = ev.seq, ev.hash
    return None


def verify_segment(items: Sequence[PublishedEvent], state: ChainState) -> ChainFailure | None:
    """Verify consecutive published events from ``state`` on; updates ``state``."""
    run: list[StoredEvent] = []
    for item in items:
        if isinstance(item, StoredEvent):
            run.append(item)
            continue
        if run:
            failure = verify_chain(run, state)
            if failure is not None:
                return failure
            run = []
        failure = _check_withheld(item, state)
        if failure is not None:
            return failure
    return verify_chain(run, state) if run else None


def registered_keys(items: Sequence[PublishedEvent], upto: int) -> dict[str, str]:
    """Actors' keys as :func:`verify_chain` would know them before ``items[upto]``."""
    keys: dict[str, str] = {}
    for item in items[:upto]:
        if isinstance(item, StoredEvent) and item.type == ACTOR_REGISTERED \
                and item.actor not in keys:
            try:
                payload = json.loads(item.payload)
            except json.JSONDecodeError:
                continue
            if isinstance(payload, dict) and payload.get("actor") == item.actor:
                keys[item.actor] = str(payload.get("public_key", ""))
    return keys


_SHARED: Sequence[PublishedEvent] = ()


def _verify_range(bounds: tuple[int, int, dict[str, str]]) -> ChainFailure | None:
    start, end, keys = bounds
    items = _SHARED
    head = items[start - 1].hash if start > 0 else GENESIS_HASH
    state = ChainState(count=start, head=head, keys=dict(keys))
    return verify_segment(items[start:end], state)


def verify_published_chain(items: Sequence[PublishedEvent], *, workers: int | None = None
                           ) -> tuple[ChainFailure | None, ChainState]:
    """Verify the whole published chain; returns the first failure and the final state.

    Chains of ``PARALLEL_FROM`` events or more are cut into ranges verified in parallel
    (forked processes share the parsed events); each range starts from the previous
    range's last stated hash, which that range's own check confirms, so the result is
    the same as one sequential pass.
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    state = ChainState()
    if workers <= 1 or len(items) < PARALLEL_FROM or \
            "fork" not in multiprocessing.get_all_start_methods():
        return verify_segment(items, state), state
    chunk = -(-len(items) // (workers * 4))
    bounds: list[tuple[int, int, dict[str, str]]] = []
    keys: dict[str, str] = {}
    for start in range(0, len(items), chunk):
        bounds.append((start, min(start + chunk, len(items)), dict(keys)))
        keys.update({k: v for k, v in registered_keys(items[start:start + chunk],
                                                      chunk).items() if k not in keys})
    global _SHARED
    _SHARED = items
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers) as pool:
            for failure in pool.imap(_verify_range, bounds):
                if failure is not None:
                    pool.terminate()
                    return failure, state
    finally:
        _SHARED = ()
    last = items[-1]
    state.count, state.head = last.seq, last.hash
    state.keys = keys
    return None, state
