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
from dataclasses import dataclass

from sqlalchemy import func, insert, select, update

from parley.bootstrap import App
from parley.domain.events import RemainsConfirmed, RemainsIdentified
from parley.domain.stage_head import parse_direction
from parley.errors import Conflict, InputError, NotFound
from parley.ledger import commitment, new_salt
from parley.services.exchange.agreements import exclusive, get_agreement_in, party_of
from parley.services.exchange.handover import open_stage, role_of
from parley.store.tables import persons, remains_cases, remains_confirmations, stages

CASE_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")


@dataclass(frozen=True)
class RemainsResult:
    role: str
    added: int


def confirm_remains(app: App, *, stage_id: str, direction: str, category: str,
                    case_numbers: Sequence[str], actor: str) -> RemainsResult:
    """A side confirms remains of a stage by case number; the sending side's
    confirmation creates the cases. Repeating a confirmation changes nothing."""
    numbers = list(dict.fromkeys(n.strip() for n in case_numbers))
    if not numbers:
        raise InputError("no case numbers given")
    for n in numbers:
        if not CASE_NUMBER.fullmatch(n):
            raise InputError(f"case number {n!r} must be 1-64 letters, digits, '.', '_', "
                             "'/' or '-'")
    with app.uow() as uow:
        conn = exclusive(uow)
        stage, agreement = open_stage(conn, stage_id)
        terms = agreement.terms
        sending, receiving = parse_direction(direction)
        if {sending, receiving} != set(terms.parties):
            raise InputError(f"direction {direction} is not between the parties of "
                             f"{terms.reference} ({' and '.join(terms.parties)})")
        cat = terms.category(category) if category in {c.code for c in terms.categories} \
            else None
        if cat is None:
            raise InputError(f"agreement {terms.reference} has no category {category!r} "
                             f"(categories: {', '.join(c.code for c in terms.categories)})")
        if not cat.remains:
            raise InputError(f"category {category} of {terms.reference} is not for remains")
        party, _ = party_of(conn, actor)
        role = role_of(party, direction, terms.intermediary)
        if role is None:
            raise Conflict(f"actor {actor} of {party} is neither side of {direction}")
        existing = {r.case_number: r for r in conn.execute(select(remains_cases).where(
            remains_cases.c.agreement_id == agreement.id,
            remains_cases.c.case_number.in_(numbers)))}
        cases: list[object] = []
        if role == "sending":
            for n in numbers:
                row = existing.get(n)
                if row is not None and (row.stage_id != stage.id or row.direction != direction
                                        or row.category != category):
                    raise Conflict(f"case {n} was already handed over under "
                                   f"{row.direction} {row.category} in another stage")
            fresh = [n for n in numbers if n not in existing]
            if cat.limit is not None and fresh:
                count = conn.execute(select(func.count()).select_from(remains_cases).where(
                    remains_cases.c.agreement_id == agreement.id,
                    remains_cases.c.direction == direction,
                    remains_cases.c.category == category)).scalar_one()
                if count + len(fresh) > cat.limit:
                    raise Conflict(f"{len(fresh)} more cases of {category} {direction} would "
                                   f"make {count + len(fresh)}, over the agreed {cat.limit}")
            ids: dict[str, str] = {n: existing[n].id for n in numbers if n in existing}
            rows = []
            for n in fresh:
                case_id, salt = str(uuid.uuid4()), new_salt()
                digest = commitment(salt, {"agreement": agreement.id, "case_number": n,
                                           "direction": direction})
                ids[n] = case_id
                rows.append({"id": case_id, "agreement_id": agreement.id,
                             "stage_id": stage.id, "case_number": n, "direction": direction,
                             "category": category, "salt": salt, "commitment": digest})
                cases.append({"case_number": n, "commitment": digest})
        else:
            for n in numbers:
                row = existing.get(n)
                if row is None or row.stage_id != stage.id or row.direction != direction:
                    raise Conflict(f"case {n} was not handed over by {sending} in stage "
                                   f"{stage.number}")
            ids = {n: existing[n].id for n in numbers}
        done = {r.case_id for r in conn.execute(select(remains_confirmations.c.case_id).where(
            remains_confirmations.c.case_id.in_(list(ids.values())),
            remains_confirmations.c.role == role))}
        todo = [n for n in numbers if ids[n] not in done]
        if not todo:
            return RemainsResult(role=role, added=0)
        if role != "sending":
            cases = list(todo)
        else:
            cases = [c for c in cases if c["case_number"] in todo]  # type: ignore[index]
            known = [n for n in todo if n in existing]
            cases += [{"case_number": n, "commitment": existing[n].commitment} for n in known]
        ev = uow.append(RemainsConfirmed(stage_id=stage.id, direction=direction,
                                         category=category, role=role, cases=cases),
                        actor=actor)
        if role == "sending":
            new_rows = [dict(r, person_id=None, identified_seq=None, event_seq=ev.seq)
                        for r in rows]
            if new_rows:
                conn.execute(insert(remains_cases), new_rows)
        conn.execute(insert(remains_confirmations), [
            {"case_id": ids[n], "role": role, "actor": actor, "event_seq": ev.seq}
            for n in todo])
        uow.commit()
    return RemainsResult(role=role, added=len(todo))


def identify_remains(app: App, *, agreement_id: str, case_number: str, person_id: str,
                     actor: str) -> bool:
    """Link a remains case to the person identified (by the receiving party or the
    intermediary); returns False when it was already so identified."""
    with app.uow() as uow:
        conn = exclusive(uow)
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
        receiving = parse_direction(row.direction)[1]
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
        t[0] += "sending" in got
        t[1] += "receiving" in got
        t[2] += "intermediary" in got
        t[3] += c.person_id is not None
    return [RemainsCount(stage=k[0], direction=k[1], category=k[2], sent=v[0], received=v[1],
                         witnessed=v[2], identified=v[3]) for k, v in sorted(tally.items())]
