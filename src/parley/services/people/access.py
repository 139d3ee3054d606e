"""Who may see what, and the access log of every read of personal data.

The HTTP layer turns a token, a session or a tracking code into a :class:`Principal`
and hands it to the read functions here; each checks the object against the principal
and raises :class:`NotFound` for an object the principal may not see, exactly as for
one that does not exist. Each read of personal data is logged (who, what, when) before
the data is returned: :class:`AccessLog` batches entries from concurrent requests into
one transaction (group commit) and each request waits until its entry is durable.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select, union
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.errors import NotFound
from parley.ledger.chain import StoredEvent
from parley.runtime import group_commit, idempotency
from parley.runtime.group_commit import GroupCommit
from parley.services.ledger import iter_events
from parley.store import timestamp
from parley.store.sealed_text import ListSources, open_list_meta
from parley.store.tables import (
    access_log,
    actors,
    agreements,
    chain_head,
    inquiries,
    nominations,
    parties,
    person_redirects,
    persons,
    record_links,
    source_lists,
    source_records,
    stage_persons,
    stages,
    verifications,
)


@dataclass(frozen=True)
class Principal:
    """The caller of one request, as authentication established it."""

    role: str
    name: str
    user_id: str | None = None
    party: str | None = None
    actor: str | None = None
    inquiry_id: str | None = None

    @property
    def is_intermediary(self) -> bool:
        return self.role == "intermediary"

    @property
    def idempotency_owner(self) -> str:
        return self.user_id or (f"inquiry:{self.inquiry_id}" if self.inquiry_id else "anonymous")


PUBLIC = Principal(role="public", name="public")


def family(inquiry_id: str) -> Principal:
    return Principal(role="family", name=f"family:{inquiry_id[:8]}", inquiry_id=inquiry_id)


# --- the access log -------------------------------------------------------------------


class AccessLog:
    """Writes access-log entries durably, many requests per transaction.

    Entries go through the server process's group commit: they share its transactions
    (and their fsync) with the writes waiting at the same moment. A request never
    returns personal data before its entry is committed.
    """

    def __init__(self, app: App, group_commit: GroupCommit) -> None:
        self._app = app
        self._group_commit = group_commit

    def record(self, principal: Principal, *, kind: str, ids: Iterable[str], route: str,
               detail: str = "") -> None:
        """Log a read of ``kind`` objects ``ids`` by ``principal``; returns once durable."""
        now = timestamp(self._app.clock())
        rows = [{"id": str(uuid.uuid4()), "at": now, "principal": principal.name[:100],
                 "role": principal.role, "object_kind": kind, "object_id": str(i)[:64],
                 "route": route[:200], "detail": detail[:200]} for i in ids]
        if not rows:
            return
        # Inside a write (an idempotent one, or one of a batch) the entry joins that
        # write's transaction: waiting for the writer thread there would wait on itself.
        open_write = idempotency.current_connection()
        if open_write is not None:
            open_write.execute(insert(access_log), rows)
            return
        self._group_commit.run(lambda: _insert_entries(rows))


def _insert_entries(rows: list[dict[str, Any]]) -> None:
    """Inside a group commit's batch: the entries join its transaction."""
    conn = group_commit.current_connection()
    if conn is None:
        raise RuntimeError("access-log entries written outside a group commit")
    conn.execute(insert(access_log), rows)


@dataclass(frozen=True)
class AccessEntry:
    at: str
    principal: str
    role: str
    object_kind: str
    object_id: str
    route: str
    detail: str


def read_access_log(app: App, viewer: Principal, *, object_id: str | None = None,
                    limit: int = 100, before: str | None = None) -> list[AccessEntry]:
    """The newest entries first (the intermediary's review of who read what)."""
    require_intermediary(viewer)
    stmt = select(access_log).order_by(access_log.c.at.desc(), access_log.c.id).limit(limit)
    if object_id is not None:
        stmt = stmt.where(access_log.c.object_id == object_id)
    if before is not None:
        stmt = stmt.where(access_log.c.at < before)
    with app.read() as conn:
        rows = conn.execute(stmt).all()
    return [AccessEntry(at=r.at, principal=r.principal, role=r.role,
                        object_kind=r.object_kind, object_id=r.object_id, route=r.route,
                        detail=r.detail) for r in rows]


# --- policies -------------------------------------------------------------------------


def require_intermediary(viewer: Principal, what: str = "this") -> None:
    if not viewer.is_intermediary:
        raise NotFound(f"{what}: not found")


def require_role(viewer: Principal, *roles: str, what: str = "this") -> None:
    if viewer.role not in roles:
        raise NotFound(f"{what}: not found")


def may_see_list(viewer: Principal, list_party: str | None) -> bool:
    """A party sees its own lists; the intermediary sees all; nobody else sees any."""
    if viewer.is_intermediary:
        return True
    return viewer.role == "party" and list_party is not None and list_party == viewer.party


# Built once: every read of a person by a party runs them.
_ON_PARTY_LISTS = (
    select(record_links.c.person_id).distinct()
    .join(source_records, source_records.c.id == record_links.c.record_id)
    .join(source_lists, source_lists.c.id == source_records.c.list_id)
    .where(record_links.c.person_id.in_(bindparam("persons", expanding=True)),
           source_lists.c.party_code == bindparam("party")))
_PARTY_AGREEMENTS = select(agreements.c.id).where(
    or_(agreements.c.party_a == bindparam("party"), agreements.c.party_b == bindparam("party")))
_ON_STAGES = (
    select(stage_persons.c.person_id).distinct()
    .join(stages, stages.c.id == stage_persons.c.stage_id)
    .where(stages.c.agreement_id.in_(bindparam("agreements", expanding=True)),
           stage_persons.c.person_id.in_(bindparam("persons", expanding=True))))
_NOMINATED = (
    select(nominations.c.person_id).distinct()
    .where(nominations.c.agreement_id.in_(bindparam("agreements", expanding=True)),
           nominations.c.person_id.in_(bindparam("persons", expanding=True)),
           or_(nominations.c.sending == bindparam("party"),
               nominations.c.receiving == bindparam("party"))))
_STAGE_PARTIES = (
    select(stages.c.agreement_id, agreements.c.party_a, agreements.c.party_b)
    .join(agreements, agreements.c.id == stages.c.agreement_id)
    .where(stages.c.id == bindparam("stage")))


def visible_person_ids(conn: Connection, viewer: Principal,
                       person_ids: Sequence[str]) -> set[str]:
    """Which of ``person_ids`` the viewer may see (the base rule; stages add to it)."""
    if not person_ids:
        return set()
    if viewer.is_intermediary:
        return set(person_ids)
    if viewer.role == "party":
        rows = conn.execute(_ON_PARTY_LISTS, {"party": viewer.party,
                                              "persons": list(person_ids)}).scalars()
        return {str(p) for p in rows} | _stage_person_ids(conn, viewer.party, person_ids)
    if viewer.role == "family" and viewer.inquiry_id:
        person = inquiry_person(conn, viewer.inquiry_id)
        return {person} & set(person_ids) if person else set()
    return set()


def inquiry_person(conn: Connection, inquiry_id: str, *, released: bool = True
                   ) -> str | None:
    """The person an inquiry's record is linked to (None until it is resolved). With
    ``released`` (what a family may reach) also None until an officer has verified the
    inquirer, and once the inquiry is revoked."""
    stmt = (select(record_links.c.person_id)
            .join(inquiries, inquiries.c.record_id == record_links.c.record_id)
            .where(inquiries.c.id == inquiry_id))
    if released:
        stmt = stmt.where(inquiries.c.verified_seq.is_not(None),
                          inquiries.c.revoked_at.is_(None))
    found = conn.execute(stmt).scalar()
    return str(found) if found is not None else None


def list_persons(app: App, viewer: Principal, *, limit: int = 100,
                 offset: int = 0) -> tuple[int, list[str]]:
    """The ids of the persons the viewer may see (the rule of :func:`visible_person_ids`,
    as one query), in a stable order, with the total count. Ids only: no personal data."""
    require_role(viewer, "intermediary", "party", "family", what="persons")
    with app.read() as conn:
        if viewer.role == "family":
            person = inquiry_person(conn, viewer.inquiry_id) if viewer.inquiry_id else None
            ids = [person] if person else []
            return len(ids), ids[offset:offset + limit]
        if viewer.is_intermediary:
            chosen: Any = (select(persons.c.id.label("person_id"))
                           .where(persons.c.id.not_in(select(person_redirects.c.person_id))))
        else:
            mine = select(agreements.c.id).where(or_(agreements.c.party_a == viewer.party,
                                                     agreements.c.party_b == viewer.party))
            chosen = union(
                select(record_links.c.person_id)
                .join(source_records, source_records.c.id == record_links.c.record_id)
                .join(source_lists, source_lists.c.id == source_records.c.list_id)
                .where(source_lists.c.party_code == viewer.party),
                select(stage_persons.c.person_id)
                .join(stages, stages.c.id == stage_persons.c.stage_id)
                .where(stages.c.agreement_id.in_(mine)),
                select(nominations.c.person_id)
                .where(nominations.c.agreement_id.in_(mine),
                       or_(nominations.c.sending == viewer.party,
                           nominations.c.receiving == viewer.party)))
        found = chosen.subquery()
        total = conn.execute(select(func.count()).select_from(found)).scalar_one()
        rows = conn.execute(select(found.c.person_id).order_by(found.c.person_id)
                            .limit(limit).offset(offset)).scalars().all()
    return int(total), [str(r) for r in rows]


# --- reads that every role may make, filtered ----------------------------------------


@dataclass(frozen=True)
class PartyView:
    code: str
    title: str
    kind: str


@dataclass(frozen=True)
class ActorView:
    id: str
    party: str
    title: str
    role: str
    public_key: str


def list_parties(app: App, viewer: Principal) -> list[PartyView]:
    """Parties and the intermediary are public knowledge (they sign the published record)."""
    with app.read() as conn:
        rows = conn.execute(select(parties).order_by(parties.c.code)).all()
    return [PartyView(code=r.code, title=r.title, kind=r.kind) for r in rows]


def get_party(app: App, viewer: Principal, code: str) -> PartyView:
    with app.read() as conn:
        r = conn.execute(select(parties).where(parties.c.code == code)).first()
    if r is None:
        raise NotFound(f"party {code} does not exist")
    return PartyView(code=r.code, title=r.title, kind=r.kind)


def list_actors(app: App, viewer: Principal, *, party: str | None = None) -> list[ActorView]:
    """Actors and their public keys: public, since anyone verifying the chain needs them."""
    stmt = select(actors).order_by(actors.c.id)
    if party is not None:
        stmt = stmt.where(actors.c.party_code == party)
    with app.read() as conn:
        rows = conn.execute(stmt).all()
    return [ActorView(id=r.id, party=r.party_code, title=r.title, role=r.role,
                      public_key=r.public_key) for r in rows]


@dataclass(frozen=True)
class ListView:
    id: str
    source: str
    kind: str
    party: str | None
    file_name: str
    file_sha256: str
    sheet: str
    rows: int
    accepted: int
    quarantined: int
    imported_by: str
    imported_at: str


def _list_view(app: App, r: Any) -> ListView:
    source, file_name = open_list_meta(app.cipher, r.id, r.sealed_meta, source=r.source,
                                       file_name=r.file_name)
    return ListView(id=r.id, source=source, kind=r.kind, party=r.party_code,
                    file_name=file_name, file_sha256=r.file_sha256, sheet=r.sheet,
                    rows=r.rows, accepted=r.accepted, quarantined=r.quarantined,
                    imported_by=r.imported_by, imported_at=r.imported_at)


def list_lists(app: App, viewer: Principal, *, limit: int = 100,
               offset: int = 0) -> tuple[int, list[ListView]]:
    """The lists the viewer may see, newest first, with the total count."""
    require_role(viewer, "intermediary", "party", what="lists")
    cond = [] if viewer.is_intermediary else [source_lists.c.party_code == viewer.party]
    # Families' inquiries are one-record lists; they are the intermediary's to see.
    with app.read() as conn:
        total = conn.execute(select(func.count()).select_from(source_lists).where(*cond)
                             ).scalar_one()
        rows = conn.execute(select(source_lists).where(*cond)
                            .order_by(source_lists.c.imported_at.desc(), source_lists.c.id)
                            .limit(limit).offset(offset)).all()
    return int(total), [_list_view(app, r) for r in rows]


def get_list(app: App, viewer: Principal, list_id: str) -> ListView:
    with app.read() as conn:
        r = conn.execute(select(source_lists).where(source_lists.c.id == list_id)).first()
    if r is None or not may_see_list(viewer, r.party_code):
        raise NotFound(f"list {list_id} does not exist")
    return _list_view(app, r)


@dataclass(frozen=True)
class RecordView:
    id: str
    row_number: int
    record_id: str
    person_id: str | None
    commitment: str
    fields: dict[str, Any] | None
    erased: bool


def list_records(app: App, viewer: Principal, list_id: str, *, log: AccessLog, route: str,
                 limit: int = 100, offset: int = 0) -> tuple[int, list[RecordView]]:
    """A list's records with their personal data (opened), logged as read."""
    get_list(app, viewer, list_id)
    with app.read() as conn:
        total = conn.execute(select(func.count()).select_from(source_records)
                             .where(source_records.c.list_id == list_id)).scalar_one()
        rows = conn.execute(
            select(source_records, record_links.c.person_id)
            .outerjoin(record_links, record_links.c.record_id == source_records.c.id)
            .where(source_records.c.list_id == list_id)
            .order_by(source_records.c.row_number).limit(limit).offset(offset)).all()
    log.record(viewer, kind="record", ids=[r.id for r in rows], route=route,
               detail=f"list {list_id}")
    return int(total), [_record_view(app, r) for r in rows]


def _record_view(app: App, r: Any) -> RecordView:
    fields = app.cipher.open(r.sealed, row_id=r.id) if r.sealed is not None else None
    return RecordView(id=r.id, row_number=r.row_number, record_id=r.record_id,
                      person_id=r.person_id, commitment=r.commitment, fields=fields,
                      erased=r.erased_at is not None)


def person_records(app: App, viewer: Principal, person_id: str, *, log: AccessLog,
                   route: str) -> list[tuple[ListView, RecordView]]:
    """The source records linked to a person that the viewer may see, logged as read.

    A party sees the records of its own lists only; a family sees the record of its own
    inquiry; the intermediary sees all.
    """
    with app.read() as conn:
        if person_id not in visible_person_ids(conn, viewer, [person_id]):
            raise NotFound(f"person {person_id} does not exist")
        stmt = (select(source_records, record_links.c.person_id, source_lists)
                .join(record_links, record_links.c.record_id == source_records.c.id)
                .join(source_lists, source_lists.c.id == source_records.c.list_id)
                .where(record_links.c.person_id == person_id)
                .order_by(source_lists.c.imported_at, source_records.c.row_number))
        if viewer.role == "party":
            stmt = stmt.where(source_lists.c.party_code == viewer.party)
        elif viewer.role == "family":
            stmt = stmt.join(inquiries, inquiries.c.record_id == source_records.c.id).where(
                inquiries.c.id == viewer.inquiry_id)
        rows = conn.execute(stmt).all()
    log.record(viewer, kind="person", ids=[person_id], route=route,
               detail=f"{len(rows)} source records")
    out = []
    metas = ListSources(app.cipher)
    for r in rows:
        source, file_name = metas.meta(r.list_id, r.sealed_meta, source=r.source,
                                       file_name=r.file_name)
        lv = ListView(id=r.list_id, source=source, kind=r.kind, party=r.party_code,
                      file_name=file_name, file_sha256=r.file_sha256, sheet=r.sheet,
                      rows=r.rows, accepted=r.accepted, quarantined=r.quarantined,
                      imported_by=r.imported_by, imported_at=r.imported_at)
        out.append((lv, _record_view(app, r)))
    return out


# --- the ledger -----------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerHead:
    events: int
    head: str


def ledger_head(app: App, viewer: Principal) -> LedgerHead:
    """The chain's length and head hash (parties and the intermediary)."""
    require_role(viewer, "intermediary", "party", what="the ledger")
    with app.read() as conn:
        row = conn.execute(select(chain_head.c.seq, chain_head.c.hash)).one()
    return LedgerHead(events=int(row.seq), head=str(row.hash))


def ledger_events(app: App, viewer: Principal, *, after: int = 0,
                  limit: int = 100) -> list[StoredEvent]:
    """Events in order after ``after``. The intermediary's only: until publication some
    payloads (stage totals held back, interview outcomes) are not the parties' to see."""
    require_intermediary(viewer, "the event log")
    out: list[StoredEvent] = []
    with app.read() as conn:
        for ev in iter_events(conn, after=after):
            out.append(ev)
            if len(out) >= limit:
                break
    return out


# --- the exchange: agreements, stages and the persons in them -------------------------


def party_agreement_ids(conn: Connection, party: str | None) -> set[str]:
    """Agreements a party is one of the two parties to."""
    if party is None:
        return set()
    return {str(r) for r in conn.execute(_PARTY_AGREEMENTS, {"party": party}).scalars()}


def check_agreement(app: App, viewer: Principal, agreement_id: str) -> None:
    """NotFound unless the viewer is the intermediary or a party to the agreement."""
    with app.read() as conn:
        row = conn.execute(select(agreements.c.id, agreements.c.party_a, agreements.c.party_b)
                           .where(or_(agreements.c.id == agreement_id,
                                      agreements.c.reference == agreement_id))).first()
    if row is None or not (viewer.is_intermediary or (
            viewer.role == "party" and viewer.party in (row.party_a, row.party_b))):
        raise NotFound(f"agreement {agreement_id} does not exist")


def visible_agreement_ids(app: App, viewer: Principal) -> set[str] | None:
    """None for the intermediary (all); otherwise the ids the viewer may see."""
    if viewer.is_intermediary:
        return None
    if viewer.role != "party":
        return set()
    with app.read() as conn:
        return party_agreement_ids(conn, viewer.party)


def check_stage(app: App, viewer: Principal, stage_id: str) -> str:
    """The stage's agreement id; NotFound unless the viewer takes part in it."""
    with app.read() as conn:
        row = conn.execute(_STAGE_PARTIES, {"stage": stage_id}).first()
    if row is None or not (viewer.is_intermediary or (
            viewer.role == "party" and viewer.party in (row.party_a, row.party_b))):
        raise NotFound(f"stage {stage_id} does not exist")
    return str(row.agreement_id)


def _stage_person_ids(conn: Connection, party: str | None, person_ids: Sequence[str]
                      ) -> set[str]:
    """Persons on the stage lists or nominations of the party's agreements."""
    mine = party_agreement_ids(conn, party)
    if not mine:
        return set()
    keys = {"agreements": sorted(mine), "persons": list(person_ids), "party": party}
    listed = conn.execute(_ON_STAGES, keys).scalars()
    nominated = conn.execute(_NOMINATED, keys).scalars()
    return {str(p) for p in listed} | {str(p) for p in nominated}


def check_person(app: App, viewer: Principal, person_id: str) -> None:
    """NotFound unless the viewer may see this person."""
    with app.read() as conn:
        if person_id not in visible_person_ids(conn, viewer, [person_id]):
            raise NotFound(f"person {person_id} does not exist")


def status_viewer(app: App, viewer: Principal) -> str | None:
    """The actor whose view of a person's status the viewer gets: None (everything) for
    the intermediary; a party's actor otherwise, so a declined repatriation stays
    confidential to the intermediary, for parties and families alike."""
    if viewer.is_intermediary:
        return None
    if viewer.actor is not None:
        return viewer.actor
    with app.read() as conn:
        actor = conn.execute(
            select(actors.c.id).join(parties, parties.c.code == actors.c.party_code)
            .where(parties.c.kind == "party").order_by(actors.c.event_seq)).scalar()
    if actor is None:
        raise NotFound("no party is registered")
    return str(actor)


# --- a per-process cache of what persons' reads compute ------------------------------


class ProjectionCache:
    """Person statuses and person visibility, cached per process against the chain head.

    Every change of state appends an event, so while the chain head is unchanged a
    status computed earlier is still the status; the first read after any write clears
    the cache. Reading the head is one indexed read, much cheaper than recomputing a
    status from the exchange's projections.
    """

    def __init__(self, size: int = 100_000) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._head = -1
        self._status: dict[tuple[str, str], Any] = {}
        self._visible: dict[tuple[str, str | None, str | None, str], bool] = {}

    _HEAD = select(chain_head.c.seq).where(chain_head.c.id == 1)

    def _current(self, app: App) -> int:
        with app.read() as conn:
            head = int(conn.execute(self._HEAD).scalar_one())
        with self._lock:
            if head != self._head:
                self._status.clear()
                self._visible.clear()
                self._head = head
        return head

    def person_status(self, app: App, viewer: Principal, person_id: str) -> Any:
        """The person's status as the viewer may see it; NotFound for a person the viewer
        may not see. Both answers are cached until the chain head moves."""
        from parley.services.registry import persons

        head = self._current(app)
        key = (viewer.role, viewer.party, viewer.inquiry_id, person_id)
        seen = self._visible.get(key)
        if seen is None:
            with app.read() as conn:
                seen = person_id in visible_person_ids(conn, viewer, [person_id])
            with self._lock:
                if self._head == head and len(self._visible) < self._size:
                    self._visible[key] = seen
        if not seen:
            raise NotFound(f"person {person_id} does not exist")
        actor = status_viewer(app, viewer)
        # The persons service shows a status one of two ways: with the intermediary's
        # confidential outcomes (no actor) or without them (any party's actor).
        view = (person_id, "confidential" if actor is None else "party")
        found = self._status.get(view)
        if found is None:
            found = persons.person_status(app, person_id, viewer=actor)
            with self._lock:
                if self._head == head and len(self._status) < self._size:
                    self._status[view] = found
        return found


@dataclass(frozen=True)
class NominationView:
    """A nomination and where its verification stands (no interview outcome)."""

    person_id: str
    sending: str
    receiving: str
    identity: str | None
    eligibility: str | None


def agreement_nominations(app: App, viewer: Principal, agreement_id: str
                          ) -> list[NominationView]:
    """The agreement's nominations, for the intermediary and the agreement's parties."""
    check_agreement(app, viewer, agreement_id)
    with app.read() as conn:
        found = conn.execute(select(agreements.c.id).where(or_(
            agreements.c.id == agreement_id, agreements.c.reference == agreement_id))).scalar()
        rows = conn.execute(select(nominations).where(nominations.c.agreement_id == found)
                            .order_by(nominations.c.event_seq)).all()
        checks: dict[str, dict[str, str]] = {}
        for r in conn.execute(select(verifications).where(
                verifications.c.nomination_id.in_([n.id for n in rows]))):
            checks.setdefault(r.nomination_id, {})[r.kind] = r.outcome
    return [NominationView(person_id=n.person_id, sending=n.sending, receiving=n.receiving,
                           identity=checks.get(n.id, {}).get("identity"),
                           eligibility=checks.get(n.id, {}).get("eligibility"))
            for n in rows]
