"""`parley erase PERSON`: delete a person's personal data and salts on request.

The sealed records and their salts go; the commitments stay (they are in the signed
chain and in stage heads), so the chain, the heads and the totals still verify, while
nobody, Parley included, can open those commitments again. A ``person.erased`` event and
a row of the erasure log record that it happened, when, why (sealed: the reason may name
who asked) and on whose authority.

The person is taken as a whole: a person merged into another is erased with the one it
became, and every id merged into that one counts too. Beside the source records the
erasure reaches the person's interviews (the outcome and the salt of its commitment),
confidential reasons for being left out of a stage, salts of remains cases identified
as the person, and the copies listed in :mod:`parley.services.publication.erasure_copies`
(quarantined rows, the review queue, match models' term frequencies, stored API answers).
Events are never rewritten: they hold only ids and commitments.
"""

from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, insert, select, update
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.domain.events import PersonErased
from parley.errors import Conflict, InputError, NotFound
from parley.services.publication.checkpoints import intermediary_actor
from parley.services.publication.erasure_copies import (
    Identifiers,
    erase_quarantined,
    relabel_lists,
    scrub_stored_answers,
    scrub_term_frequencies,
    withdraw_reviews,
)
from parley.store import timestamp
from parley.store.dialect import flush_write_ahead_log
from parley.store.sealed_text import ListSources, open_erasure_reason, seal_erasure_reason
from parley.store.tables import (
    erasure_log,
    interviews,
    nominations,
    person_redirects,
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
    quarantined: int = 0
    interviews: int = 0
    # SQLite: whether the write-ahead log (old page versions) was emptied right away.
    log_flushed: bool = True


def erase_person(app: App, person_id: str, *, reason: str, actor: str | None = None
                 ) -> ErasureResult:
    """Erase every copy of the personal data of ``person_id`` (one transaction)."""
    if not reason.strip():
        raise InputError("a reason is required for an erasure (e.g. the request's reference)")
    with app.uow() as uow:
        conn = uow.conn
        signer = intermediary_actor(conn, actor)
        person = _current(conn, person_id)
        ids = _merged_with(conn, person)
        rows = list(conn.execute(
            _records().join(record_links, record_links.c.record_id == source_records.c.id)
            .where(record_links.c.person_id.in_(ids))))
        if not rows:
            raise Conflict(f"person {person_id} has no personal data left to erase")
        now = timestamp(uow.now())
        who = Identifiers.of(app.cipher.open(r.sealed, row_id=r.id) for r in rows)
        # Records not linked to anyone yet (imported since the last resolution) that
        # carry his service number, or his name and birth date, are his too.
        rows += [r for r in conn.execute(_records().outerjoin(
            record_links, record_links.c.record_id == source_records.c.id)
            .where(record_links.c.record_id.is_(None)))
            if who.matches(app.cipher.open(r.sealed, row_id=r.id))]
        sources = ListSources(app.cipher, conn)
        opened = [(r.id, sources[r.list_id], app.cipher.open(r.sealed, row_id=r.id))
                  for r in rows]
        for _, _, fields in opened:
            who.add(fields)
        record_ids = {r.id for r in rows}
        conn.execute(update(source_records).where(source_records.c.id.in_(sorted(record_ids)))
                     .values(sealed=None, salt=None, erased_at=now))
        # A list may use the service number as its record id: then the row number stands in.
        for r in rows:
            if who.quoted_in(r.record_id):
                conn.execute(update(source_records).where(source_records.c.id == r.id)
                             .values(record_id=f"row-{r.row_number}"))
        quarantined = erase_quarantined(app, conn, record_ids=record_ids, who=who, now=now)
        withdraw_reviews(conn, record_ids)
        scrub_term_frequencies(app, conn, opened)
        scrub_stored_answers(app, conn, who)
        relabel_lists(app, conn, {r.list_id for r in rows} | quarantined.list_ids, who)
        cases = _erase_exchange(conn, ids)
        talks = _erase_interviews(app, conn, ids)
        commitments = sorted({r.commitment for r in rows} | set(cases) | set(talks))
        ev = uow.append(PersonErased(person_id=person, records=len(rows),
                                     commitments=commitments), actor=signer)
        log_id = str(uuid.uuid4())
        conn.execute(insert(erasure_log).values(
            id=log_id, person_id=person, records=len(rows), reason="",
            sealed_reason=seal_erasure_reason(app.cipher, log_id, reason),
            actor=signer, erased_at=now, event_seq=ev.seq))
        uow.commit()
    _forget_features(app, record_ids)
    flushed = flush_write_ahead_log(app.engine)
    return ErasureResult(person_id=person, records=len(rows), commitments=commitments,
                         event_seq=ev.seq, quarantined=quarantined.rows,
                         interviews=len(talks), log_flushed=flushed)


def forget_old_page_versions(app: App) -> bool:
    """After an erasure committed inside a longer transaction (a server's idempotent
    request settles its answer after the service returns, so the flush in
    :func:`erase_person` could not finish), empty SQLite's write-ahead log so the page
    versions from before the erasure are gone. False when readers keep it from completing
    (the next checkpoint finishes it)."""
    return flush_write_ahead_log(app.engine)


def erasure_reasons(app: App, person_id: str | None = None) -> list[dict[str, Any]]:
    """The private erasure log, opened: who erased whom, when, and why."""
    query = select(erasure_log).order_by(erasure_log.c.erased_at, erasure_log.c.id)
    if person_id is not None:
        query = query.where(erasure_log.c.person_id == person_id)
    with app.read() as conn:
        rows = conn.execute(query).all()
    return [{"person_id": r.person_id, "records": r.records, "actor": r.actor,
             "erased_at": r.erased_at, "event_seq": r.event_seq,
             "reason": open_erasure_reason(app.cipher, r)} for r in rows]


def _records() -> Select[Any]:
    """Source records not yet erased."""
    return (select(source_records.c.id, source_records.c.list_id, source_records.c.sealed,
                   source_records.c.commitment, source_records.c.record_id,
                   source_records.c.row_number)
            .where(source_records.c.erased_at.is_(None))
            .order_by(source_records.c.commitment))


def _current(conn: Connection, person_id: str) -> str:
    """The person ``person_id`` is now (merges are recorded flat: one hop at most)."""
    if conn.execute(select(persons.c.id).where(persons.c.id == person_id)).first() is None:
        raise NotFound(f"person {person_id} is not known")
    into = conn.execute(select(person_redirects.c.merged_into)
                        .where(person_redirects.c.person_id == person_id)).scalar()
    return str(into) if into is not None else person_id


def _merged_with(conn: Connection, person: str) -> list[str]:
    """``person`` and every id merged into it: exchange rows may still name those."""
    absorbed = conn.execute(select(person_redirects.c.person_id)
                            .where(person_redirects.c.merged_into == person)).scalars()
    return sorted({person, *absorbed})


def _erase_exchange(conn: Connection, ids: list[str]) -> list[str]:
    """Salts of remains cases identified as the person, and confidential reasons for
    leaving the person out of a stage; returns the cases' commitments."""
    cases = conn.execute(select(remains_cases.c.id, remains_cases.c.commitment)
                         .where(remains_cases.c.person_id.in_(ids),
                                remains_cases.c.salt.is_not(None))).all()
    if cases:
        conn.execute(update(remains_cases)
                     .where(remains_cases.c.id.in_([c.id for c in cases]))
                     .values(salt=None))
    conn.execute(update(plan_exclusions).where(plan_exclusions.c.person_id.in_(ids))
                 .values(sealed=None))
    return [c.commitment for c in cases]


def _erase_interviews(app: App, conn: Connection, ids: list[str]) -> list[str]:
    """Crypto-shred the person's interviews: the outcome is replaced by an empty sealed
    record and the salt by nothing, so the commitment in the chain (over a handful of
    possible outcomes) can no longer be opened or guessed. Returns their commitments."""
    talks = conn.execute(select(interviews.c.id, interviews.c.commitment)
                         .join(nominations, nominations.c.id == interviews.c.nomination_id)
                         .where(nominations.c.person_id.in_(ids),
                                interviews.c.salt != b"")).all()
    for talk in talks:
        conn.execute(update(interviews).where(interviews.c.id == talk.id).values(
            sealed=app.cipher.seal({}, row_id=talk.id), salt=b""))
    return [t.commitment for t in talks]


def _forget_features(app: App, record_ids: set[str]) -> None:
    """Drop the erased records from the identity registry's in-memory feature cache.

    Only a process that has resolved identities holds one; importing the registry here
    would load the linkage model into every process that erases.
    """
    identity = sys.modules.get("parley.services.registry.identity")
    if identity is not None:
        identity.forget_records(app, record_ids)
