"""Families' inquiries: filed through the service, followed with a tracking code.

An inquiry is recorded like any list: a one-record list of kind ``inquiry`` with the
record sealed and committed, signed by the intermediary's intake actor. The family is
given a tracking code (about 98 random bits); only its keyed hash is kept. Identity
resolution links the inquiry's record to a person like any other record, and from then
on the family sees that one person's status.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from parley.bootstrap import App
from parley.domain.records import RecordInput
from parley.errors import InputError, NotFound
from parley.ingest.values import ValueProblem, parse_iso_date
from parley.ledger.canonical import canonical_json
from parley.services.intake.lists import ListMeta, add_list
from parley.services.people.access import AccessLog, Principal, inquiry_person
from parley.services.people.users import new_tracking_code, tracking_hash
from parley.store import timestamp
from parley.store.tables import actors, inquiries, parties, source_lists, source_records

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
            .where(parties.c.kind == "intermediary").order_by(actors.c.event_seq)).scalar()
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
            source="family-inquiry", kind="inquiry", file_name=f"inquiry-{inquiry_id}.form",
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
        person = inquiry_person(conn, inquiry_id)
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
                        "person_id": inquiry_person(conn, r.id)})
    return out
