"""Agreements: recording terms from a YAML file, the three signatures, eligibility reports.

The intermediary records the terms (``agreement.recorded``, which is its signature over
the terms' hash); each party's named signatory then appends ``agreement.signed`` with the
same hash. The agreement is active, and stages may be planned under it, once both
parties and the intermediary have signed.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.domain.agreements import (
    AgreementError,
    AgreementTerms,
    AllOf,
    AnyOf,
    Category,
    ListedIn,
    Named,
    Not,
    Rule,
    load_terms,
    parse_terms,
)
from parley.domain.eligibility import Eligibility, eligibility
from parley.domain.events import AgreementRecorded, AgreementSigned
from parley.domain.person_facts import PersonView
from parley.domain.vocabulary import Direction, PartyKind
from parley.errors import Conflict, InputError, NotFound
from parley.ledger import canonical_json, sha256_hex
from parley.services.registry.persons import load_people
from parley.store.tables import (
    actors,
    agreement_signatures,
    agreements,
    parties,
    persons,
    source_lists,
)


@dataclass(frozen=True)
class Agreement:
    """A recorded agreement: its terms, who has signed, and whether it is active."""

    id: str
    terms: AgreementTerms
    terms_hash: str
    signed_by: dict[str, str]
    event_seq: int

    @property
    def active(self) -> bool:
        return set(self.signed_by) >= {*self.terms.parties, self.terms.intermediary}

    @property
    def awaiting(self) -> list[str]:
        return [p for p in (*self.terms.parties, self.terms.intermediary)
                if p not in self.signed_by]

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "reference": self.terms.reference,
                "terms_hash": self.terms_hash, "active": self.active,
                "signed_by": dict(sorted(self.signed_by.items())),
                "terms": self.terms.to_json()}


def terms_hash(terms: AgreementTerms) -> str:
    return sha256_hex(canonical_json(terms.to_json()))


_PARTY_OF = (select(actors.c.party_code, parties.c.kind)
             .join(parties, parties.c.code == actors.c.party_code)
             .where(actors.c.id == bindparam("actor")))


def party_of(conn: Connection, actor: str) -> tuple[str, PartyKind]:
    """The party code and kind (party or intermediary) of a registered actor."""
    row = conn.execute(_PARTY_OF, {"actor": actor}).first()
    if row is None:
        raise NotFound(f"actor {actor} is not registered")
    return str(row.party_code), PartyKind(row.kind)


def load_agreement(app: App, *, path: Path, actor: str) -> Agreement:
    """Read, validate and record the agreement in ``path`` (YAML), signed by ``actor``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read: {exc}") from None
    try:
        terms = load_terms(text, source=str(path))
    except AgreementError as exc:
        raise InputError(str(exc)) from None
    return record_agreement(app, terms=terms, actor=actor, source=str(path))


def record_agreement(app: App, *, terms: AgreementTerms, actor: str,
                     source: str = "agreement") -> Agreement:
    """Record validated ``terms`` (the intermediary's signatory signs by recording them).

    Recording the same terms again changes nothing; other terms under a reference that
    is already used are refused.
    """
    digest = terms_hash(terms)
    with app.uow() as uow:
        conn = uow.exclusive()
        existing = conn.execute(select(agreements).where(
            agreements.c.reference == terms.reference)).first()
        if existing is not None:
            if existing.terms_hash == digest:
                return _agreement(conn, existing)
            raise Conflict(f"{source}: agreement {terms.reference} is already recorded "
                           f"({existing.id}) with other terms; choose another reference")
        _check_sides(conn, terms, source)
        if actor != terms.signatories[terms.intermediary]:
            raise Conflict(f"{source}: the terms name "
                           f"{terms.signatories[terms.intermediary]} as the signatory of "
                           f"{terms.intermediary}; {actor} cannot record them")
        _check_references(conn, terms, source)
        agreement_id = str(uuid.uuid4())
        ev = uow.append(AgreementRecorded(agreement_id=agreement_id,
                                          reference=terms.reference,
                                          terms=terms.to_json(), terms_hash=digest),
                        actor=actor)
        conn.execute(insert(agreements).values(
            id=agreement_id, reference=terms.reference, title=terms.title,
            agreed_on=terms.agreed_on.isoformat(), place=terms.place, party_a=terms.parties[0],
            party_b=terms.parties[1], intermediary=terms.intermediary,
            terms=canonical_json(terms.to_json()).decode("utf-8"), terms_hash=digest,
            recorded_by=actor, event_seq=ev.seq))
        conn.execute(insert(agreement_signatures).values(
            agreement_id=agreement_id, party_code=terms.intermediary, actor=actor,
            event_seq=ev.seq))
        uow.commit()
    return Agreement(id=agreement_id, terms=terms, terms_hash=digest,
                     signed_by={terms.intermediary: actor}, event_seq=ev.seq)


def _check_sides(conn: Connection, terms: AgreementTerms, source: str) -> None:
    kinds = {r.code: r.kind for r in conn.execute(select(parties.c.code, parties.c.kind))}
    for side in (*terms.parties, terms.intermediary):
        want = PartyKind.INTERMEDIARY if side == terms.intermediary else PartyKind.PARTY
        if side not in kinds:
            raise InputError(f"{source}: party {side} is not registered "
                             "(parley keys init ... --party-title ...)")
        if kinds[side] != want:
            raise InputError(f"{source}: {side} is registered as {kinds[side]}, "
                             f"not as {want}")
        signatory = terms.signatories[side]
        party = conn.execute(select(actors.c.party_code).where(
            actors.c.id == signatory)).scalar()
        if party != side:
            raise InputError(f"{source}: signatories.{side}: actor {signatory} is not a "
                             f"registered actor of {side}")


def _rules(rule: Rule) -> Iterable[Rule]:
    yield rule
    if isinstance(rule, (AllOf, AnyOf)):
        for part in rule.rules:
            yield from _rules(part)
    elif isinstance(rule, Not):
        yield from _rules(rule.rule)


def _check_references(conn: Connection, terms: AgreementTerms, source: str) -> None:
    for i, cat in enumerate(terms.categories):
        for rule in _rules(cat.rule):
            if isinstance(rule, Named):
                for pid in sorted(rule.persons):
                    if conn.execute(select(persons.c.id).where(persons.c.id == pid)
                                    ).first() is None:
                        raise InputError(f"{source}: categories[{i}] ({cat.code}): rule: "
                                         f"named person {pid} is not known")
            if isinstance(rule, ListedIn) and conn.execute(
                    select(source_lists.c.id).where(source_lists.c.id == rule.list_id)
            ).first() is None:
                raise InputError(f"{source}: categories[{i}] ({cat.code}): rule: "
                                 f"list {rule.list_id} is not known")


def sign_agreement(app: App, *, agreement_id: str, actor: str,
                   expected_hash: str | None = None) -> Agreement:
    """A party's named signatory signs the terms; signing twice changes nothing."""
    with app.uow() as uow:
        conn = uow.exclusive()
        agreement = get_agreement_in(conn, agreement_id)
        party, _kind = party_of(conn, actor)
        terms = agreement.terms
        if party not in (*terms.parties, terms.intermediary):
            raise Conflict(f"actor {actor} of {party} is not a side of agreement "
                           f"{terms.reference}")
        if terms.signatories[party] != actor:
            raise Conflict(f"agreement {terms.reference} names {terms.signatories[party]} "
                           f"as the signatory of {party}, not {actor}")
        if expected_hash is not None and expected_hash != agreement.terms_hash:
            raise Conflict(f"agreement {terms.reference}'s terms hash is "
                           f"{agreement.terms_hash}, not {expected_hash}: not signed")
        if party in agreement.signed_by:
            return agreement
        ev = uow.append(AgreementSigned(agreement_id=agreement.id, party=party,
                                        terms_hash=agreement.terms_hash), actor=actor)
        conn.execute(insert(agreement_signatures).values(
            agreement_id=agreement.id, party_code=party, actor=actor, event_seq=ev.seq))
        uow.commit()
    return Agreement(id=agreement.id, terms=terms, terms_hash=agreement.terms_hash,
                     signed_by={**agreement.signed_by, party: actor},
                     event_seq=agreement.event_seq)


def get_agreement(app: App, agreement_id: str) -> Agreement:
    with app.read() as conn:
        return get_agreement_in(conn, agreement_id)


# Built once: every write to a stage runs them.
_BY_ID = select(agreements).where(agreements.c.id == bindparam("agreement"))
_BY_REFERENCE = select(agreements).where(agreements.c.reference == bindparam("agreement"))
_SIGNATURES = select(agreement_signatures.c.party_code, agreement_signatures.c.actor) \
    .where(agreement_signatures.c.agreement_id == bindparam("agreement"))


def get_agreement_in(conn: Connection, agreement_id: str) -> Agreement:
    """By id or by reference."""
    row = conn.execute(_BY_ID, {"agreement": agreement_id}).first() or \
        conn.execute(_BY_REFERENCE, {"agreement": agreement_id}).first()
    if row is None:
        raise NotFound(f"agreement {agreement_id} is not recorded")
    return _agreement(conn, row)


@functools.lru_cache(maxsize=256)
def stored_terms(text: str, reference: str) -> AgreementTerms:
    """Recorded terms, parsed once per process: they never change once recorded, and the
    parsed terms are immutable, so every request may share them."""
    return parse_terms(json.loads(text), source=f"agreement {reference}")


def _agreement(conn: Connection, row: Any) -> Agreement:
    terms = stored_terms(row.terms, row.reference)
    signed = {r.party_code: r.actor for r in conn.execute(_SIGNATURES, {"agreement": row.id})}
    return Agreement(id=row.id, terms=terms, terms_hash=row.terms_hash, signed_by=signed,
                     event_seq=row.event_seq)


def require_active(conn: Connection, agreement_id: str) -> Agreement:
    agreement = get_agreement_in(conn, agreement_id)
    if not agreement.active:
        raise Conflict(f"agreement {agreement.terms.reference} is not active: awaiting "
                       f"the signature of {', '.join(agreement.awaiting)}")
    return agreement


def list_agreements(app: App) -> list[Agreement]:
    with app.read() as conn:
        rows = conn.execute(select(agreements).order_by(agreements.c.event_seq)).all()
        return [_agreement(conn, r) for r in rows]


@dataclass(frozen=True)
class EligibilityRow:
    """One person's standing under an agreement, with the direction of their handover."""

    person_id: str
    direction: Direction | None
    eligibility: Eligibility
    sides_problem: str


def living_categories(terms: AgreementTerms) -> list[Category]:
    return [c for c in terms.by_priority() if not c.remains]


def evaluate_people(terms: AgreementTerms, people: Iterable[PersonView]
                    ) -> list[EligibilityRow]:
    """Eligibility of each person under ``terms`` (living-person categories only)."""
    cats = living_categories(terms)
    out = []
    for view in people:
        d = view.sides.direction(terms.parties)
        out.append(EligibilityRow(
            person_id=view.person_id, direction=Direction.of(*d) if d else None,
            eligibility=eligibility(terms, view.facts, categories=cats),
            sides_problem=view.sides.problem))
    return out


def eligibility_report(app: App, *, agreement_id: str,
                       person_ids: Iterable[str] | None = None) -> list[EligibilityRow]:
    """For every person (or the given ones): categories, reasons, direction.

    Reasons hold personal data (birth dates): this is the intermediary's view."""
    with app.read() as conn:
        agreement = get_agreement_in(conn, agreement_id)
        ids = None if person_ids is None else list(person_ids)
        if ids is not None:
            for pid in ids:
                if conn.execute(select(persons.c.id).where(persons.c.id == pid)).first() \
                        is None:
                    raise NotFound(f"person {pid} is not known")
        people = load_people(conn, app.cipher, ids)
    return evaluate_people(agreement.terms, people.values())
