"""Public stage heads: built, cosigned and sealed when a stage closes; read to publish.

:func:`seal_public_head` runs inside the stage-closing unit of work
(``services/exchange/handover.close_stage``): it builds the v2 head over unlinkable
leaves (``domain/public_head.py``), has it cosigned by the agreement's signatories (as
the v1 heads are, until parties cosign on their own nodes), and keeps the openings
sealed in ``stage_public_heads``. The returned cosigned head goes into the
``stage.closed`` event.

:func:`public_heads` and :func:`stage_openings` read them back for the bundle and for
family proofs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.domain.public_head import PublicHead, StageOpenings, build_public_head
from parley.domain.stage_head import Cosignature
from parley.ledger import canonical_json, sign
from parley.ledger.merkle import tree_root
from parley.store.tables import stage_public_heads


def cosigned_json(head: PublicHead, cosignatures: Iterable[Cosignature]) -> dict[str, Any]:
    """``{"head": {...}, "cosignatures": [...]}`` with the cosignatures sorted by party."""
    return {"head": head.to_json(),
            "cosignatures": [c.to_json() for c in sorted(cosignatures,
                                                          key=lambda c: (c.party, c.actor))]}


def seal_public_head(app: App, conn: Connection, *, agreement: str, stage: str, number: int,
                     date: str, time: str, directions: Iterable[str],
                     categories: list[str], leaves: Mapping[tuple[str, str], Iterable[str]],
                     signers: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Build, cosign (each ``(party, actor)`` of ``signers``) and seal a closing stage's
    public head; returns the cosigned head for the ``stage.closed`` event."""
    head, openings = build_public_head(
        agreement=agreement, stage=stage, number=number, date=date, time=time,
        directions=list(directions), categories=categories, leaves=leaves,
        tree_root=tree_root)
    message = head.to_bytes()
    return store_public_head(app, conn, head=head, openings=openings, cosignatures=[
        Cosignature(actor=actor, party=party,
                    signature=sign(app.keyring.private(actor), message))
        for party, actor in signers])


def store_public_head(app: App, conn: Connection, *, head: PublicHead,
                      openings: StageOpenings, cosignatures: Iterable[Cosignature]
                      ) -> dict[str, Any]:
    """Seal a public head already cosigned (on the parties' own nodes too: see
    ``parley.services.exchange.cosigning``); returns the cosigned head."""
    cosigned = cosigned_json(head, list(cosignatures))
    conn.execute(insert(stage_public_heads).values(
        stage_id=head.stage, head=canonical_json(cosigned).decode("utf-8"),
        sealed=app.cipher.seal(openings.to_json(), row_id=head.stage)))
    return cosigned


@dataclass(frozen=True)
class SealedStage:
    """One closed stage's cosigned public head and its openings (opened with the key)."""

    stage: str
    cosigned: dict[str, Any]
    openings: StageOpenings


def public_heads(app: App, conn: Connection) -> dict[str, SealedStage]:
    """Every stage's public head and openings, by stage id."""
    out: dict[str, SealedStage] = {}
    for row in conn.execute(select(stage_public_heads)):
        opened = app.cipher.open(row.sealed, row_id=row.stage_id)
        out[row.stage_id] = SealedStage(stage=row.stage_id, cosigned=json.loads(row.head),
                                        openings=StageOpenings.from_json(opened))
    return out


def stage_openings(app: App, conn: Connection, stage_id: str) -> SealedStage | None:
    row = conn.execute(select(stage_public_heads).where(
        stage_public_heads.c.stage_id == stage_id)).first()
    if row is None:
        return None
    return SealedStage(stage=row.stage_id, cosigned=json.loads(row.head),
                       openings=StageOpenings.from_json(
                           app.cipher.open(row.sealed, row_id=row.stage_id)))
