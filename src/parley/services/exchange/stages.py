"""Stages: planning a stage's lists from verified eligible persons, reading them back.

:func:`plan_stage` gathers every person who could move under the agreement, asks the
pure planner (:mod:`parley.domain.planning`) for the lists, checks the plan against
every rule once more, and records it: the ``stage.planned`` event (lists with each
person's commitment; left-out counts by *public* reason), the stage's rows, and each
eligible person's reason for being left out (an interview outcome sealed, so only the
intermediary reads it).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.domain.agreements import Category
from parley.domain.events import StagePlanned
from parley.domain.handover import confirmed_by_all
from parley.domain.planning import (
    CONFIDENTIAL_REASONS,
    NOT_ELIGIBLE,
    PENDING,
    Candidate,
    CategoryPlanTerms,
    Plan,
    PlanRequest,
    public_reason,
    violations,
)
from parley.domain.planning import (
    plan_stage as plan_lists,
)
from parley.domain.vocabulary import (
    StagePersonOrigin,
    StagePersonState,
    StageStatus,
)
from parley.errors import Conflict, InputError, IntegrityFailure, NotFound
from parley.services.exchange.agreements import (
    Agreement,
    evaluate_people,
    get_agreement_in,
    party_of,
    require_active,
)
from parley.services.exchange.verification import agreement_people, verification_states
from parley.store import RecordCipher
from parley.store.tables import (
    handover_confirmations,
    plan_exclusions,
    stage_persons,
    stages,
)


@dataclass(frozen=True)
class Stage:
    id: str
    agreement_id: str
    number: int
    date: str
    capacity: int
    status: StageStatus
    event_seq: int
    closed_seq: int | None


@dataclass(frozen=True)
class StagePlanResult:
    stage: Stage
    plan: Plan
    candidates: int


def parse_date(value: str | date, *, what: str = "date") -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{what} {value!r} is not a date (YYYY-MM-DD)") from None


def stage_from_row(r: Any) -> Stage:
    return Stage(id=r.id, agreement_id=r.agreement_id, number=r.number, date=r.stage_date,
                 capacity=r.capacity, status=StageStatus(r.status), event_seq=r.event_seq,
                 closed_seq=r.closed_seq)


_STAGE = select(stages).where(stages.c.id == bindparam("stage"))


def get_stage_in(conn: Connection, stage_id: str) -> Stage:
    row = conn.execute(_STAGE, {"stage": stage_id}).first()
    if row is None:
        raise NotFound(f"stage {stage_id} is not known")
    return stage_from_row(row)


def get_stage(app: App, stage_id: str) -> Stage:
    with app.read() as conn:
        return get_stage_in(conn, stage_id)


def list_stages(app: App, agreement_id: str) -> list[Stage]:
    with app.read() as conn:
        agreement = get_agreement_in(conn, agreement_id)
        return stages_of(conn, agreement.id)


def stages_of(conn: Connection, agreement_id: str) -> list[Stage]:
    return [stage_from_row(r) for r in conn.execute(
        select(stages).where(stages.c.agreement_id == agreement_id)
        .order_by(stages.c.number))]


def handed_over(conn: Connection, stage_id: str) -> dict[str, Any]:
    """Listed persons of a stage confirmed by all three roles → their stage_persons row."""
    roles: dict[str, set[str]] = defaultdict(set)
    for r in conn.execute(select(handover_confirmations.c.person_id,
                                 handover_confirmations.c.role).where(
            handover_confirmations.c.stage_id == stage_id)):
        roles[r.person_id].add(r.role)
    return {r.person_id: r for r in conn.execute(select(stage_persons).where(
        stage_persons.c.stage_id == stage_id, stage_persons.c.state == StagePersonState.LISTED))
        if confirmed_by_all(roles.get(r.person_id, ()))}


def plan_request(agreement: Agreement, capacity: int,
                 moved: dict[tuple[str, str], int]) -> PlanRequest:
    cats = [cat for cat in agreement.terms.by_priority() if not cat.remains]
    return PlanRequest(
        directions=agreement.terms.directions(),
        categories=tuple(CategoryPlanTerms(code=cat.code, ratio=cat.ratio.kind,
                                           priority=cat.priority, limit=cat.limit)
                         for cat in cats),
        capacity=capacity, moved=moved)


def build_candidates(conn: Connection, cipher: RecordCipher, agreement: Agreement
                     ) -> tuple[list[Candidate], dict[tuple[str, str], int], dict[str, str]]:
    """Every person who could move under the agreement, as the planner sees them; the
    counts already moved or reserved per (direction, category); each candidate's
    commitment (from the nomination)."""
    busy: set[str] = set()
    moved: dict[tuple[str, str], int] = defaultdict(int)
    for st in stages_of(conn, agreement.id):
        done = handed_over(conn, st.id)
        for pid, row in done.items():
            busy.add(pid)
            moved[(row.direction, row.category)] += 1
        if st.status != StageStatus.CLOSED:
            for r in conn.execute(select(stage_persons).where(
                    stage_persons.c.stage_id == st.id,
                    stage_persons.c.state == StagePersonState.LISTED)):
                if r.person_id not in done:
                    busy.add(r.person_id)
                    moved[(r.direction, r.category)] += 1
    people = {pid: v for pid, v in agreement_people(conn, cipher, agreement).items()
              if pid not in busy and v.facts.deceased is not True}
    states = verification_states(conn, cipher, agreement.id)
    rows = {r.person_id: r for r in evaluate_people(agreement.terms, people.values())}
    cats = {c.code: c for c in agreement.terms.categories}
    candidates: list[Candidate] = []
    commitments: dict[str, str] = {}
    for pid, view in people.items():
        row = rows[pid]
        state = states.get(pid)
        e = row.eligibility
        cat: Category | None = cats.get(e.category) if e.category else None
        direction = state.nomination.direction if state else row.direction
        assert direction is not None
        verified = state is not None and state.verified(
            e.category, needs_medical=bool(cat and cat.protected),
            certified=view.facts.wounded_certified)
        value = None
        if cat is not None and cat.ratio.kind == "scale":
            value = cat.ratio.value_of(view.facts.rank)
        candidates.append(Candidate(
            person_id=pid, direction=direction, category=e.category,
            eligibility=e.status, nominated=state is not None, verified=verified,
            interview=state.interview if state else PENDING, protected=e.protected,
            value=value, order=f"{state.nomination.event_seq:015d}" if state else "~"))
        if state is not None:
            commitments[pid] = state.nomination.commitment
    return candidates, dict(moved), commitments


def plan_stage(app: App, *, agreement_id: str, stage_date: str | date, capacity: int,
               actor: str) -> StagePlanResult:
    """Plan the next stage of an agreement on ``stage_date`` with ``capacity`` persons per
    direction (the intermediary). Deterministic for the same state."""
    if isinstance(capacity, bool) or capacity < 0:
        raise InputError(f"capacity {capacity!r} must be a whole number of persons, 0 or more")
    when = parse_date(stage_date, what="stage date")
    with app.uow() as uow:
        conn = uow.exclusive()
        agreement = require_active(conn, agreement_id)
        party, _ = party_of(conn, actor)
        terms = agreement.terms
        if party != terms.intermediary:
            raise Conflict(f"only the intermediary ({terms.intermediary}) plans stages; "
                           f"{actor} is of {party}")
        if not terms.stages_from <= when <= terms.stages_to:
            raise InputError(f"stage date {when.isoformat()} is outside agreement "
                             f"{terms.reference}'s window {terms.stages_from.isoformat()} "
                             f"to {terms.stages_to.isoformat()}")
        earlier = stages_of(conn, agreement.id)
        if earlier and earlier[-1].date > when.isoformat():
            raise InputError(f"stage date {when.isoformat()} is before stage "
                             f"{earlier[-1].number} ({earlier[-1].date})")
        candidates, moved, commitments = build_candidates(conn, app.cipher, agreement)
        request = plan_request(agreement, capacity, moved)
        plan = plan_lists(request, candidates)
        problems = violations(request, candidates, plan)
        if problems:
            raise IntegrityFailure(f"the plan breaks a rule: {problems[0]}")
        number = int(conn.execute(select(func.coalesce(func.max(stages.c.number), 0)).where(
            stages.c.agreement_id == agreement.id)).scalar_one()) + 1
        stage_id = str(uuid.uuid4())
        lists: dict[str, list[dict[str, str]]] = {d: [] for d in request.directions}
        for s in plan.selected:
            lists[s.direction].append({"person_id": s.person_id, "category": s.category,
                                       "commitment": commitments[s.person_id]})
        by_id = {c.person_id: c for c in candidates}
        left_counts: dict[str, dict[str, int]] = {d: {} for d in request.directions}
        exclusions = []
        for x in plan.left_out:
            if by_id[x.person_id].eligibility == NOT_ELIGIBLE:
                continue
            pub = public_reason(x.reason)
            bucket = left_counts.setdefault(x.direction, {})
            bucket[pub] = bucket.get(pub, 0) + 1
            exclusions.append({
                "stage_id": stage_id, "person_id": x.person_id, "direction": x.direction,
                "category": x.category, "reason": pub,
                "sealed": app.cipher.seal({"reason": x.reason},
                                          row_id=f"{stage_id}:{x.person_id}")
                if x.reason in CONFIDENTIAL_REASONS else None})
        ev = uow.append(StagePlanned(
            agreement_id=agreement.id, stage_id=stage_id, number=number,
            date=when.isoformat(), capacity=capacity, lists=lists,
            left_out={d: dict(sorted(v.items())) for d, v in left_counts.items()}),
            actor=actor)
        conn.execute(insert(stages).values(
            id=stage_id, agreement_id=agreement.id, number=number,
            stage_date=when.isoformat(), capacity=capacity, status=StageStatus.PLANNED,
            planned_by=actor, event_seq=ev.seq))
        if plan.selected:
            nom_ids = {st.nomination.person_id: st.nomination.id
                       for st in verification_states(conn, app.cipher, agreement.id).values()}
            conn.execute(insert(stage_persons), [{
                "stage_id": stage_id, "person_id": s.person_id,
                "nomination_id": nom_ids[s.person_id], "direction": s.direction,
                "category": s.category, "commitment": commitments[s.person_id],
                "origin": StagePersonOrigin.PLANNED, "state": StagePersonState.LISTED,
                "event_seq": ev.seq}
                for s in plan.selected])
        if exclusions:
            conn.execute(insert(plan_exclusions), exclusions)
        uow.commit()
    stage = Stage(id=stage_id, agreement_id=agreement.id, number=number,
                  date=when.isoformat(), capacity=capacity, status=StageStatus.PLANNED,
                  event_seq=ev.seq, closed_seq=None)
    return StagePlanResult(stage=stage, plan=plan, candidates=len(candidates))


@dataclass(frozen=True)
class Exclusion:
    person_id: str
    direction: str
    category: str | None
    reason: str


def left_out(app: App, stage_id: str, *, confidential: bool = False) -> list[Exclusion]:
    """Eligible (or undetermined) persons left out of a stage and why; with
    ``confidential`` (the intermediary) interview outcomes are opened."""
    with app.read() as conn:
        get_stage_in(conn, stage_id)
        rows = conn.execute(select(plan_exclusions).where(
            plan_exclusions.c.stage_id == stage_id).order_by(
            plan_exclusions.c.direction, plan_exclusions.c.person_id)).all()
    out = []
    for r in rows:
        reason = r.reason
        if confidential and r.sealed is not None:
            reason = str(app.cipher.open(r.sealed, row_id=f"{stage_id}:{r.person_id}")
                         ["reason"])
        out.append(Exclusion(r.person_id, r.direction, r.category, reason))
    return out


def stage_list(app: App, stage_id: str) -> list[dict[str, Any]]:
    """The stage's list: each person's direction, category, origin and state."""
    with app.read() as conn:
        get_stage_in(conn, stage_id)
        return [{"person_id": r.person_id, "direction": r.direction, "category": r.category,
                 "origin": StagePersonOrigin(r.origin), "state": StagePersonState(r.state)}
                for r in conn.execute(select(stage_persons).where(
                    stage_persons.c.stage_id == stage_id).order_by(
                    stage_persons.c.direction, stage_persons.c.person_id))]


__all__ = ["Exclusion", "Stage", "StagePlanResult", "build_candidates",
           "get_stage", "get_stage_in", "handed_over", "left_out", "list_stages",
           "parse_date", "plan_request", "plan_stage", "stage_list", "stages_of"]
