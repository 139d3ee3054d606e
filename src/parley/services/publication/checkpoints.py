"""Signed checkpoints of the event chain (RFC 9162 tree heads over event hashes).

The publisher calls :func:`create_checkpoint` before writing a bundle, and the exchange
may call it whenever a stage closes, so that the intermediary commits to the chain as it
stood then; the bundle writer links each checkpoint to the one before it with a
consistency proof.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Row

from parley.bootstrap import App
from parley.domain.vocabulary import PartyKind
from parley.errors import Conflict, InputError, NotFound
from parley.reports.checkpoints import Checkpoint, roots_at, sign_checkpoint
from parley.store import timestamp
from parley.store.tables import actors, chain_head, checkpoints, events, parties


def intermediary_actor(conn: Connection, actor: str | None = None) -> str:
    """``actor`` if it belongs to the intermediary, else the intermediary's first actor."""
    stmt = (select(actors.c.id).join(parties, parties.c.code == actors.c.party_code)
            .where(parties.c.kind == PartyKind.INTERMEDIARY).order_by(actors.c.event_seq))
    ids = [str(r) for r in conn.execute(stmt).scalars()]
    if actor is not None:
        if actor not in ids:
            raise InputError(f"actor {actor!r} is not an actor of the intermediary; "
                             "only the intermediary signs checkpoints and bundles")
        return actor
    if not ids:
        raise NotFound("no intermediary is registered; register one with "
                       "`parley keys init ACTOR --party CODE --kind intermediary`")
    return ids[0]


def event_hashes(conn: Connection, upto: int | None = None) -> list[str]:
    stmt = select(events.c.hash).order_by(events.c.seq)
    if upto is not None:
        stmt = stmt.where(events.c.seq <= upto)
    return [str(h) for h in conn.execute(stmt).scalars()]


def create_checkpoint(app: App, *, actor: str | None = None) -> Checkpoint:
    """Sign a checkpoint at the current chain head (or return the one already there)."""
    with app.uow() as uow:
        conn = uow.conn
        signer = intermediary_actor(conn, actor)
        head = conn.execute(select(chain_head.c.seq, chain_head.c.hash)).one()
        if head.seq == 0:
            raise Conflict("the chain is empty; there is nothing to checkpoint")
        existing = conn.execute(
            select(checkpoints).where(checkpoints.c.tree_size == head.seq)).first()
        if existing is not None:
            return _row(existing)
        hashes = event_hashes(conn, head.seq)
        root = roots_at(hashes, [head.seq])[head.seq]
        cp = sign_checkpoint(tree_size=head.seq, root=root, head=str(head.hash),
                             at=timestamp(uow.now()), signer=signer,
                             key=app.keyring.private(signer))
        conn.execute(insert(checkpoints).values(
            tree_size=cp.tree_size, root=cp.root, head=cp.head, signed_at=cp.at,
            signer=cp.signer, signature=cp.signature))
        uow.commit()
    return cp


def list_checkpoints(conn: Connection, *, upto: int | None = None) -> list[Checkpoint]:
    stmt = select(checkpoints).order_by(checkpoints.c.tree_size)
    if upto is not None:
        stmt = stmt.where(checkpoints.c.tree_size <= upto)
    return [_row(r) for r in conn.execute(stmt)]


def _row(r: Row[Any]) -> Checkpoint:
    return Checkpoint(tree_size=int(r.tree_size), root=str(r.root), head=str(r.head),
                      at=str(r.signed_at), signer=str(r.signer), signature=str(r.signature))
