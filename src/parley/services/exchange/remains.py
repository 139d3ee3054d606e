"""Remains: bodies exchanged by case number, counted per side, identified later.

The sending party hands remains over under case numbers (each case gets a commitment,
its leaf in the stage head); the receiving party and the intermediary confirm the cases
they received; differing counts are a ``count_mismatch`` discrepancy of the stage. Later
identification links a case to a known person, who is then ``deceased`` with the
``remains.identified`` event as the source.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.domain.agreements import AgreementTerms, Category
from parley.domain.events import RemainsCase, RemainsConfirmed, RemainsIdentified
from parley.domain.handover import role_of
from parley.domain.vocabulary import Direction, HandoverRole
from parley.errors import Conflict, InputError, NotFound, parse_input
from parley.ledger import commitment, new_salt
from parley.services.exchange.agreements import get_agreement_in, party_of
from parley.services.exchange.handover import open_stage
from parley.services.exchange.stages import Stage
from parley.store.tables import persons, remains_cases, remains_confirmations, stages

CASE_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")


@dataclass(frozen=True)
class RemainsResult:
    role: HandoverRole
    added: int


def confirm_remains(app: App, *, stage_id: str, direction: str, category: str,
                    case_numbers: Sequence[str], actor: str) -> RemainsResult:
    """A side confirms remains of a stage by case number; the sending side's
    confirmation creates the cases. Repeating a confirmation changes nothing."""
    numbers = _case_numbers(case_numbers)
    with app.uow() as uow:
        conn = uow.exclusive()
        stage, agreement = open_stage(conn, stage_id)
        cat = _remains_category(agreement.terms, direction, category)
        party, _ = party_of(conn, actor)
        role = role_of(party, direction, agreement.terms.intermediary)
        if role is None:
            raise Conflict(f"actor {actor} of {party} is neither side of {direction}")
        existing = {r.case_number: r for r in conn.execute(select(remains_cases).where(
            remains_cases.c.agreement_id == agreement.id,
            remains_cases.c.case_number.in_(numbers)))}
        if role == HandoverRole.SENDING:
            cases = _handed_over(conn, agreement.id, stage, cat, direction, numbers, existing)
        else:
            cases = _received(stage, direction, numbers, existing)
        done = {r.case_id for r in conn.execute(select(remains_confirmations.c.case_id).where(
            remains_confirmations.c.case_id.in_(list(cases.ids.values())),
            remains_confirmations.c.role == role))}
        todo = [n for n in numbers if cases.ids[n] not in done]
        if not todo:
            return RemainsResult(role=role, added=0)
        ev = uow.append(RemainsConfirmed(stage_id=stage.id, direction=direction,
                                         category=category, role=role,
                                         cases=cases.named(todo)), actor=actor)
        if cases.new:
            conn.execute(insert(remains_cases), [
                dict(r, person_id=None, identified_seq=None, event_seq=ev.seq)
                for r in cases.new])
        conn.execute(insert(remains_confirmations), [
            {"case_id": cases.ids[n], "role": role, "actor": actor, "event_seq": ev.seq}
            for n in todo])
        uow.commit()
    return RemainsResult(role=role, added=len(todo))


def _case_numbers(given: Sequence[str]) -> list[str]:
    """The case numbers given, trimmed, once each, in order; refuses malformed ones."""
    numbers = list(dict.fromkeys(n.strip() for n in given))
    if not numbers:
        raise InputError("no case numbers given")
    for n in numbers:
        if not CASE_NUMBER.fullmatch(n):
            raise InputError(f"case number {n!r} must be 1-64 letters, digits, '.', '_', "
                             "'/' or '-'")
    return numbers


def _remains_category(terms: AgreementTerms, direction: str, category: str) -> Category:
    """The agreement's category for remains that ``category`` names, in a direction
    between its parties."""
    sending, receiving = parse_input(Direction, direction).parties
    if {sending, receiving} != set(terms.parties):
        raise InputError(f"direction {direction} is not between the parties of "
                         f"{terms.reference} ({' and '.join(terms.parties)})")
    if category not in {c.code for c in terms.categories}:
        raise InputError(f"agreement {terms.reference} has no category {category!r} "
                         f"(categories: {', '.join(c.code for c in terms.categories)})")
    cat = terms.category(category)
    if not cat.remains:
        raise InputError(f"category {category} of {terms.reference} is not for remains")
    return cat


@dataclass(frozen=True)
class _Cases:
    """The cases a confirmation names: each number's case id, the rows of cases it
    creates (the sending side's, in order), and each case's commitment when the event
    carries it (the sending side's confirmation only)."""

    ids: dict[str, str]
    new: list[dict[str, Any]] = field(default_factory=list)
    commitments: dict[str, str] | None = None

    def named(self, todo: Sequence[str]) -> tuple[RemainsCase, ...]:
        """The cases of ``todo`` as the event names them: the new cases first."""
        if self.commitments is None:
            return tuple(RemainsCase(n) for n in todo)
        created = [r["case_number"] for r in self.new]
        known = [n for n in todo if n not in created]
        return tuple(RemainsCase(n, self.commitments[n]) for n in (*created, *known))


def _handed_over(conn: Connection, agreement_id: str, stage: Stage, cat: Category,
                 direction: str, numbers: list[str], existing: dict[str, Any]) -> _Cases:
    """The sending side hands cases over: new numbers become cases (each with a salted
    commitment), within the category's limit; known ones must be of this handover."""
    for n in numbers:
        row = existing.get(n)
        if row is not None and (row.stage_id != stage.id or row.direction != direction
                                or row.category != cat.code):
            raise Conflict(f"case {n} was already handed over under "
                           f"{row.direction} {row.category} in another stage")
    fresh = [n for n in numbers if n not in existing]
    if cat.limit is not None and fresh:
        count = conn.execute(select(func.count()).select_from(remains_cases).where(
            remains_cases.c.agreement_id == agreement_id,
            remains_cases.c.direction == direction,
            remains_cases.c.category == cat.code)).scalar_one()
        if count + len(fresh) > cat.limit:
            raise Conflict(f"{len(fresh)} more cases of {cat.code} {direction} would "
                           f"make {count + len(fresh)}, over the agreed {cat.limit}")
    ids = {n: existing[n].id for n in numbers if n in existing}
    commitments = {n: existing[n].commitment for n in numbers if n in existing}
    new = []
    for n in fresh:
        case_id, salt = str(uuid.uuid4()), new_salt()
        digest = commitment(salt, {"agreement": agreement_id, "case_number": n,
                                   "direction": direction})
        ids[n], commitments[n] = case_id, digest
        new.append({"id": case_id, "agreement_id": agreement_id, "stage_id": stage.id,
                    "case_number": n, "direction": direction, "category": cat.code,
                    "salt": salt, "commitment": digest})
    return _Cases(ids=ids, new=new, commitments=commitments)


def _received(stage: Stage, direction: str, numbers: list[str], existing: dict[str, Any]
              ) -> _Cases:
    """The receiving side or the intermediary confirms cases the sending side handed
    over in this stage and direction."""
    sending = Direction(direction).sending
    for n in numbers:
        row = existing.get(n)
        if row is None or row.stage_id != stage.id or row.direction != direction:
            raise Conflict(f"case {n} was not handed over by {sending} in stage "
                           f"{stage.number}")
    return _Cases(ids={n: existing[n].id for n in numbers})


def identify_remains(app: App, *, agreement_id: str, case_number: str, person_id: str,
                     actor: str) -> bool:
    """Link a remains case to the person identified (by the receiving party or the
    intermediary); returns False when it was already so identified."""
    with app.uow() as uow:
        conn = uow.exclusive()
        agreement = get_agreement_in(conn, agreement_id)
        row = conn.execute(select(remains_cases).where(
            remains_cases.c.agreement_id == agreement.id,
            remains_cases.c.case_number == case_number)).first()
        if row is None:
            raise NotFound(f"remains case {case_number} is not known under "
                           f"{agreement.terms.reference}")
        if conn.execute(select(persons.c.id).where(persons.c.id == person_id)).first() is None:
            raise NotFound(f"person {person_id} is not known")
        party, _ = party_of(conn, actor)
        receiving = Direction(row.direction).receiving
        if party not in (receiving, agreement.terms.intermediary):
            raise Conflict(f"only {receiving} (which received case {case_number}) or the "
                           f"intermediary identifies remains; {actor} is of {party}")
        if row.person_id == person_id:
            return False
        if row.person_id is not None:
            raise Conflict(f"remains case {case_number} is already identified as person "
                           f"{row.person_id}")
        other = conn.execute(select(remains_cases.c.case_number).where(
            remains_cases.c.person_id == person_id)).scalar()
        if other is not None:
            raise Conflict(f"person {person_id} is already identified in remains case {other}")
        ev = uow.append(RemainsIdentified(agreement_id=agreement.id, case_number=case_number,
                                          person_id=person_id), actor=actor)
        conn.execute(update(remains_cases).where(remains_cases.c.id == row.id).values(
            person_id=person_id, identified_seq=ev.seq))
        uow.commit()
    return True


@dataclass(frozen=True)
class RemainsCount:
    stage: int
    direction: str
    category: str
    sent: int
    received: int
    witnessed: int
    identified: int


def remains_counts(app: App, agreement_id: str) -> list[RemainsCount]:
    """Per stage and direction: cases sent, received, witnessed, identified so far."""
    with app.read() as conn:
        agreement = get_agreement_in(conn, agreement_id)
        numbers = {r.id: r.number for r in conn.execute(select(stages.c.id, stages.c.number)
                                                        .where(stages.c.agreement_id ==
                                                               agreement.id))}
        cases = conn.execute(select(remains_cases).where(
            remains_cases.c.agreement_id == agreement.id)).all()
        roles: dict[str, set[str]] = {}
        for r in conn.execute(select(remains_confirmations).join(
                remains_cases, remains_cases.c.id == remains_confirmations.c.case_id).where(
                remains_cases.c.agreement_id == agreement.id)):
            roles.setdefault(r.case_id, set()).add(r.role)
    tally: dict[tuple[int, str, str], list[int]] = {}
    for c in cases:
        key = (numbers[c.stage_id], c.direction, c.category)
        t = tally.setdefault(key, [0, 0, 0, 0])
        got = roles.get(c.id, set())
        t[0] += HandoverRole.SENDING in got
        t[1] += HandoverRole.RECEIVING in got
        t[2] += HandoverRole.INTERMEDIARY in got
        t[3] += c.person_id is not None
    return [RemainsCount(stage=k[0], direction=k[1], category=k[2], sent=v[0], received=v[1],
                         witnessed=v[2], identified=v[3]) for k, v in sorted(tally.items())]
