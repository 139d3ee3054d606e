"""Loading what Parley knows about persons: their records, facts, sides and status.

The rules live in the domain: :mod:`parley.domain.person_facts` (sides from list kinds,
facts from the records' cells) and :mod:`parley.domain.person_status` (the current status
from the steps). This module reads the records (sealed; opened here) and the exchange's
rows, and calls them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import BindParameter

from parley.bootstrap import App
from parley.domain.person_facts import PersonRecord, PersonView, facts_of, sides_of
from parley.domain.person_status import (
    StatusReport,
    Step,
    base_status,
    current_status,
    handover_steps,
    interview_step,
    verified_step,
)
from parley.domain.vocabulary import ListKind, PartyKind, PersonStatus, StagePersonState
from parley.errors import NotFound
from parley.store import RecordCipher
from parley.store.keyed import KeyedQuery, keyed
from parley.store.sealed_text import ListSources
from parley.store.tables import (
    actors,
    events,
    handover_confirmations,
    interviews,
    medical_certifications,
    nominations,
    parties,
    persons,
    record_links,
    remains_cases,
    source_lists,
    source_records,
    stage_persons,
    stages,
    verifications,
)

__all__ = ["PersonView", "StatusReport", "load_people", "load_records", "person_status",
           "statuses"]


_RECORDS = KeyedQuery.of(
    select(record_links.c.person_id, record_links.c.event_seq.label("link_seq"),
           source_records.c.id, source_records.c.list_id, source_records.c.sealed,
           source_records.c.commitment, source_records.c.row_number,
           source_lists.c.kind, source_lists.c.party_code,
           source_lists.c.event_seq.label("list_seq"))
    .join(source_records, source_records.c.id == record_links.c.record_id)
    .join(source_lists, source_lists.c.id == source_records.c.list_id),
    record_links.c.person_id)
_CERTIFIED = KeyedQuery.of(select(medical_certifications), medical_certifications.c.person_id)
_IDENTIFIED = KeyedQuery.of(select(remains_cases).where(remains_cases.c.person_id.is_not(None)),
                        remains_cases.c.person_id)
_CONFLICT = select(parties.c.code).where(parties.c.kind == PartyKind.PARTY)
_PERSONS = KeyedQuery.of(select(persons.c.id), persons.c.id)
_VIEWER_KIND_PARTY = (select(parties.c.kind, parties.c.code)
                      .join(actors, actors.c.party_code == parties.c.code)
                      .where(actors.c.id == bindparam("actor")))
_NOMINATIONS = KeyedQuery.of(select(nominations), nominations.c.person_id)
_VERIFICATIONS = KeyedQuery.of(select(verifications), verifications.c.nomination_id)
_INTERVIEWS = KeyedQuery.of(select(interviews), interviews.c.nomination_id)
_AGREEMENT_STAGES = KeyedQuery.of(select(stages.c.id), stages.c.agreement_id)
_LISTED: Select[Any] = (
    select(stage_persons.c.stage_id, stage_persons.c.person_id, stages.c.number,
           stages.c.stage_date, stages.c.closed_seq)
    .join(stages, stages.c.id == stage_persons.c.stage_id)
    .where(stage_persons.c.state == StagePersonState.LISTED))
_CONFIRMATIONS: Select[Any] = select(handover_confirmations.c.stage_id,
                                     handover_confirmations.c.person_id,
                                     handover_confirmations.c.event_seq)
_STAGE_IDS: BindParameter[list[str]] = bindparam("stages", expanding=True)
_PERSON_IDS: BindParameter[list[str]] = bindparam("ids", expanding=True)
_LISTED_OF = _LISTED.where(stage_persons.c.stage_id.in_(_STAGE_IDS),
                           stage_persons.c.person_id.in_(_PERSON_IDS))
_CONFIRMATIONS_OF = _CONFIRMATIONS.where(
    handover_confirmations.c.stage_id.in_(_STAGE_IDS),
    handover_confirmations.c.person_id.in_(_PERSON_IDS))
_EVENT_TYPES = select(events.c.seq, events.c.type).where(
    events.c.seq.in_(bindparam("seqs", expanding=True)))


def load_records(conn: Connection, cipher: RecordCipher,
                 person_ids: Iterable[str] | None = None) -> dict[str, list[PersonRecord]]:
    """Every person's linked records (opened), in list then row order."""
    wanted = None if person_ids is None else set(person_ids)
    rows = _RECORDS.run(conn, keyed(wanted))
    sources = ListSources(cipher, conn)
    out: dict[str, list[PersonRecord]] = defaultdict(list)
    for r in rows:
        if wanted is not None and r.person_id not in wanted:
            continue
        fields = None if r.sealed is None else cipher.open(r.sealed, row_id=r.id)
        out[r.person_id].append(PersonRecord(
            record_id=r.id, list_id=r.list_id, kind=ListKind(r.kind), source=sources[r.list_id],
            party=r.party_code, commitment=r.commitment, list_seq=r.list_seq,
            link_seq=r.link_seq, row_number=r.row_number, fields=fields))
    for recs in out.values():
        recs.sort(key=lambda x: (x.list_seq, x.row_number))
    return dict(out)


def load_people(conn: Connection, cipher: RecordCipher,
                person_ids: Iterable[str] | None = None) -> dict[str, PersonView]:
    """Facts and sides of the given persons (every person when None)."""
    records = load_records(conn, cipher, person_ids)
    keys = keyed(person_ids)
    certified = {r.person_id: (r.finding == "yes", f"certified by {r.actor}, event {r.event_seq}")
                 for r in _CERTIFIED.run(conn, keys)}
    identified = {r.person_id: r.case_number for r in _IDENTIFIED.run(conn, keys)}
    conflict = list(conn.execute(_CONFLICT).scalars())
    ids = list(records) if person_ids is None else list(person_ids)
    out = {}
    for pid in ids:
        recs = records.get(pid, [])
        cert = certified.get(pid)
        out[pid] = PersonView(
            person_id=pid, records=recs,
            facts=facts_of(pid, recs, certified=cert[0] if cert else None,
                           certified_source=cert[1] if cert else "",
                           identified_case=identified.get(pid)),
            sides=sides_of(recs, parties=conflict))
    return out


# --- status ---------------------------------------------------------------------------


def person_status(app: App, person_id: str, *, viewer: str | None = None) -> StatusReport:
    """The status of one person as ``viewer`` may see it (an actor id; None: the
    intermediary). Parties never see ``declined_repatriation``: for them such a person
    keeps the status before the interview."""
    return statuses(app, [person_id], viewer=viewer)[person_id]


def statuses(app: App, person_ids: Iterable[str] | None = None, *,
             viewer: str | None = None) -> dict[str, StatusReport]:
    """The status of many persons (every person when None), one read."""
    with app.read() as conn:
        confidential, party = True, None
        if viewer is not None:
            found_kind = conn.execute(_VIEWER_KIND_PARTY, {"actor": viewer}).first()
            if found_kind is None:
                raise NotFound(f"actor {viewer} is not registered")
            confidential = found_kind.kind == PartyKind.INTERMEDIARY
            party = None if confidential else str(found_kind.code)
        ids = list(conn.execute(_PERSONS.whole).scalars()) if person_ids is None \
            else list(person_ids)
        known = set(_PERSONS.run(conn, keyed(ids)).scalars())
        for pid in ids:
            if pid not in known:
                raise NotFound(f"person {pid} is not known")
        views = load_people(conn, app.cipher, ids)
        steps = _exchange_steps(conn, app, set(ids), confidential=confidential)
        types = _event_types(conn, {q for s in steps.values() for _, q, _ in s}
                             | {r.link_seq for v in views.values() for r in v.records})
        received = {} if party is None else _received(
            conn, {r.list_id for v in views.values() for r in v.records if r.party != party})
    out = {}
    for pid in ids:
        view = views[pid]
        history = [base_status(view),
                   *sorted(steps.get(pid, []), key=lambda s: s.event_seq or 0)]
        if party is not None:  # another party's list labels are not this party's to see
            history = [_neutral(step, view.records, party, received) for step in history]
        current = current_status(history)
        out[pid] = StatusReport(person_id=pid, status=current.status,
                                event_seq=current.event_seq,
                                event_type=types.get(current.event_seq)
                                if current.event_seq else None,
                                source=current.source, history=history)
    return out


Steps = dict[str, list[Step]]

# Who a list speaks for, in the neutral words another party and families see.
_NEUTRAL_KIND = {"capture_card": "a list from the detaining party",
                 "visit_list": "a list from the intermediary's visit",
                 "origin_list": "a list from the party of origin",
                 "inquiry": "a family's inquiry", "remains": "a list of remains"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def neutral_source(kind: str, received_at: str) -> str:
    """"a list from the detaining party, received 3 March 2025": where a fact came from,
    without the list's own (sealed) label."""
    what = _NEUTRAL_KIND.get(kind, "a list")
    try:
        y, m, d = int(received_at[:4]), int(received_at[5:7]), int(received_at[8:10])
        return f"{what}, received {d} {_MONTHS[m - 1]} {y}"
    except (ValueError, IndexError):
        return what


def _received(conn: Connection, list_ids: set[str]) -> dict[str, str]:
    if not list_ids:
        return {}
    rows = conn.execute(select(source_lists.c.id, source_lists.c.imported_at)
                        .where(source_lists.c.id.in_(sorted(list_ids))))
    return {str(r.id): str(r.imported_at) for r in rows}


def _neutral(step: Step, records: Iterable[PersonRecord], party: str,
             received: dict[str, str]) -> Step:
    """``step`` with any other party's list label replaced by a neutral description."""
    for rec in records:
        if rec.party != party and rec.source and f"list {rec.source}" in step.source:
            return step._replace(source=neutral_source(rec.kind,
                                                       received.get(rec.list_id, "")))
    return step


def _exchange_steps(conn: Connection, app: App, ids: set[str], *, confidential: bool
                    ) -> Steps:
    """Each person's steps through the exchange (nominated, verified, interviewed, handed
    over, repatriated, identified among remains), each with its event and source.

    A few persons (a status page, an API read) are read by key through indexes; many are
    read table by table and filtered here."""
    keys = keyed(ids)
    steps: Steps = defaultdict(list)
    noms = {r.id: r for r in _NOMINATIONS.run(conn, keys) if r.person_id in ids}
    for r in noms.values():
        steps[r.person_id].append(Step(PersonStatus.NOMINATED, r.event_seq,
                                       f"nominated by {r.nominated_by}"))
    if noms:
        nom_keys = sorted(noms) if keys is not None else None
        _add_verified(conn, noms, nom_keys, steps)
        if confidential:
            _add_interviews(conn, app, noms, nom_keys, steps)
        _add_handovers(conn, ids, keys, noms, steps)
    _add_identified(conn, ids, keys, steps)
    return steps


def _add_verified(conn: Connection, noms: dict[str, Any], nom_keys: list[str] | None,
                  steps: Steps) -> None:
    """Nominations whose identity and eligibility checks were confirmed."""
    checks: dict[str, dict[str, tuple[str, int]]] = defaultdict(dict)
    for r in _VERIFICATIONS.run(conn, nom_keys):
        if r.nomination_id in noms:
            checks[r.nomination_id][r.kind] = (r.outcome, r.event_seq)
    for nom_id, done in checks.items():
        step = verified_step(done)
        if step is not None:
            steps[noms[nom_id].person_id].append(step)


def _add_interviews(conn: Connection, app: App, noms: dict[str, Any],
                    nom_keys: list[str] | None, steps: Steps) -> None:
    """Each nomination's latest private interview (sealed; only the intermediary sees)."""
    latest: dict[str, tuple[int, bytes, str]] = {}
    for r in _INTERVIEWS.run(conn, nom_keys):
        if r.nomination_id in noms and (r.nomination_id not in latest
                                        or r.event_seq > latest[r.nomination_id][0]):
            latest[r.nomination_id] = (r.event_seq, r.sealed, r.id)
    for nom_id, (seq, sealed, row_id) in latest.items():
        step = interview_step(app.cipher.open(sealed, row_id=row_id).get("outcome"), seq)
        if step is not None:
            steps[noms[nom_id].person_id].append(step)


def _add_handovers(conn: Connection, ids: set[str], keys: list[str] | None,
                   noms: dict[str, Any], steps: Steps) -> None:
    """Handovers confirmed by all three sides, and the stages closed since."""
    if keys is None:
        confirmations, listed = conn.execute(_CONFIRMATIONS), conn.execute(_LISTED)
    else:
        # A person is on a stage of an agreement that nominated them; reading through the
        # nominations keeps every lookup on a key (stage, person).
        on = {"stages": list(_AGREEMENT_STAGES.run(
            conn, sorted({r.agreement_id for r in noms.values()})).scalars()), "ids": keys}
        confirmations = conn.execute(_CONFIRMATIONS_OF, on)
        listed = conn.execute(_LISTED_OF, on)
    confirmed: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in confirmations:
        if r.person_id in ids:
            confirmed[(r.stage_id, r.person_id)].append(r.event_seq)
    for r in listed:
        if r.person_id in ids:
            steps[r.person_id] += handover_steps(
                stage_number=r.number, stage_date=r.stage_date,
                confirmations=confirmed.get((r.stage_id, r.person_id), []),
                closed_seq=r.closed_seq)


def _add_identified(conn: Connection, ids: set[str], keys: list[str] | None,
                    steps: Steps) -> None:
    """The remains cases identified as the persons."""
    for r in _IDENTIFIED.run(conn, keys):
        if r.person_id in ids:
            steps[r.person_id].append(Step(PersonStatus.DECEASED, r.identified_seq,
                                           f"remains case {r.case_number} identified"))


def _event_types(conn: Connection, seqs: set[int | None]) -> dict[int | None, str]:
    wanted = sorted(q for q in seqs if q is not None)
    out: dict[int | None, str] = {}
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        for r in conn.execute(_EVENT_TYPES, {"seqs": chunk}):
            out[r.seq] = r.type
    return out
