"""Stage heads cosigned by each side on its own machine.

Closing a stage needs every head cosigned by both parties and the intermediary. A side
whose key is on the hub (the intermediary's) signs there. For a party whose key is on
its own node, the first ``close`` *proposes* the heads (``head_proposals``: their time and
bytes) and answers which parties it awaits; each party's node fetches the proposal
(:func:`proposed_heads`), signs each head's bytes unchanged with its own key and sends
the signatures (:func:`record_cosignatures`), which the hub checks against the party's
registered key; the next ``close`` finds them and closes. If the stage changed meanwhile,
its heads differ from the proposal: the close proposes the new heads and the parties
cosign again (cosignatures of other bytes are never used).

This module does not define the heads (``parley.domain.stage_head`` and
``parley.domain.public_head`` do); it collects signatures over whatever heads the close
builds, each signed as its ``to_bytes()``. The public head's leaves have fresh salts each
time it is built, so a proposal also keeps its sealed openings, and the close reuses the
proposed public head while the per-direction heads are unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.domain.public_head import KIND as PUBLIC_KIND
from parley.domain.public_head import PublicHead, PublicHeadError, StageOpenings
from parley.domain.stage_head import Cosignature, StageHead, StageHeadError
from parley.errors import Conflict, InputError, NotFound, SignatureRefused
from parley.ledger.keys import KeyRefused, signer
from parley.ledger.signing import sign, verify_signature
from parley.store import timestamp
from parley.store.tables import actors, head_cosignatures, head_proposals, stages
from parley.store.uow import TableKeys

COSIGN = "stage.heads_cosigned"  # the kind of statement a cosignature is, for key checks


class Signable(Protocol):
    """A head the three sides cosign: its JSON and the exact bytes signed."""

    def to_json(self) -> dict[str, Any]: ...

    def to_bytes(self) -> bytes: ...


def parse_head(data: Any) -> StageHead | PublicHead:
    """A per-direction head (``parley/stage-head/v1``) or a public head (v2) from JSON."""
    if isinstance(data, dict) and data.get("kind") == PUBLIC_KIND:
        return PublicHead.from_json(data)
    return StageHead.from_json(data)


@dataclass
class Collected:
    """Each head's cosignatures (in head order), or the sides still to cosign."""

    cosignatures: list[list[Cosignature]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def proposal_time(conn: Connection, stage_id: str) -> str | None:
    return conn.execute(select(head_proposals.c.time)
                        .where(head_proposals.c.stage_id == stage_id)).scalar()


def _heads_text(heads: Sequence[Signable]) -> str:
    return json.dumps([h.to_json() for h in heads], sort_keys=True, separators=(",", ":"))


def collect(app: App, conn: Connection, *, stage_id: str, heads: Sequence[Signable],
            signers: Sequence[tuple[str, str]]) -> Collected:
    """Sign with the keys on this machine; take the other sides' stored cosignatures of
    exactly these heads; name the sides that have none."""
    per_side: list[list[Cosignature]] = []
    out = Collected()
    for side, actor in signers:
        if app.keyring.has(actor):
            key = app.keyring.private(actor)
            per_side.append([Cosignature(actor=actor, party=side,
                                         signature=sign(key, h.to_bytes())) for h in heads])
            continue
        row = conn.execute(select(head_cosignatures).where(
            head_cosignatures.c.stage_id == stage_id,
            head_cosignatures.c.party_code == side)).first()
        stored = json.loads(row.signatures) if row is not None else None
        if row is None or row.actor != actor or stored is None or \
                [s["head"] for s in stored] != [h.to_json() for h in heads]:
            out.missing.append(side)
            continue
        per_side.append([Cosignature(actor=actor, party=side, signature=s["signature"])
                         for s in stored])
    if not out.missing:
        out.cosignatures = [[sigs[i] for sigs in per_side] for i in range(len(heads))]
    return out


def propose(app: App, conn: Connection, *, stage_id: str, time: str,
            heads: Sequence[Signable], openings: StageOpenings | None) -> None:
    """Keep these heads (and the public head's openings, sealed) as the stage's proposal;
    cosignatures of other heads are no longer used."""
    text = _heads_text(heads)
    current = conn.execute(select(head_proposals.c.heads)
                           .where(head_proposals.c.stage_id == stage_id)).scalar()
    if current == text:
        return
    conn.execute(delete(head_proposals).where(head_proposals.c.stage_id == stage_id))
    conn.execute(insert(head_proposals).values(
        stage_id=stage_id, time=time, heads=text,
        openings=None if openings is None else app.cipher.seal(
            openings.to_json(), row_id=f"proposal:{stage_id}")))


def proposed_public_head(app: App, conn: Connection, stage_id: str,
                         heads: Sequence[StageHead]) -> tuple[PublicHead, StageOpenings] | None:
    """The proposal's public head and openings, if its per-direction heads are ``heads``
    (the stage has not changed since it was proposed)."""
    row = conn.execute(select(head_proposals).where(
        head_proposals.c.stage_id == stage_id)).first()
    if row is None or row.openings is None:
        return None
    items = json.loads(row.heads)
    if items[:-1] != [h.to_json() for h in heads]:
        return None
    openings = StageOpenings.from_json(app.cipher.open(row.openings,
                                                       row_id=f"proposal:{stage_id}"))
    return PublicHead.from_json(items[-1]), openings


def forget(conn: Connection, stage_id: str) -> None:
    """The stage closed: its proposal and the cosignatures are in the chain now."""
    conn.execute(delete(head_cosignatures).where(head_cosignatures.c.stage_id == stage_id))
    conn.execute(delete(head_proposals).where(head_proposals.c.stage_id == stage_id))


def proposed_heads(app: App, stage_id: str) -> tuple[str | None, list[dict[str, Any]]]:
    """The heads proposed for ``stage_id`` and their time; none until the intermediary
    proposes them by closing the stage."""
    with app.read() as conn:
        row = conn.execute(select(head_proposals).where(
            head_proposals.c.stage_id == stage_id)).first()
    if row is None:
        return None, []
    return str(row.time), list(json.loads(row.heads))


def record_cosignatures(app: App, *, stage_id: str, actor: str, key_id: str,
                        signatures: Sequence[Any]) -> int:
    """Keep ``actor``'s cosignatures of the stage's proposed heads, after checking that
    they cover exactly those heads, that the key is the actor's and valid now, and that
    every signature holds over its head's bytes."""
    with app.uow() as uow:
        uow.lock_head()
        conn = uow.conn
        status = conn.execute(select(stages.c.status).where(stages.c.id == stage_id)).scalar()
        if status is None:
            raise NotFound(f"stage {stage_id} not found")
        if status == "closed":
            raise Conflict(f"stage {stage_id} is already closed")
        party = conn.execute(select(actors.c.party_code).where(actors.c.id == actor)).scalar()
        row = conn.execute(select(head_proposals).where(
            head_proposals.c.stage_id == stage_id)).first()
        if row is None:
            raise Conflict(f"stage {stage_id} has no proposed heads to cosign")
        proposed = json.loads(row.heads)
        try:
            heads = [parse_head(s["head"]) for s in signatures]
        except (StageHeadError, PublicHeadError, KeyError, TypeError) as exc:
            raise InputError(f"signatures: a head is malformed: {exc}") from None
        if [h.to_json() for h in heads] != proposed:
            raise SignatureRefused("the cosigned heads are not the heads proposed for stage "
                                   f"{stage_id} (the stage changed? fetch them again)",
                                   reason="other_bytes")
        now = timestamp(uow.now())
        try:
            key = signer(TableKeys(conn), seq=0, actor=actor, key=key_id, occurred_at=now,
                         type=COSIGN, payload=None)
        except KeyRefused as exc:
            text = str(exc)
            raise SignatureRefused(text, reason="key_revoked" if "revoked" in text
                                   else "unknown_key") from None
        for i, (head, s) in enumerate(zip(heads, signatures, strict=True)):
            sig = s.get("signature") if isinstance(s, dict) else None
            if not isinstance(sig, str) or not verify_signature(key.public_key,
                                                                head.to_bytes(), sig):
                raise SignatureRefused(f"signatures[{i}]: {actor}'s cosignature of the "
                                       f"{i + 1}. head does not verify with key {key_id}",
                                       reason="bad_signature")
        conn.execute(delete(head_cosignatures).where(
            head_cosignatures.c.stage_id == stage_id,
            head_cosignatures.c.party_code == party))
        conn.execute(insert(head_cosignatures).values(
            stage_id=stage_id, party_code=party, actor=actor, key_id=key_id,
            time=now, signatures=json.dumps(
                [{"head": h.to_json(), "signature": s["signature"]}
                 for h, s in zip(heads, signatures, strict=True)])))
        uow.commit()
    return len(heads)
