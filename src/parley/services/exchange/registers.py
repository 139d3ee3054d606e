"""Read-only registers behind the intermediary's casework pages: remains cases, medical
findings and publication holds (the erasure log is :mod:`erasure`'s own reader).

The writes are other services' (:mod:`remains`, :mod:`verification`, :mod:`publish`);
these reads show what those writes left, to the intermediary only
(anyone else gets :class:`NotFound`, as for every object they may not see). None of
them returns personal data: persons appear by id, remains by case number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from parley.bootstrap import App
from parley.domain.vocabulary import HandoverRole, PublicationDecision, StageStatus
from parley.reports.policy import until_instant
from parley.services.people.access import Principal, require_intermediary
from parley.store import timestamp
from parley.store.tables import (
    agreements,
    medical_certifications,
    publication_decisions,
    remains_cases,
    remains_confirmations,
    stages,
)


@dataclass(frozen=True)
class RemainsCase:
    agreement_id: str
    reference: str
    stage: int
    case_number: str
    direction: str
    category: str
    confirmed_by: tuple[HandoverRole, ...]
    person_id: str | None


def remains_cases_of(app: App, viewer: Principal, *, limit: int = 500) -> list[RemainsCase]:
    """Remains cases, newest first, with the sides that confirmed each."""
    require_intermediary(viewer, "remains cases")
    with app.read() as conn:
        rows = conn.execute(
            select(remains_cases.c.id, remains_cases.c.agreement_id, agreements.c.reference,
                   stages.c.number, remains_cases.c.case_number, remains_cases.c.direction,
                   remains_cases.c.category, remains_cases.c.person_id)
            .join(stages, stages.c.id == remains_cases.c.stage_id)
            .join(agreements, agreements.c.id == remains_cases.c.agreement_id)
            .order_by(remains_cases.c.event_seq.desc(), remains_cases.c.case_number)
            .limit(limit)).all()
        roles: dict[str, set[str]] = {}
        ids = [r.id for r in rows]
        if ids:
            for c in conn.execute(select(remains_confirmations.c.case_id,
                                         remains_confirmations.c.role)
                                  .where(remains_confirmations.c.case_id.in_(ids))):
                roles.setdefault(c.case_id, set()).add(c.role)
    return [RemainsCase(agreement_id=r.agreement_id, reference=r.reference, stage=r.number,
                        case_number=r.case_number, direction=r.direction,
                        category=r.category,
                        confirmed_by=tuple(x for x in HandoverRole
                                           if x in roles.get(r.id, set())),
                        person_id=r.person_id) for r in rows]


@dataclass(frozen=True)
class MedicalFinding:
    person_id: str
    seriously_wounded_or_sick: bool
    actor: str
    event_seq: int


def medical_findings(app: App, viewer: Principal, *, limit: int = 500) -> list[MedicalFinding]:
    """The latest finding per person, most recent first."""
    require_intermediary(viewer, "medical findings")
    with app.read() as conn:
        rows = conn.execute(select(medical_certifications)
                            .order_by(medical_certifications.c.event_seq.desc())
                            .limit(limit)).all()
    return [MedicalFinding(person_id=r.person_id, seriously_wounded_or_sick=r.finding == "yes",
                           actor=r.actor, event_seq=r.event_seq) for r in rows]


@dataclass(frozen=True)
class StageHold:
    stage_id: str
    agreement_id: str
    reference: str
    stage: int
    date: str
    status: StageStatus
    decision: PublicationDecision | None  # the latest
    until: str | None
    reason: str
    held: bool  # held back at this moment


def publication_holds(app: App, viewer: Principal) -> list[StageHold]:
    """Every stage with its latest publication decision and whether it is held now."""
    require_intermediary(viewer, "publication holds")
    now = timestamp(app.clock())
    with app.read() as conn:
        found = conn.execute(
            select(stages.c.id, stages.c.agreement_id, stages.c.number, stages.c.stage_date,
                   stages.c.status, agreements.c.reference)
            .join(agreements, agreements.c.id == stages.c.agreement_id)
            .order_by(agreements.c.reference, stages.c.number)).all()
        latest: dict[str, Any] = {}
        for decided in conn.execute(select(publication_decisions)
                                    .order_by(publication_decisions.c.event_seq)):
            latest[decided.stage_id] = decided
    out = []
    for s in found:
        d = latest.get(s.id)
        held = d is not None and d.decision == PublicationDecision.HOLD and (
            d.until is None or now < until_instant(d.until))
        out.append(StageHold(stage_id=s.id, agreement_id=s.agreement_id, reference=s.reference,
                             stage=s.number, date=s.stage_date, status=StageStatus(s.status),
                             decision=PublicationDecision(d.decision) if d else None,
                             until=d.until if d else None,
                             reason=d.reason if d else "", held=held))
    return out
