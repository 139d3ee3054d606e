"""Statements: each party's public claims, recorded beside the confirmed figures.

A statement has a date, a source (where it was said or published), optionally the stage
it speaks of, and claimed numbers per direction and category. :func:`compare` puts each
claim beside what the signed stage closings confirm: the stage's own totals when the
statement names a stage, otherwise the totals of every stage closed by the statement's
date.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import insert, select

from parley.bootstrap import App
from parley.domain.events import StatementRecorded
from parley.domain.vocabulary import Direction, PartyKind, StageStatus, VocabularyError
from parley.errors import Conflict, InputError, NotFound
from parley.ledger import canonical_json
from parley.services.exchange.agreements import Agreement, get_agreement_in, party_of
from parley.services.exchange.stages import parse_date, stages_of
from parley.store.tables import stages, statements

FIELDS = ("party", "date", "source", "stage", "claims")


@dataclass(frozen=True)
class Statement:
    id: str
    party: str
    stated_on: str
    source: str
    stage_number: int | None
    claims: dict[str, dict[str, int]]
    event_seq: int


def _check_claims(agreement: Agreement, claims: Any, where: str) -> dict[str, dict[str, int]]:
    terms = agreement.terms
    directions = set(terms.directions())
    codes = [c.code for c in terms.categories]
    if not isinstance(claims, Mapping) or not claims:
        raise InputError(f"{where}: claims: expected a mapping of direction (e.g. "
                         f"{sorted(directions)[0]}) to category numbers")
    out: dict[str, dict[str, int]] = {}
    for direction, numbers in claims.items():
        try:
            Direction.parse(str(direction))
        except VocabularyError as exc:
            raise InputError(f"{where}: claims: {exc}") from None
        if direction not in directions:
            raise InputError(f"{where}: claims: {direction} is not a direction of "
                             f"{terms.reference} ({', '.join(sorted(directions))})")
        if not isinstance(numbers, Mapping) or not numbers:
            raise InputError(f"{where}: claims.{direction}: expected category: number")
        out[direction] = {}
        for code, n in numbers.items():
            if code not in codes:
                raise InputError(f"{where}: claims.{direction}: unknown category {code!r} "
                                 f"(categories of {terms.reference}: {', '.join(codes)})")
            if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                raise InputError(f"{where}: claims.{direction}.{code}: {n!r} is not a "
                                 "number of persons")
            out[direction][code] = n
    return out


def record_statement(app: App, *, agreement_id: str, party: str, stated_on: str | date,
                     source: str, claims: Mapping[str, Any], actor: str,
                     stage_number: int | None = None, where: str = "statement"
                     ) -> Statement:
    """Record a party's public statement (by an actor of that party or the intermediary,
    which may record what a party published)."""
    when = parse_date(stated_on, what=f"{where}: date")
    if not source or not source.strip():
        raise InputError(f"{where}: source is missing (where was this said?)")
    with app.uow() as uow:
        conn = uow.exclusive()
        agreement = get_agreement_in(conn, agreement_id)
        if party not in agreement.terms.parties:
            raise InputError(f"{where}: party {party!r} is not a party to "
                             f"{agreement.terms.reference}")
        actor_party, kind = party_of(conn, actor)
        if actor_party != party and kind != PartyKind.INTERMEDIARY:
            raise Conflict(f"actor {actor} of {actor_party} cannot record {party}'s "
                           "statements")
        checked = _check_claims(agreement, claims, where)
        stage_id = None
        if stage_number is not None:
            match = [s for s in stages_of(conn, agreement.id) if s.number == stage_number]
            if not match:
                raise NotFound(f"{where}: stage {stage_number} of "
                               f"{agreement.terms.reference} is not planned")
            stage_id = match[0].id
        statement_id = uow.new_id()
        ev = uow.append(StatementRecorded(
            statement_id=statement_id, agreement_id=agreement.id, party=party,
            stated_on=when.isoformat(), source=source.strip(), stage_id=stage_id,
            claims=checked), actor=actor)
        conn.execute(insert(statements).values(
            id=statement_id, agreement_id=agreement.id, party_code=party,
            stated_on=when.isoformat(), source=source.strip(), stage_id=stage_id,
            claims=canonical_json(checked).decode("utf-8"), actor=actor, event_seq=ev.seq))
        uow.commit()
    return Statement(id=statement_id, party=party, stated_on=when.isoformat(),
                     source=source.strip(), stage_number=stage_number, claims=checked,
                     event_seq=ev.seq)


def load_statement(app: App, *, agreement_id: str, path: Path, actor: str) -> Statement:
    """Record the statement in a YAML file (party, date, source, [stage], claims)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot be read: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, Mapping):
        raise InputError(f"{path}: expected a mapping with {', '.join(FIELDS)}")
    for key in data:
        if key not in FIELDS:
            raise InputError(f"{path}: unknown field {key!r} (known: {', '.join(FIELDS)})")
    for key in ("party", "date", "source", "claims"):
        if data.get(key) in (None, ""):
            raise InputError(f"{path}: field {key!r} is missing")
    stage = data.get("stage")
    if stage is not None and (isinstance(stage, bool) or not isinstance(stage, int)):
        raise InputError(f"{path}: stage: {stage!r} is not a stage number")
    stated = data["date"]
    return record_statement(app, agreement_id=agreement_id, party=str(data["party"]),
                            stated_on=stated if isinstance(stated, date) else str(stated),
                            source=str(data["source"]), claims=data["claims"], actor=actor,
                            stage_number=stage, where=str(path))


@dataclass(frozen=True)
class ClaimRow:
    """One claimed number beside the confirmed one."""

    statement_id: str
    party: str
    stated_on: str
    source: str
    scope: str
    direction: str
    category: str
    claimed: int
    confirmed: int


def compare(app: App, agreement_id: str) -> list[ClaimRow]:
    """Every claim of every statement beside the confirmed figure it speaks of."""
    with app.read() as conn:
        agreement = get_agreement_in(conn, agreement_id)
        closed = [(r.id, r.number, r.stage_date, json.loads(r.totals))
                  for r in conn.execute(select(stages).where(
                      stages.c.agreement_id == agreement.id,
                      stages.c.status == StageStatus.CLOSED)
                      .order_by(stages.c.number))]
        rows = conn.execute(select(statements).where(
            statements.c.agreement_id == agreement.id).order_by(statements.c.event_seq)).all()
    out = []
    for s in rows:
        claims = json.loads(s.claims)
        if s.stage_id is not None:
            scope_stages = [c for c in closed if c[0] == s.stage_id]
            number = next((c[1] for c in closed if c[0] == s.stage_id), None)
            scope = f"stage {number}" if number else "stage not closed"
        else:
            scope_stages = [c for c in closed if c[2] <= s.stated_on]
            scope = f"all stages closed by {s.stated_on}"
        for direction, numbers in sorted(claims.items()):
            for code, claimed in sorted(numbers.items()):
                confirmed = sum(int(c[3].get(direction, {}).get(code, 0))
                                for c in scope_stages)
                out.append(ClaimRow(statement_id=s.id, party=s.party_code,
                                    stated_on=s.stated_on, source=s.source, scope=scope,
                                    direction=direction, category=code, claimed=claimed,
                                    confirmed=confirmed))
    return out
