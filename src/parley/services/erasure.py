"""`parley erase PERSON`: delete a person's personal data and salts on request.

The sealed records and their salts go; the commitments stay (they are in the signed
chain and in stage heads), so the chain, the heads and the totals still verify, while
nobody, Parley included, can open those commitments again. A ``person.erased`` event and
a row of the erasure log record that it happened, when, why and on whose authority.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from parley.bootstrap import App
from parley.domain.events import PersonErased
from parley.errors import Conflict, InputError, NotFound
from parley.services.checkpoints import intermediary_actor
from parley.store import timestamp
from parley.store.tables import (
    erasure_log,
    persons,
    plan_exclusions,
    record_links,
    remains_cases,
    source_records,
)


@dataclass(frozen=True)
class ErasureResult:
    person_id: str
    records: int
    commitments: list[str]
    event_seq: int


def erase_person(app: App, person_id: str, *, reason: str, actor: str | None = None
                 ) -> ErasureResult:
    """Erase every source record linked to ``person_id`` (one transaction)."""
    if not reason.strip():
        raise InputError("a reason is required for an erasure (e.g. the request's reference)")
    with app.uow() as uow:
        conn = uow.conn
        signer = intermediary_actor(conn, actor)
        if conn.execute(select(persons.c.id).where(persons.c.id == person_id)).first() is None:
            raise NotFound(f"person {person_id} is not known")
        rows = conn.execute(
            select(source_records.c.id, source_records.c.commitment)
            .join(record_links, record_links.c.record_id == source_records.c.id)
            .where(record_links.c.person_id == person_id,
                   source_records.c.erased_at.is_(None))
            .order_by(source_records.c.commitment)).all()
        if not rows:
            raise Conflict(f"person {person_id} has no personal data left to erase")
        now = timestamp(uow.now())
        ids = [r.id for r in rows]
        conn.execute(update(source_records).where(source_records.c.id.in_(ids))
                     .values(sealed=None, salt=None, erased_at=now))
        # What the exchange keeps about the person beside the records: the salts of
        # remains cases identified as the person, and a confidential reason for being
        # left out of a stage.
        cases = conn.execute(select(remains_cases.c.id, remains_cases.c.commitment)
                             .where(remains_cases.c.person_id == person_id,
                                    remains_cases.c.salt.is_not(None))).all()
        if cases:
            conn.execute(update(remains_cases)
                         .where(remains_cases.c.id.in_([c.id for c in cases]))
                         .values(salt=None))
        conn.execute(update(plan_exclusions).where(plan_exclusions.c.person_id == person_id)
                     .values(sealed=None))
        commitments = sorted({r.commitment for r in rows} | {c.commitment for c in cases})
        ev = uow.append(PersonErased(person_id=person_id, records=len(rows),
                                     commitments=commitments), actor=signer)
        conn.execute(insert(erasure_log).values(
            id=str(uuid.uuid4()), person_id=person_id, records=len(rows), reason=reason,
            actor=signer, erased_at=now, event_seq=ev.seq))
        uow.commit()
    return ErasureResult(person_id=person_id, records=len(rows), commitments=commitments,
                         event_seq=ev.seq)
