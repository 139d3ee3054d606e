"""Verifying the stored event chain (`parley ledger verify`) and reading it out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.ledger.chain import ChainFailure, ChainState, StoredEvent, verify_chain
from parley.store.tables import actors, chain_head, events, signing_keys

BATCH = 5_000


@dataclass(frozen=True)
class LedgerReport:
    """The outcome of a full check: how many events held, the head, the first failure."""

    events: int
    head: str
    failure: ChainFailure | None

    @property
    def ok(self) -> bool:
        return self.failure is None


def iter_events(conn: Connection, *, after: int = 0) -> Iterator[StoredEvent]:
    """Every stored event in sequence order, read in batches."""
    last = after
    while True:
        rows = conn.execute(
            select(events).where(events.c.seq > last).order_by(events.c.seq).limit(BATCH)
        ).all()
        if not rows:
            return
        for r in rows:
            yield StoredEvent(
                seq=r.seq, event_id=r.event_id, type=r.type, actor=r.actor,
                recorded_at=r.recorded_at, payload=r.payload, prev_hash=r.prev_hash,
                hash=r.hash, signature=r.signature, version=r.version,
                key_id=r.key_id or "", occurred_at=r.occurred_at or "",
                payload_hash=r.payload_hash or "",
            )
        last = rows[-1].seq


def verify_ledger(app: App) -> LedgerReport:
    """Re-check every hash, link and signature, then the head and the actors' keys."""
    state = ChainState()
    with app.read() as conn:
        failure = verify_chain(iter_events(conn), state)
        if failure is None:
            failure = _check_head(conn, state) or _check_actor_keys(conn, state) \
                or _check_signing_keys(conn, state)
    return LedgerReport(events=state.count, head=state.head, failure=failure)


def _check_head(conn: Connection, state: ChainState) -> ChainFailure | None:
    head = conn.execute(select(chain_head.c.seq, chain_head.c.hash)).one()
    if (head.seq, head.hash) != (state.count, state.head):
        return ChainFailure(
            head.seq, "chain_head",
            f"the recorded head (event {head.seq}, {head.hash[:12]}…) is not the last "
            f"event of the chain (event {state.count}, {state.head[:12]}…): events were "
            "removed or the head was altered",
        )
    return None


def _check_actor_keys(conn: Connection, state: ChainState) -> ChainFailure | None:
    keys = state.keys or {}
    for row in conn.execute(select(actors.c.id, actors.c.public_key, actors.c.event_seq)):
        if keys.get(row.id) != row.public_key:
            return ChainFailure(
                row.event_seq, "actor.registered",
                f"actor {row.id}'s public key in the actors table differs from its "
                "registration in the chain",
            )
    return None


def _check_signing_keys(conn: Connection, state: ChainState) -> ChainFailure | None:
    """The hub's table of keys (what it checks new statements against) is the chain's."""
    known = state.registry.keys
    rows = {r.key_id: r for r in conn.execute(select(signing_keys))}
    for kid, rec in known.items():
        r = rows.get(kid)
        if r is None or (r.actor, r.public_key, r.revoked_seq, r.revoked_from) != \
                (rec.actor, rec.public_key, rec.revoked_seq, rec.revoked_from):
            return ChainFailure(rec.added_seq, "signing_keys",
                                f"key {kid} of {rec.actor} in the signing_keys table differs "
                                "from its life in the chain")
    for kid, r in rows.items():
        if kid not in known:
            return ChainFailure(r.added_seq, "signing_keys",
                                f"key {kid} of {r.actor} is in the signing_keys table but "
                                "not registered in the chain")
    return None
