"""Families' inquiries: filed through the service, followed with a tracking code.

An inquiry is recorded like any list: a one-record list of kind ``inquiry`` with the
record sealed and committed, signed by the intermediary's intake actor. The family is
given a tracking code (about 98 random bits); only its keyed hash is kept.

What an anonymous caller learns is the receipt, the same for every well-formed inquiry:
the inquiry is not matched in the request (:func:`match_queued` resolves queued
inquiries afterwards, through the incremental index), and its tracking code shows no
match and no status until an officer has verified the inquirer
(:func:`verify_inquirer`: the intermediary, or a party's tracing office for persons on
its own origin lists). Only then does :func:`family_answer` release the status, its date
and plain-language next steps; never a list label, unit, service number, rank or place.
A revoked inquiry's code opens nothing, exactly like a code never issued.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update

from parley.bootstrap import App
from parley.domain.events import InquirerVerified, InquiryRevoked
from parley.domain.person_status import Step, current_status
from parley.domain.records import RecordInput
from parley.domain.vocabulary import ListKind, PartyKind, PersonStatus
from parley.errors import Conflict, InputError, NotFound
from parley.ingest.values import ValueProblem, parse_iso_date
from parley.ledger.canonical import canonical_json
from parley.services.intake.lists import ListMeta, add_list
from parley.services.people.access import AccessLog, Principal, inquiry_person
from parley.services.people.users import new_tracking_code, tracking_hash
from parley.store import timestamp
from parley.store.tables import (
    actors,
    events,
    inquiries,
    parties,
    record_links,
    source_lists,
    source_records,
    web_sessions,
)

log = logging.getLogger(__name__)

BLANKS = " \t\r\n\f\v"
INQUIRY_FIELDS = ("surname", "given_name", "patronymic", "full_name", "birth_date",
                  "birth_place", "sex", "service_number", "rank", "unit", "citizenship",
                  "notes")


@dataclass(frozen=True)
class FiledInquiry:
    """What the family is told once: the tracking code and the inquiry's id."""

    inquiry_id: str
    tracking_code: str
    list_id: str
    received_at: str
    record_id: str = ""


def intake_actor(app: App) -> str:
    """The intermediary's actor that signs inquiries received through the service."""
    with app.read() as conn:
        actor = conn.execute(
            select(actors.c.id).join(parties, parties.c.code == actors.c.party_code)
            .where(parties.c.kind == PartyKind.INTERMEDIARY).order_by(actors.c.event_seq)).scalar()
    if actor is None:
        raise NotFound("no intermediary is registered yet; inquiries cannot be received")
    return str(actor)


def file_inquiry(app: App, *, fields: dict[str, str], language: str = "en",
                 match: bool = True) -> FiledInquiry:
    """Record a family's inquiry about a relative; returns the tracking code (once).

    With ``match`` the inquiry is then matched against the registry (its own
    transaction); the HTTP layer passes False and calls :func:`match_inquiry` after the
    idempotent write, so the write and its answer stay one transaction.
    """
    # ASCII blanks only: what a form or client may pad a value with, nothing more.
    clean = {k: v.strip(BLANKS) for k, v in fields.items()
             if k in INQUIRY_FIELDS and v and v.strip(BLANKS)}
    unknown = sorted(set(fields) - set(INQUIRY_FIELDS))
    if unknown:
        raise InputError(f"inquiry field {unknown[0]!r} is not known")
    if not (clean.get("surname") or clean.get("full_name")):
        raise InputError("surname: the relative's surname (or full name) is required")
    if not (clean.get("given_name") or clean.get("full_name")):
        raise InputError("given_name: the relative's given name (or full name) is required")
    clean = _normalise_dates(clean)
    actor = intake_actor(app)
    inquiry_id = str(uuid.uuid4())
    code = new_tracking_code()
    record_fields = {"record_id": f"inquiry-{inquiry_id[:8]}", **clean}
    digest = hashlib.sha256(canonical_json({"inquiry": inquiry_id, **record_fields})).hexdigest()
    with app.uow() as uow:
        recorded = add_list(uow, app, meta=ListMeta(
            source="family-inquiry", kind=ListKind.INQUIRY, file_name=f"inquiry-{inquiry_id}.form",
            file_sha256=digest, party=None, rows=1,
        ), records=[RecordInput(row_number=1, fields=record_fields)], actor=actor)
        now = timestamp(uow.now())
        uow.conn.execute(insert(inquiries).values(
            id=inquiry_id, tracking_hash=tracking_hash(app, code), list_id=recorded.list_id,
            record_id=recorded.record_ids[0], language=language[:8], created_at=now))
        uow.commit()
    if match:
        match_inquiry(app, recorded.list_id)
    return FiledInquiry(inquiry_id=inquiry_id, tracking_code=code, list_id=recorded.list_id,
                        received_at=now, record_id=recorded.record_ids[0])


def target_key(fields: Mapping[str, str]) -> str:
    """Whom an inquiry asks about, for the per-person limit: the names and birth date as
    typed, case-folded and hashed (the limiter keeps no name)."""
    parts = [" ".join(str(fields.get(k, "")).casefold().split())
             for k in ("surname", "given_name", "full_name", "birth_date")]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _normalise_dates(fields: dict[str, str]) -> dict[str, str]:
    """A birth date as lists carry it (ISO, at its precision). A family may know it only
    roughly: a date that does not parse is kept, as given, in the notes, not refused."""
    given = fields.get("birth_date")
    if not given:
        return fields
    out = dict(fields)
    try:
        out["birth_date"] = parse_iso_date(given).iso
    except ValueProblem:
        del out["birth_date"]
        note = f"birth date as given: {given}"
        out["notes"] = f"{out['notes']}; {note}" if out.get("notes") else note
    return out


def match_inquiry(app: App, list_id: str) -> None:
    """Match an inquiry's list against the registry like any list (identity resolution).

    A failure leaves the inquiry recorded and unmatched; the registry's next resolution
    run picks it up.
    """
    from parley.services.registry.identity import (
        resolve_list,  # the linkage model loads on first use
    )

    try:
        resolve_list(app, list_id=list_id, actor=intake_actor(app))
    except Exception:
        log.exception("matching inquiry list %s failed; it stays unmatched", list_id)


@dataclass(frozen=True)
class InquiryView:
    """What a family sees about its own inquiry."""

    inquiry_id: str
    received_at: str
    person_id: str | None
    fields: dict[str, Any]


def view_inquiry(app: App, viewer: Principal, *, inquiry_id: str, log: AccessLog,
                 route: str) -> InquiryView:
    """The inquiry as filed and the person it was matched to (the family's own only)."""
    if not (viewer.is_intermediary or viewer.inquiry_id == inquiry_id):
        raise NotFound(f"inquiry {inquiry_id} does not exist")
    with app.read() as conn:
        row = conn.execute(
            select(inquiries, source_records.c.sealed, source_records.c.id.label("rid"))
            .join(source_records, source_records.c.id == inquiries.c.record_id)
            .where(inquiries.c.id == inquiry_id)).first()
        if row is None:
            raise NotFound(f"inquiry {inquiry_id} does not exist")
        person = inquiry_person(conn, inquiry_id, released=not viewer.is_intermediary)
    log.record(viewer, kind="inquiry", ids=[inquiry_id], route=route)
    fields = app.cipher.open(row.sealed, row_id=row.rid) if row.sealed is not None else {}
    fields.pop("record_id", None)
    return InquiryView(inquiry_id=inquiry_id, received_at=row.created_at, person_id=person,
                       fields=fields)


def list_inquiries(app: App, viewer: Principal, *, limit: int = 100) -> list[dict[str, Any]]:
    """Inquiries received, newest first (the intermediary's view; no personal data)."""
    if not viewer.is_intermediary:
        raise NotFound("inquiries do not exist")
    with app.read() as conn:
        rows = conn.execute(
            select(inquiries.c.id, inquiries.c.created_at, inquiries.c.list_id,
                   source_lists.c.accepted)
            .join(source_lists, source_lists.c.id == inquiries.c.list_id)
            .order_by(inquiries.c.created_at.desc()).limit(limit)).all()
        out = []
        for r in rows:
            out.append({"inquiry_id": r.id, "received_at": r.created_at, "list_id": r.list_id,
                        "person_id": inquiry_person(conn, r.id, released=False)})
    return out


# --- the queue: matched after the request, never in it -----------------------------------


def queued_inquiry_lists(app: App) -> list[str]:
    """Inquiry lists whose record is not linked to a person yet, oldest first."""
    with app.read() as conn:
        return [str(x) for x in conn.execute(
            select(inquiries.c.list_id)
            .where(inquiries.c.revoked_at.is_(None),
                   inquiries.c.record_id.not_in(select(record_links.c.record_id)))
            .order_by(inquiries.c.created_at)).scalars()]


def match_queued(app: App, *, limit: int | None = None) -> int:
    """Match queued inquiries against the registry (identity resolution, incremental);
    returns how many were tried. Runs off the request path (the server's matcher thread,
    ``parley resolve``, tests); an anonymous request never waits for it."""
    pending = queued_inquiry_lists(app)[:limit]
    for list_id in pending:
        match_inquiry(app, list_id)
    return len(pending)


# --- verification of the inquirer, revocation ------------------------------------------------

CHECKED = ("identity", "relationship")


@dataclass(frozen=True)
class Verification:
    inquiry_id: str
    verified_by: str
    verified_at: str
    event_seq: int


def verify_inquirer(app: App, viewer: Principal, *, inquiry_id: str, actor: str
                    ) -> Verification:
    """Record that an officer checked the inquirer's identity and relationship.

    The intermediary may verify any inquiry; a party's tracing office only an inquiry
    matched to a person on one of its own origin lists (its own people). Anyone else, or
    an inquiry the caller may not act on, gets NotFound like an inquiry that does not
    exist. The event names the inquiry and what was checked, nothing personal."""
    missing = NotFound(f"inquiry {inquiry_id} does not exist")
    if viewer.role not in ("intermediary", "party"):
        raise missing
    with app.uow() as uow:
        row = uow.conn.execute(select(inquiries).where(inquiries.c.id == inquiry_id)).first()
        if row is None or row.revoked_at is not None:
            raise missing
        if not viewer.is_intermediary and not _own_person(uow.conn, viewer.party,
                                                          row.record_id):
            raise missing
        if row.verified_seq is not None:
            raise Conflict(f"inquiry {inquiry_id}: the inquirer is already verified")
        stored = uow.append(InquirerVerified(inquiry_id=inquiry_id, checked=list(CHECKED)),
                            actor=actor)
        now = timestamp(uow.now())
        uow.conn.execute(update(inquiries).where(inquiries.c.id == inquiry_id).values(
            verified_seq=stored.seq, verified_by=actor, verified_at=now))
        uow.commit()
    return Verification(inquiry_id=inquiry_id, verified_by=actor, verified_at=now,
                        event_seq=stored.seq)


def _own_person(conn: Any, party: str | None, record_id: str) -> bool:
    """Whether the inquiry's record is linked to a person on ``party``'s origin lists."""
    if party is None:
        return False
    person = conn.execute(select(record_links.c.person_id)
                          .where(record_links.c.record_id == record_id)).scalar()
    if person is None:
        return False
    return conn.execute(
        select(record_links.c.person_id)
        .join(source_records, source_records.c.id == record_links.c.record_id)
        .join(source_lists, source_lists.c.id == source_records.c.list_id)
        .where(record_links.c.person_id == person, source_lists.c.party_code == party,
               source_lists.c.kind == "origin_list").limit(1)).first() is not None


def revoke_inquiry(app: App, viewer: Principal, *, inquiry_id: str, actor: str) -> None:
    """The intermediary revokes an inquiry: its code and its families' sessions open
    nothing from now on (the same answer as a code never issued)."""
    if not viewer.is_intermediary:
        raise NotFound(f"inquiry {inquiry_id} does not exist")
    with app.uow() as uow:
        row = uow.conn.execute(select(inquiries.c.revoked_at)
                               .where(inquiries.c.id == inquiry_id)).first()
        if row is None or row.revoked_at is not None:
            raise NotFound(f"inquiry {inquiry_id} does not exist")
        uow.append(InquiryRevoked(inquiry_id=inquiry_id), actor=actor)
        now = timestamp(uow.now())
        uow.conn.execute(update(inquiries).where(inquiries.c.id == inquiry_id)
                         .values(revoked_at=now))
        uow.conn.execute(update(web_sessions).where(web_sessions.c.inquiry_id == inquiry_id,
                                                    web_sessions.c.revoked_at.is_(None))
                         .values(revoked_at=now))
        uow.commit()


# --- what the family is told -------------------------------------------------------------

NEXT_STEPS = {
    "unverified": "We have received your inquiry. To protect the people we trace, we tell "
                  "nothing about anyone until a tracing officer has checked who you are and "
                  "your relationship to the person. Contact the tracing office with your "
                  "tracking code and an identity document.",
    "unmatched": "We have not yet found this person in the lists we hold. We keep looking "
                 "as new lists arrive; you need do nothing more.",
    "held": "The person is recorded as held. The intermediary visits places of detention "
            "and will tell you of any change.",
    "missing": "The person is being searched for. Tell the tracing office anything new "
               "you learn.",
    "nominated": "The person is proposed for an exchange. Nothing is certain until the "
                 "handover; we will tell you when it happens.",
    "verified": "The person's identity has been confirmed for an exchange. We will tell "
                "you when the handover happens.",
    "handed_over": "The person was handed over. You may download the proof of the "
                   "handover; the authorities of the receiving side will contact you.",
    "repatriated": "The person has returned home.",
    "deceased": "We are very sorry. Please contact the tracing office, which will explain "
                "what is known and help with what comes next.",
}


@dataclass(frozen=True)
class FamilyAnswer:
    """All a family is told: the same fields for every inquiry, matched or not."""

    inquiry_id: str
    received_at: str
    verified: bool
    status: str | None
    status_date: str | None
    next_steps: str
    # For the per-person rate limit only; never shown to the family.
    person_id: str | None = None


def family_answer(app: App, inquiry_id: str) -> FamilyAnswer:
    """What the inquiry's family is told (see the module doc)."""
    from parley.services.registry.persons import person_status

    with app.read() as conn:
        row = conn.execute(select(inquiries.c.created_at, inquiries.c.verified_seq,
                                  inquiries.c.revoked_at)
                           .where(inquiries.c.id == inquiry_id)).first()
        if row is None or row.revoked_at is not None:
            raise NotFound(f"inquiry {inquiry_id} does not exist")
        person = inquiry_person(conn, inquiry_id)
    verified = row.verified_seq is not None
    if not verified:
        return FamilyAnswer(inquiry_id, row.created_at, False, None, None,
                            NEXT_STEPS["unverified"])
    if person is None:
        return FamilyAnswer(inquiry_id, row.created_at, True, None, None,
                            NEXT_STEPS["unmatched"])
    found = person_status(app, person)
    # A refusal of repatriation is the person's to tell: the family sees the step before.
    current = current_status([s for s in found.history
                              if s.status != PersonStatus.DECLINED_REPATRIATION]
                             or [Step(PersonStatus.MISSING, None, "")])
    status, seq = current.status, current.event_seq
    when = None
    if seq is not None:
        with app.read() as conn:
            at = conn.execute(select(events.c.recorded_at).where(events.c.seq == seq)).scalar()
        when = str(at)[:10] if at else None
    return FamilyAnswer(inquiry_id, row.created_at, True, status, when,
                        NEXT_STEPS.get(status, NEXT_STEPS["missing"]), person_id=person)
