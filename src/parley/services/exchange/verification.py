"""Nominations and their verification: identity, eligibility, medical findings, interviews.

A party nominates persons under an agreement. Before a person can be planned into a
stage: the receiving party confirms the identity, the intermediary confirms eligibility
(and, for the seriously wounded and sick, a medical certification exists), and the
intermediary interviews the person in private. The interview outcome (wishes to return,
does not, undecided) is sealed with the data key and appears in the chain only as a
commitment: the parties learn only whether the person is in a stage.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.domain.events import (
    InterviewRecorded,
    MedicalCertified,
    PersonNominated,
    StagePersonWithdrawn,
    VerificationRecorded,
)
from parley.domain.person_facts import ORIGIN_KINDS, PersonRecord, PersonView
from parley.domain.planning import INTERVIEW_OUTCOMES, NOT_IN_STAGE, PENDING, WISHES
from parley.domain.vocabulary import (
    Check,
    CheckOutcome,
    Direction,
    ListKind,
    PartyKind,
    StagePersonState,
    StageStatus,
)
from parley.errors import Conflict, InputError, NotFound
from parley.ledger import commitment, new_salt
from parley.services.exchange.agreements import (
    Agreement,
    evaluate_people,
    party_of,
    require_active,
)
from parley.services.registry.persons import load_people
from parley.store import RecordCipher, UnitOfWork
from parley.store.tables import (
    interviews,
    medical_certifications,
    nominations,
    persons,
    stage_persons,
    stages,
    verifications,
)


@dataclass(frozen=True)
class Nomination:
    id: str
    person_id: str
    sending: str
    receiving: str
    record_id: str
    commitment: str
    event_seq: int

    @property
    def direction(self) -> Direction:
        return Direction.of(self.sending, self.receiving)


def identifying_record(records: Sequence[PersonRecord], *, sending: str, receiving: str
                       ) -> PersonRecord | None:
    """The record that identifies a person for the exchange: the receiving party's own
    list first (origin list, then inquiry), then any list of the receiving party, then
    the sending party's capture card, then anything; earliest first within each."""
    def rank(r: PersonRecord) -> tuple[int, int, int]:
        if r.fields is None:
            return (9, r.list_seq, r.row_number)
        if r.party == receiving and r.kind == ListKind.ORIGIN_LIST:
            first = 0
        elif r.party == receiving and r.kind in ORIGIN_KINDS:
            first = 1
        elif r.party == receiving:
            first = 2
        elif r.party == sending and r.kind == ListKind.CAPTURE_CARD:
            first = 3
        else:
            first = 4
        return (first, r.list_seq, r.row_number)

    usable = sorted(records, key=rank)
    return usable[0] if usable and usable[0].fields is not None else None


def nominate(app: App, *, agreement_id: str, person_ids: Sequence[str], actor: str
             ) -> list[Nomination]:
    """Put persons forward under an agreement (one event each); a person already
    nominated is returned as is. The actor must be of one of the two parties."""
    with app.uow() as uow:
        conn = uow.exclusive()
        agreement = require_active(conn, agreement_id)
        party, _ = party_of(conn, actor)
        if party not in agreement.terms.parties:
            raise Conflict(f"actor {actor} of {party} is not a party to agreement "
                           f"{agreement.terms.reference}; only the parties nominate")
        result = nominate_in(uow, app, agreement, person_ids, actor=actor, party=party)
        uow.commit()
    return result


def nominate_in(uow: UnitOfWork, app: App, agreement: Agreement, person_ids: Sequence[str],
                *, actor: str, party: str | None) -> list[Nomination]:
    conn = uow.conn
    _require_persons(conn, person_ids)
    existing = {n.person_id: n for n in load_nominations(conn, agreement.id)}
    fresh = [p for p in dict.fromkeys(person_ids) if p not in existing]
    people = load_people(conn, app.cipher, fresh) if fresh else {}
    out = []
    for pid in person_ids:
        if pid in existing:
            out.append(existing[pid])
            continue
        view = people[pid]
        d = view.sides.direction(agreement.terms.parties)
        if d is None:
            why = view.sides.problem or "no list of a detaining party or of the person's " \
                                        "own party names the person"
            raise Conflict(f"cannot tell which party holds person {pid}: {why}")
        sending, receiving = d
        if party is not None and party not in d:
            raise Conflict(f"{party} is neither side of person {pid}'s handover "
                           f"({Direction.of(sending, receiving)})")
        record = identifying_record(view.records, sending=sending, receiving=receiving)
        if record is None:
            raise Conflict(f"person {pid} has no record that can identify them "
                           "(erased or none linked)")
        ev = uow.append(PersonNominated(agreement_id=agreement.id, person_id=pid,
                                        direction=Direction.of(sending, receiving),
                                        record_commitment=record.commitment), actor=actor)
        nom = Nomination(id=str(uuid.uuid4()), person_id=pid, sending=sending,
                         receiving=receiving, record_id=record.record_id,
                         commitment=record.commitment, event_seq=ev.seq)
        conn.execute(insert(nominations).values(
            id=nom.id, agreement_id=agreement.id, person_id=pid, sending=sending,
            receiving=receiving, record_id=record.record_id, commitment=record.commitment,
            nominated_by=actor, event_seq=ev.seq))
        existing[pid] = nom
        out.append(nom)
    return out


def _chunks(ids: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    """Id lists in pieces small enough for any backend's bound-parameter limit."""
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _require_persons(conn: Connection, person_ids: Iterable[str]) -> None:
    ids = list(dict.fromkeys(person_ids))
    if not ids:
        raise InputError("no persons given")
    known: set[str] = set()
    for i in range(0, len(ids), 500):
        known |= {r.id for r in conn.execute(select(persons.c.id).where(
            persons.c.id.in_(ids[i:i + 500])))}
    for pid in ids:
        if pid not in known:
            raise NotFound(f"person {pid} is not known")


def load_nominations(conn: Connection, agreement_id: str) -> list[Nomination]:
    return [Nomination(id=r.id, person_id=r.person_id, sending=r.sending,
                       receiving=r.receiving, record_id=r.record_id,
                       commitment=r.commitment, event_seq=r.event_seq)
            for r in conn.execute(select(nominations).where(
                nominations.c.agreement_id == agreement_id))]


def _nominations_for(conn: Connection, agreement: Agreement, person_ids: Sequence[str]
                     ) -> list[Nomination]:
    by_person = {n.person_id: n for n in load_nominations(conn, agreement.id)}
    out = []
    for pid in dict.fromkeys(person_ids):
        if pid not in by_person:
            raise Conflict(f"person {pid} is not nominated under agreement "
                           f"{agreement.terms.reference}")
        out.append(by_person[pid])
    return out


def confirm_identity(app: App, *, agreement_id: str, person_ids: Sequence[str], actor: str,
                     confirmed: bool = True) -> int:
    """The receiving party confirms (or refuses) that nominated persons are its people."""
    with app.uow() as uow:
        conn = uow.exclusive()
        agreement = require_active(conn, agreement_id)
        party, _ = party_of(conn, actor)
        noms = _nominations_for(conn, agreement, person_ids)
        for n in noms:
            if n.receiving != party:
                raise Conflict(f"actor {actor} of {party} is not the receiving party "
                               f"({n.receiving}) of person {n.person_id}")
        outcome = CheckOutcome.CONFIRMED if confirmed else CheckOutcome.REFUSED
        changed = _record_check(uow, agreement, noms, kind=Check.IDENTITY, outcome=outcome,
                                category=None, actor=actor)
        uow.commit()
    return changed


def _record_check(uow: UnitOfWork, agreement: Agreement, noms: Sequence[Nomination], *,
                  kind: Check, outcome: CheckOutcome, category: str | None, actor: str
                  ) -> int:
    conn = uow.conn
    current: dict[str, tuple[str, str | None]] = {}
    for chunk in _chunks([n.id for n in noms]):
        current.update({r.nomination_id: (r.outcome, r.category) for r in conn.execute(
            select(verifications).where(verifications.c.kind == kind,
                                        verifications.c.nomination_id.in_(chunk)))})
    todo = [n for n in noms if current.get(n.id) != (outcome, category)]
    if not todo:
        return 0
    ev = uow.append(VerificationRecorded(agreement_id=agreement.id, check=kind,
                                         outcome=outcome, category=category,
                                         person_ids=[n.person_id for n in todo]),
                    actor=actor)
    for chunk in _chunks([n.id for n in todo]):
        conn.execute(delete(verifications).where(
            verifications.c.kind == kind, verifications.c.nomination_id.in_(chunk)))
    conn.execute(insert(verifications), [
        {"nomination_id": n.id, "kind": kind, "outcome": outcome, "category": category,
         "actor": actor, "event_seq": ev.seq} for n in todo])
    return len(todo)


def _require_intermediary(conn: Connection, agreement: Agreement, actor: str, what: str
                          ) -> None:
    party, _kind = party_of(conn, actor)
    if party != agreement.terms.intermediary:
        raise Conflict(f"only the intermediary ({agreement.terms.intermediary}) {what}; "
                       f"{actor} is of {party}")


@dataclass(frozen=True)
class EligibilityConfirmation:
    confirmed: dict[str, str]   # person -> category
    refused: dict[str, str]     # person -> status (not_eligible / undetermined)


def confirm_eligibility(app: App, *, agreement_id: str, person_ids: Sequence[str],
                        actor: str) -> EligibilityConfirmation:
    """The intermediary confirms nominated persons' eligibility as evaluated now; those
    not plainly eligible are recorded as refused (with no reason in the event)."""
    with app.uow() as uow:
        conn = uow.exclusive()
        agreement = require_active(conn, agreement_id)
        _require_intermediary(conn, agreement, actor, "confirms eligibility")
        noms = _nominations_for(conn, agreement, person_ids)
        people = load_people(conn, app.cipher, [n.person_id for n in noms])
        rows = {r.person_id: r for r in evaluate_people(agreement.terms, people.values())}
        groups: dict[tuple[CheckOutcome, str | None], list[Nomination]] = defaultdict(list)
        confirmed: dict[str, str] = {}
        refused: dict[str, str] = {}
        for n in noms:
            e = rows[n.person_id].eligibility
            if e.category is not None:
                groups[(CheckOutcome.CONFIRMED, e.category)].append(n)
                confirmed[n.person_id] = e.category
            else:
                groups[(CheckOutcome.REFUSED, None)].append(n)
                refused[n.person_id] = e.status
        for (outcome, category), group in sorted(groups.items(),
                                                  key=lambda kv: (kv[0][0], kv[0][1] or "")):
            _record_check(uow, agreement, group, kind=Check.ELIGIBILITY, outcome=outcome,
                          category=category, actor=actor)
        uow.commit()
    return EligibilityConfirmation(confirmed=confirmed, refused=refused)


def certify_medical(app: App, *, person_ids: Sequence[str], seriously_wounded_or_sick: bool,
                    actor: str) -> int:
    """Record a medical finding (by the intermediary's doctors or a mixed medical
    commission, Art. 112 GC III) for each person; an unchanged finding is not repeated."""
    with app.uow() as uow:
        conn = uow.exclusive()
        _party, kind = party_of(conn, actor)
        if kind != PartyKind.INTERMEDIARY:
            raise Conflict(f"only the intermediary records medical findings; {actor} is "
                           f"of a party")
        _require_persons(conn, person_ids)
        finding = "yes" if seriously_wounded_or_sick else "no"
        current = {r.person_id: r.finding for r in conn.execute(
            select(medical_certifications))}
        changed = 0
        for pid in dict.fromkeys(person_ids):
            if current.get(pid) == finding:
                continue
            ev = uow.append(MedicalCertified(person_id=pid,
                                             seriously_wounded_or_sick=seriously_wounded_or_sick),
                            actor=actor)
            conn.execute(delete(medical_certifications).where(
                medical_certifications.c.person_id == pid))
            conn.execute(insert(medical_certifications).values(
                person_id=pid, finding=finding, actor=actor, event_seq=ev.seq))
            changed += 1
        uow.commit()
    return changed


def record_interview(app: App, *, agreement_id: str, person_id: str, outcome: str,
                     actor: str) -> str:
    """The intermediary's private interview: ``wishes`` (to return), ``declines`` or
    ``undecided``. A person who no longer wishes to return is taken off any open
    stage's list; the public event says only ``not_in_stage``."""
    if outcome not in INTERVIEW_OUTCOMES:
        raise InputError(f"interview outcome {outcome!r} must be one of "
                         f"{', '.join(INTERVIEW_OUTCOMES)}")
    with app.uow() as uow:
        conn = uow.exclusive()
        agreement = require_active(conn, agreement_id)
        _require_intermediary(conn, agreement, actor, "interviews persons")
        (nom,) = _nominations_for(conn, agreement, [person_id])
        interview_id = str(uuid.uuid4())
        salt = new_salt()
        digest = commitment(salt, {"interview": interview_id, "outcome": outcome})
        ev = uow.append(InterviewRecorded(agreement_id=agreement.id, person_id=person_id,
                                          interview_id=interview_id,
                                          outcome_commitment=digest), actor=actor)
        conn.execute(insert(interviews).values(
            id=interview_id, nomination_id=nom.id,
            sealed=app.cipher.seal({"outcome": outcome}, row_id=interview_id), salt=salt,
            commitment=digest, actor=actor, event_seq=ev.seq))
        if outcome != WISHES:
            listed = conn.execute(
                select(stage_persons.c.stage_id)
                .join(stages, stages.c.id == stage_persons.c.stage_id)
                .where(stage_persons.c.person_id == person_id,
                       stage_persons.c.state == StagePersonState.LISTED,
                       stages.c.status != StageStatus.CLOSED,
                       stages.c.agreement_id == agreement.id)).all()
            for row in listed:
                w = uow.append(StagePersonWithdrawn(stage_id=row.stage_id,
                                                    person_id=person_id,
                                                    reason=NOT_IN_STAGE), actor=actor)
                conn.execute(update(stage_persons).where(
                    stage_persons.c.stage_id == row.stage_id,
                    stage_persons.c.person_id == person_id).values(
                        state=StagePersonState.WITHDRAWN, event_seq=w.seq))
        uow.commit()
    return interview_id


@dataclass(frozen=True)
class VerificationState:
    """Where one nomination stands: checks done, and (for the intermediary) the
    interview outcome."""

    nomination: Nomination
    identity: CheckOutcome | None
    eligibility: CheckOutcome | None
    eligibility_category: str | None
    interview: str

    def verified(self, category: str | None, *, needs_medical: bool,
                 certified: bool | None) -> bool:
        return (self.identity == CheckOutcome.CONFIRMED
                and self.eligibility == CheckOutcome.CONFIRMED
                and category is not None and self.eligibility_category == category
                and (not needs_medical or certified is True))


def verification_states(conn: Connection, cipher: RecordCipher, agreement_id: str
                        ) -> dict[str, VerificationState]:
    """Every nomination of an agreement with its checks and latest interview (opened)."""
    noms = {n.id: n for n in load_nominations(conn, agreement_id)}
    checks: dict[str, dict[str, tuple[CheckOutcome, str | None]]] = defaultdict(dict)
    for r in conn.execute(select(verifications).join(
            nominations, nominations.c.id == verifications.c.nomination_id).where(
            nominations.c.agreement_id == agreement_id)):
        checks[r.nomination_id][r.kind] = (CheckOutcome(r.outcome), r.category)
    latest: dict[str, tuple[int, str]] = {}
    for r in conn.execute(select(interviews).join(
            nominations, nominations.c.id == interviews.c.nomination_id).where(
            nominations.c.agreement_id == agreement_id)):
        if r.nomination_id not in latest or r.event_seq > latest[r.nomination_id][0]:
            outcome = str(cipher.open(r.sealed, row_id=r.id).get("outcome", PENDING))
            latest[r.nomination_id] = (r.event_seq, outcome)
    out = {}
    for nom_id, n in noms.items():
        c = checks.get(nom_id, {})
        out[n.person_id] = VerificationState(
            nomination=n, identity=c.get(Check.IDENTITY, (None, None))[0],
            eligibility=c.get(Check.ELIGIBILITY, (None, None))[0],
            eligibility_category=c.get(Check.ELIGIBILITY, (None, None))[1],
            interview=latest.get(nom_id, (0, PENDING))[1])
    return out


def agreement_people(conn: Connection, cipher: RecordCipher, agreement: Agreement
                     ) -> dict[str, PersonView]:
    """Every person who could move under the agreement: those with a direction."""
    people = load_people(conn, cipher)
    return {pid: v for pid, v in people.items()
            if v.sides.direction(agreement.terms.parties) is not None}


__all__ = ["EligibilityConfirmation", "Nomination", "VerificationState",
           "agreement_people", "certify_medical", "confirm_eligibility", "confirm_identity",
           "identifying_record", "load_nominations", "nominate",
           "nominate_in", "record_interview", "verification_states"]
