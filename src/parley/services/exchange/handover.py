"""Handover: confirmations by all three sides, discrepancies, and closing a stage.

Each listed person is confirmed by the sending party, the receiving party and the
intermediary (confirming twice changes nothing). Discrepancies are found and kept open
until resolved, or carried to a later stage by an explicit decision. A stage closes only
with no open discrepancy; closing records the totals per direction and category and
their stage heads, cosigned by both parties and the intermediary.

The rules (the sides, which discrepancies the confirmations show, which resolution each
kind may take and what it means) are in :mod:`parley.domain.handover`; the stage heads'
form and building in :mod:`parley.domain.stage_head`. This module reads the stage's
rows, calls those rules, and writes their outcome with its events in one transaction.

Each write is one unit of work whose last step is ``uow.commit()``. When that is durable
is said on :meth:`parley.store.uow.UnitOfWork.commit`: at once (the CLI), or, for an API
request with an Idempotency-Key, together with the stored answer in
:func:`parley.runtime.idempotency.run`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.domain.agreements import AgreementTerms
from parley.domain.events import (
    DiscrepancyCarried,
    DiscrepancyOpened,
    DiscrepancyResolved,
    HandoverConfirmed,
    HandoverUnlisted,
    IdentityDisputed,
    StageClosed,
    StagePersonListed,
    StagePersonWithdrawn,
)
from parley.domain.handover import (
    RESOLUTIONS,
    Discrepancy,
    Finding,
    carried_with,
    confirmed_by_all,
    count_mismatches,
    disputed_persons,
    handed_over_leaves,
    may_resolve,
    resolution_refused,
    review,
    role_of,
    unconfirmed_cases,
    unconfirmed_in,
)
from parley.domain.public_head import build_public_head
from parley.domain.stage_head import (
    Cosignature,
    StageHead,
    build_heads,
    signed_head_json,
    totals_of,
)
from parley.domain.vocabulary import (
    Direction,
    DiscrepancyKind,
    DiscrepancyStatus,
    HandoverRole,
    Resolution,
    StagePersonOrigin,
    StagePersonState,
    StageStatus,
)
from parley.errors import Conflict, InputError, NotFound
from parley.ledger import canonical_json, sign
from parley.ledger.merkle import tree_root
from parley.services.exchange import cosigning
from parley.services.exchange.agreements import (
    Agreement,
    evaluate_people,
    get_agreement_in,
    party_of,
    stored_terms,
)
from parley.services.exchange.stages import Stage, get_stage_in, stage_from_row
from parley.services.exchange.verification import nominate_in
from parley.services.publication.public_heads import store_public_head
from parley.services.registry.persons import load_people
from parley.store import UnitOfWork
from parley.store.keyed import KeyedQuery, keyed
from parley.store.tables import (
    agreement_signatures,
    agreements,
    discrepancies,
    handover_confirmations,
    remains_cases,
    remains_confirmations,
    stage_heads,
    stage_persons,
    stages,
)

__all__ = [
    "RESOLUTIONS", "ClosedStage", "Discrepancy", "carry_discrepancy", "check_stage",
    "close_stage", "confirm_handover", "detect", "dispute_identity", "list_discrepancies",
    "open_stage", "report_unlisted", "resolve_discrepancy", "role_of",
]


def _discrepancy(r: Any) -> Discrepancy:
    return Discrepancy(id=r.id, stage_id=r.stage_id, opened_stage_id=r.opened_stage_id,
                       kind=DiscrepancyKind(r.kind), person_id=r.person_id,
                       direction=Direction(r.direction), category=r.category,
                       counts=json.loads(r.counts) if r.counts else None,
                       status=DiscrepancyStatus(r.status),
                       resolution=Resolution(r.resolution) if r.resolution else None)


def list_discrepancies(app: App, *, stage_id: str | None = None,
                       agreement_id: str | None = None, open_only: bool = False
                       ) -> list[Discrepancy]:
    with app.read() as conn:
        stmt = select(discrepancies).order_by(discrepancies.c.event_seq)
        if stage_id is not None:
            get_stage_in(conn, stage_id)
            stmt = stmt.where(discrepancies.c.stage_id == stage_id)
        if agreement_id is not None:
            stmt = stmt.where(discrepancies.c.agreement_id ==
                              get_agreement_in(conn, agreement_id).id)
        if open_only:
            stmt = stmt.where(discrepancies.c.status == DiscrepancyStatus.OPEN)
        return [_discrepancy(r) for r in conn.execute(stmt)]


# --- confirming -----------------------------------------------------------------------


# The stage, its agreement and the agreement's signatures in one read (one row per
# signature): every write to a stage starts with it.
_STAGE_AND_AGREEMENT = (
    select(stages, agreements.c.reference.label("a_reference"),
           agreements.c.terms.label("a_terms"), agreements.c.terms_hash.label("a_terms_hash"),
           agreements.c.event_seq.label("a_event_seq"),
           agreement_signatures.c.party_code.label("signer_party"),
           agreement_signatures.c.actor.label("signer"))
    .join(agreements, agreements.c.id == stages.c.agreement_id)
    .outerjoin(agreement_signatures,
               agreement_signatures.c.agreement_id == stages.c.agreement_id)
    .where(stages.c.id == bindparam("stage")))


def open_stage(conn: Connection, stage_id: str) -> tuple[Stage, Agreement]:
    """A stage that is not closed, with its agreement (Conflict once it is closed)."""
    rows = conn.execute(_STAGE_AND_AGREEMENT, {"stage": stage_id}).all()
    if not rows:
        raise NotFound(f"stage {stage_id} is not known")
    first = rows[0]
    stage = stage_from_row(first)
    agreement = Agreement(
        id=first.agreement_id, terms=stored_terms(first.a_terms, first.a_reference),
        terms_hash=first.a_terms_hash, event_seq=first.a_event_seq,
        signed_by={r.signer_party: r.signer for r in rows if r.signer_party is not None})
    if stage.status == StageStatus.CLOSED:
        raise Conflict(f"stage {stage.number} of {agreement.terms.reference} is closed; "
                       "nothing changed")
    return stage, agreement


# Built once: every confirmation runs them.
_LISTED = KeyedQuery.of(select(stage_persons).where(stage_persons.c.stage_id == bindparam("stage"),
                                                    stage_persons.c.state ==
                                                    StagePersonState.LISTED),
                        stage_persons.c.person_id)
_DISPUTED = KeyedQuery.of(select(discrepancies.c.person_id).where(
    discrepancies.c.stage_id == bindparam("stage"),
    discrepancies.c.status == DiscrepancyStatus.OPEN,
    discrepancies.c.kind == DiscrepancyKind.IDENTITY_DISPUTED), discrepancies.c.person_id)
_CONFIRMED = KeyedQuery.of(
    select(handover_confirmations.c.person_id, handover_confirmations.c.role)
    .where(handover_confirmations.c.stage_id == bindparam("stage")),
    handover_confirmations.c.person_id)
_CONFIRM = insert(handover_confirmations)


def _listed(conn: Connection, stage_id: str,
            person_ids: list[str] | None = None) -> dict[str, Any]:
    """The stage's listed persons (only those of ``person_ids`` when given: a keyed read)."""
    return {r.person_id: r for r in _LISTED.run(conn, person_ids, stage=stage_id)}


def _open_discrepancies(conn: Connection, stage_id: str) -> list[Discrepancy]:
    return [_discrepancy(r) for r in conn.execute(select(discrepancies).where(
        discrepancies.c.stage_id == stage_id, discrepancies.c.status == DiscrepancyStatus.OPEN)
        .order_by(discrepancies.c.event_seq))]


def confirm_handover(app: App, *, stage_id: str, person_ids: Sequence[str], actor: str) -> int:
    """``actor`` confirms that the listed persons were handed over; its role (sending,
    receiving, intermediary) follows from its party and each person's direction.
    Returns how many confirmations are new (0 when all were already recorded)."""
    if not person_ids:
        raise InputError("no persons given")
    with app.uow() as uow:
        conn = uow.exclusive()
        stage, agreement = open_stage(conn, stage_id)
        party, _ = party_of(conn, actor)
        wanted = list(dict.fromkeys(person_ids))
        # A few persons at a time (the usual case) are read by key, so a confirmation
        # costs the same on a list of ten as on a list of ten thousand; a whole stage at
        # once is read whole.
        keys = keyed(wanted)
        listed = _listed(conn, stage_id, keys)
        disputed = set(_DISPUTED.run(conn, keys, stage=stage_id).scalars())
        done = {(r.person_id, r.role) for r in _CONFIRMED.run(conn, keys, stage=stage_id)}
        groups: dict[HandoverRole, list[str]] = defaultdict(list)
        for pid in wanted:
            row = listed.get(pid)
            if row is None:
                raise Conflict(f"person {pid} is not on the list of stage {stage.number}; "
                               "report a person handed over without being listed with "
                               "`parley stage unlisted`")
            role = role_of(party, row.direction, agreement.terms.intermediary)
            if role is None:
                raise Conflict(f"actor {actor} of {party} is neither side of person {pid}'s "
                               f"handover ({row.direction}) nor the intermediary")
            if role == HandoverRole.RECEIVING and pid in disputed:
                raise Conflict(f"{party} disputes the identity of person {pid} in stage "
                               f"{stage.number}; resolve the dispute before confirming")
            if (pid, role) not in done:
                groups[role].append(pid)
        added = 0
        for role in HandoverRole:
            if not groups.get(role):
                continue
            ids = sorted(groups[role])
            ev = uow.append(HandoverConfirmed(stage_id=stage_id, role=role, party=party,
                                              person_ids=ids), actor=actor)
            conn.execute(_CONFIRM, [
                {"stage_id": stage_id, "person_id": pid, "role": role, "actor": actor,
                 "event_seq": ev.seq} for pid in ids])
            added += len(ids)
        uow.commit()
    return added


def _open(uow: UnitOfWork, *, agreement: Agreement, stage: Stage, finding: Finding,
          actor: str) -> Discrepancy:
    """Open a discrepancy in ``stage``: its event and its row."""
    disc = Discrepancy(id=uow.new_id(), stage_id=stage.id, opened_stage_id=stage.id,
                       kind=finding.kind, person_id=finding.person_id,
                       direction=Direction(finding.direction), category=finding.category,
                       counts=finding.counts, status=DiscrepancyStatus.OPEN, resolution=None)
    ev = uow.append(DiscrepancyOpened(discrepancy_id=disc.id, stage_id=stage.id,
                                      kind=disc.kind, person_id=disc.person_id,
                                      direction=disc.direction, category=disc.category,
                                      counts=disc.counts), actor=actor)
    uow.conn.execute(insert(discrepancies).values(
        id=disc.id, agreement_id=agreement.id, stage_id=stage.id, opened_stage_id=stage.id,
        kind=disc.kind, person_id=disc.person_id, direction=disc.direction,
        category=disc.category,
        counts=json.dumps(disc.counts, sort_keys=True) if disc.counts is not None else None,
        status=DiscrepancyStatus.OPEN, resolution=None, event_seq=ev.seq, resolved_seq=None))
    return disc


def dispute_identity(app: App, *, stage_id: str, person_id: str, actor: str) -> Discrepancy:
    """The receiving party disputes a listed person's identity (opens a discrepancy;
    disputing again returns the open one)."""
    with app.uow() as uow:
        conn = uow.exclusive()
        stage, agreement = open_stage(conn, stage_id)
        party, _ = party_of(conn, actor)
        row = _listed(conn, stage_id).get(person_id)
        if row is None:
            raise Conflict(f"person {person_id} is not on the list of stage {stage.number}")
        if role_of(party, row.direction, agreement.terms.intermediary) != \
                HandoverRole.RECEIVING:
            raise Conflict(f"only the receiving party of {row.direction} disputes an "
                           f"identity; {actor} is of {party}")
        for d in _open_discrepancies(conn, stage_id):
            if d.kind == DiscrepancyKind.IDENTITY_DISPUTED and d.person_id == person_id:
                return d
        if conn.execute(select(handover_confirmations.c.role).where(
                handover_confirmations.c.stage_id == stage_id,
                handover_confirmations.c.person_id == person_id,
                handover_confirmations.c.role == HandoverRole.RECEIVING)).first():
            raise Conflict(f"{party} already confirmed person {person_id} in stage "
                           f"{stage.number}")
        uow.append(IdentityDisputed(stage_id=stage_id, person_id=person_id), actor=actor)
        disc = _open(uow, agreement=agreement, stage=stage, actor=actor,
                     finding=Finding(DiscrepancyKind.IDENTITY_DISPUTED, person_id, row.direction,
                                     row.category))
        uow.commit()
    return disc


def report_unlisted(app: App, *, stage_id: str, person_id: str, actor: str) -> Discrepancy:
    """A side reports a person handed over who is not on the stage's list."""
    with app.uow() as uow:
        conn = uow.exclusive()
        stage, agreement = open_stage(conn, stage_id)
        party, _ = party_of(conn, actor)
        if person_id in _listed(conn, stage_id):
            raise Conflict(f"person {person_id} is on the list of stage {stage.number}; "
                           "confirm the handover instead")
        views = load_people(conn, app.cipher, [person_id])
        if person_id not in views or not views[person_id].records:
            raise NotFound(f"person {person_id} is not known")
        d = views[person_id].sides.direction(agreement.terms.parties)
        if d is None:
            raise Conflict(f"cannot tell which party holds person {person_id}: "
                           f"{views[person_id].sides.problem or 'no list says'}")
        direction = Direction.of(*d)
        role = role_of(party, direction, agreement.terms.intermediary)
        if role is None:
            raise Conflict(f"actor {actor} of {party} is neither side of {direction}")
        for disc in _open_discrepancies(conn, stage_id):
            if disc.kind == DiscrepancyKind.NOT_NOMINATED and disc.person_id == person_id:
                return disc
        (row,) = evaluate_people(agreement.terms, views.values())
        uow.append(HandoverUnlisted(stage_id=stage_id, direction=direction,
                                    person_id=person_id, role=role), actor=actor)
        disc = _open(uow, agreement=agreement, stage=stage, actor=actor,
                     finding=Finding(DiscrepancyKind.NOT_NOMINATED, person_id, direction,
                                     row.eligibility.category))
        uow.commit()
    return disc


# --- finding discrepancies ------------------------------------------------------------


def _person_roles(conn: Connection, stage_id: str) -> dict[str, set[str]]:
    """Which sides confirmed each person of the stage."""
    roles: dict[str, set[str]] = defaultdict(set)
    for r in conn.execute(select(handover_confirmations.c.person_id,
                                 handover_confirmations.c.role).where(
            handover_confirmations.c.stage_id == stage_id)):
        roles[r.person_id].add(r.role)
    return roles


def _remains(conn: Connection, stage_id: str) -> list[tuple[Any, set[str]]]:
    """The stage's remains cases, each with the sides that confirmed it."""
    cases = {r.id: r for r in conn.execute(select(remains_cases).where(
        remains_cases.c.stage_id == stage_id))}
    roles: dict[str, set[str]] = defaultdict(set)
    if cases:
        for r in conn.execute(select(remains_confirmations).where(
                remains_confirmations.c.case_id.in_(list(cases)))):
            roles[r.case_id].add(r.role)
    return [(row, roles.get(cid, set())) for cid, row in cases.items()]


def _mismatches(conn: Connection, stage_id: str, disputed: set[str]
                ) -> dict[tuple[str, str], dict[str, int]]:
    return count_mismatches(_listed(conn, stage_id), _remains(conn, stage_id),
                            person_roles=_person_roles(conn, stage_id), disputed=disputed)


def detect(uow: UnitOfWork, stage: Stage, agreement: Agreement, *, actor: str
           ) -> list[Discrepancy]:
    """Open the discrepancies the confirmations show, resolve those that cleared; return
    the stage's open discrepancies."""
    conn = uow.conn
    current = _open_discrepancies(conn, stage.id)
    found = review(current, _listed(conn, stage.id),
                   person_roles=_person_roles(conn, stage.id),
                   mismatches=_mismatches(conn, stage.id, disputed_persons(current)))
    for disc, resolution in found.cleared:
        _resolve(uow, disc, resolution, actor=actor)
    for finding in found.found:
        _open(uow, agreement=agreement, stage=stage, finding=finding, actor=actor)
    return _open_discrepancies(conn, stage.id)


def _require_intermediary(conn: Connection, agreement: Agreement, actor: str, what: str
                          ) -> None:
    party, _ = party_of(conn, actor)
    if party != agreement.terms.intermediary:
        raise Conflict(f"only the intermediary ({agreement.terms.intermediary}) {what}; "
                       f"{actor} is of {party}")


def check_stage(app: App, *, stage_id: str, actor: str) -> list[Discrepancy]:
    """The intermediary checks a stage's confirmations (opens and clears discrepancies)."""
    with app.uow() as uow:
        conn = uow.exclusive()
        stage, agreement = open_stage(conn, stage_id)
        _require_intermediary(conn, agreement, actor, "checks a stage")
        found = detect(uow, stage, agreement, actor=actor)
        uow.commit()
    return found


# --- deciding -------------------------------------------------------------------------


def _get_discrepancy(conn: Connection, discrepancy_id: str) -> Discrepancy:
    row = conn.execute(select(discrepancies).where(
        discrepancies.c.id == discrepancy_id)).first()
    if row is None:
        raise NotFound(f"discrepancy {discrepancy_id} is not known")
    return _discrepancy(row)


def _open_one(conn: Connection, discrepancy_id: str) -> Discrepancy:
    disc = _get_discrepancy(conn, discrepancy_id)
    if disc.status != DiscrepancyStatus.OPEN:
        raise Conflict(f"discrepancy {disc.id} is already resolved ({disc.resolution})")
    return disc


def _resolve(uow: UnitOfWork, disc: Discrepancy, resolution: Resolution, *, actor: str
             ) -> None:
    ev = uow.append(DiscrepancyResolved(discrepancy_id=disc.id, stage_id=disc.stage_id,
                                        resolution=resolution), actor=actor)
    uow.conn.execute(update(discrepancies).where(discrepancies.c.id == disc.id).values(
        status=DiscrepancyStatus.RESOLVED, resolution=resolution, resolved_seq=ev.seq))


def _withdraw(uow: UnitOfWork, stage_id: str, person_id: str, reason: str, *, actor: str,
              state: StagePersonState = StagePersonState.WITHDRAWN) -> None:
    ev = uow.append(StagePersonWithdrawn(stage_id=stage_id, person_id=person_id,
                                         reason=reason), actor=actor)
    uow.conn.execute(update(stage_persons).where(
        stage_persons.c.stage_id == stage_id, stage_persons.c.person_id == person_id
    ).values(state=state, event_seq=ev.seq))


def _list_person(uow: UnitOfWork, *, stage_id: str, person_id: str, nomination_id: str,
                 direction: str, category: str, commitment: str, origin: StagePersonOrigin,
                 actor: str) -> None:
    conn = uow.conn
    ev = uow.append(StagePersonListed(stage_id=stage_id, person_id=person_id,
                                      direction=direction, category=category,
                                      commitment=commitment, origin=origin), actor=actor)
    existing = conn.execute(select(stage_persons.c.state).where(
        stage_persons.c.stage_id == stage_id, stage_persons.c.person_id == person_id)).first()
    if existing is not None:
        conn.execute(update(stage_persons).where(
            stage_persons.c.stage_id == stage_id, stage_persons.c.person_id == person_id
        ).values(state=StagePersonState.LISTED, origin=origin, event_seq=ev.seq))
    else:
        conn.execute(insert(stage_persons).values(
            stage_id=stage_id, person_id=person_id, nomination_id=nomination_id,
            direction=direction, category=category, commitment=commitment, origin=origin,
            state=StagePersonState.LISTED, event_seq=ev.seq))


@dataclass(frozen=True)
class _Resolving:
    """What resolving one discrepancy works with (inside its unit of work)."""

    uow: UnitOfWork
    app: App
    disc: Discrepancy
    stage: Stage
    agreement: Agreement
    actor: str


def _keep_held(r: _Resolving) -> None:
    """``person_remains_held``: the person leaves the stage's list."""
    if r.disc.person_id is not None:
        _withdraw(r.uow, r.stage.id, r.disc.person_id, r.disc.kind, actor=r.actor)


def _all_sides_confirmed(r: _Resolving) -> None:
    """``handed_over``: only once all three sides confirmed the person."""
    roles = _person_roles(r.uow.conn, r.stage.id)
    if not confirmed_by_all(roles.get(r.disc.person_id or "", set())):
        raise Conflict(f"person {r.disc.person_id} is not confirmed by all three sides "
                       f"in stage {r.stage.number}")


def _counts_agree(r: _Resolving) -> None:
    """``confirmations_agree``: only once the three sides' counts agree."""
    if (r.disc.direction, r.disc.category or "") in _mismatches(r.uow.conn, r.stage.id, set()):
        raise Conflict(f"the confirmations of {r.disc.direction} {r.disc.category} in stage "
                       f"{r.stage.number} still differ")


def _withdraw_unconfirmed(r: _Resolving) -> None:
    """``withdrawn_unconfirmed``: the persons not confirmed by all three leave the list;
    remains cases cannot be withdrawn, so each must be confirmed first."""
    conn = r.uow.conn
    for case in unconfirmed_cases(_remains(conn, r.stage.id), r.disc):
        raise Conflict(f"remains case {case.case_number} is not confirmed by all "
                       "three sides; confirm it or carry the discrepancy")
    for pid in unconfirmed_in(_listed(conn, r.stage.id), r.disc,
                              person_roles=_person_roles(conn, r.stage.id)):
        _withdraw(r.uow, r.stage.id, pid, DiscrepancyKind.COUNT_MISMATCH, actor=r.actor)


def _admit(r: _Resolving) -> None:
    """``admitted``: the person handed over unlisted is nominated and listed after the
    fact, in the category the person falls in."""
    disc = r.disc
    if disc.category is None:
        raise Conflict(f"person {disc.person_id} falls in no category of "
                       f"{r.agreement.terms.reference}; cannot be admitted")
    assert disc.person_id is not None
    (nom,) = nominate_in(r.uow, r.app, r.agreement, [disc.person_id], actor=r.actor,
                         party=None)
    _list_person(r.uow, stage_id=r.stage.id, person_id=disc.person_id,
                 nomination_id=nom.id, direction=nom.direction, category=disc.category,
                 commitment=nom.commitment, origin=StagePersonOrigin.ADMITTED, actor=r.actor)


def _nothing_to_change(r: _Resolving) -> None:
    """``returned`` and ``identity_confirmed`` record the decision only."""


#: What resolving with each resolution does beyond recording it (see MEANINGS).
_RESOLVING: dict[Resolution, Callable[[_Resolving], None]] = {
    Resolution.PERSON_REMAINS_HELD: _keep_held,
    Resolution.HANDED_OVER: _all_sides_confirmed,
    Resolution.ADMITTED: _admit,
    Resolution.RETURNED: _nothing_to_change,
    Resolution.IDENTITY_CONFIRMED: _nothing_to_change,
    Resolution.WITHDRAWN_UNCONFIRMED: _withdraw_unconfirmed,
    Resolution.CONFIRMATIONS_AGREE: _counts_agree,
}


def resolve_discrepancy(app: App, *, discrepancy_id: str, resolution: str, actor: str
                        ) -> Discrepancy:
    """Resolve an open discrepancy (see ``RESOLUTIONS`` for what each kind allows and
    ``MEANINGS`` in :mod:`parley.domain.handover` for what each resolution means)."""
    with app.uow() as uow:
        conn = uow.exclusive()
        disc = _open_one(conn, discrepancy_id)
        refused = resolution_refused(disc.kind, resolution)
        if refused:
            raise InputError(refused)
        chosen = Resolution(resolution)
        stage, agreement = open_stage(conn, disc.stage_id)
        party, _ = party_of(conn, actor)
        if not may_resolve(party=party, resolution=chosen, direction=disc.direction,
                           intermediary=agreement.terms.intermediary):
            raise Conflict(f"only the intermediary ({agreement.terms.intermediary}) "
                           f"resolves this discrepancy; {actor} is of {party}")
        _RESOLVING[chosen](_Resolving(uow=uow, app=app, disc=disc, stage=stage,
                                      agreement=agreement, actor=actor))
        _resolve(uow, disc, chosen, actor=actor)
        uow.commit()
    return replace(disc, status=DiscrepancyStatus.RESOLVED, resolution=chosen)


def carry_discrepancy(app: App, *, discrepancy_id: str, to_stage_id: str, actor: str
                      ) -> Discrepancy:
    """By explicit decision, carry an open discrepancy (and its persons) to a later,
    not yet closed stage of the same agreement."""
    with app.uow() as uow:
        conn = uow.exclusive()
        disc = _open_one(conn, discrepancy_id)
        stage, agreement = open_stage(conn, disc.stage_id)
        _require_intermediary(conn, agreement, actor, "carries discrepancies")
        target = get_stage_in(conn, to_stage_id)
        if target.agreement_id != agreement.id or target.number <= stage.number:
            raise Conflict(f"stage {to_stage_id} is not a later stage of "
                           f"{agreement.terms.reference} than stage {stage.number}")
        if target.status == StageStatus.CLOSED:
            raise Conflict(f"stage {target.number} is closed")
        listed = _listed(conn, stage.id)
        moving = carried_with(disc, listed, person_roles=_person_roles(conn, stage.id))
        uow.append(DiscrepancyCarried(discrepancy_id=disc.id, from_stage_id=stage.id,
                                      to_stage_id=target.id), actor=actor)
        for pid in moving:
            row = listed[pid]
            _withdraw(uow, stage.id, pid, "carried", actor=actor,
                      state=StagePersonState.CARRIED)
            _list_person(uow, stage_id=target.id, person_id=pid,
                         nomination_id=row.nomination_id, direction=row.direction,
                         category=row.category, commitment=row.commitment,
                         origin=StagePersonOrigin.CARRIED, actor=actor)
        conn.execute(update(discrepancies).where(discrepancies.c.id == disc.id).values(
            stage_id=target.id))
        uow.commit()
    return replace(disc, stage_id=target.id)


# --- closing --------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosedStage:
    stage: Stage
    totals: dict[str, dict[str, int]]
    heads: list[dict[str, Any]]
    event_seq: int
    # Parties whose cosignatures the close awaits (then nothing closed; ``heads`` are the
    # proposed heads, without cosignatures; see cosigning.py).
    awaiting: list[str] = field(default_factory=list)


def close_stage(app: App, *, stage_id: str, actor: str) -> ClosedStage:
    """Close a stage (the intermediary): no discrepancy may be open; records the totals
    per direction and category and their stage heads cosigned by all three sides."""
    with app.uow() as uow:
        conn = uow.exclusive()
        stage, agreement = open_stage(conn, stage_id)
        _require_intermediary(conn, agreement, actor, "closes stages")
        _refuse_open(stage, agreement, detect(uow, stage, agreement, actor=actor))
        terms = agreement.terms
        # The heads' time: when the close happened (its occurred_at), or when it was
        # first proposed if the parties cosign on their own nodes (cosigning.py).
        head_time = cosigning.proposal_time(conn, stage.id) or uow.occurred()
        directions = list(terms.directions())
        categories = [c.code for c in terms.by_priority()]
        leaves = handed_over_leaves(_listed(conn, stage.id), _remains(conn, stage.id),
                                    person_roles=_person_roles(conn, stage.id))
        heads = build_heads(
            agreement=agreement.id, stage=stage.id, directions=directions,
            categories=categories, leaves=leaves, time=head_time, tree_root=tree_root)
        totals = totals_of(heads, directions=directions)
        public, openings = cosigning.proposed_public_head(app, conn, stage.id, heads) or \
            build_public_head(agreement=agreement.id, stage=stage.id, number=stage.number,
                              date=stage.date, time=head_time, directions=directions,
                              categories=categories, leaves=leaves, tree_root=tree_root)
        signers = [(side, terms.signatories[side])
                   for side in sorted((*terms.parties, terms.intermediary))]
        collected = cosigning.collect(app, conn, stage_id=stage.id, heads=[*heads, public],
                                      signers=signers)
        if collected.missing:
            cosigning.propose(app, conn, stage_id=stage.id, time=head_time,
                              heads=[*heads, public], openings=openings)
            uow.commit()
            return ClosedStage(stage=stage, totals=totals,
                               heads=[h.to_json() for h in heads], event_seq=0,
                               awaiting=collected.missing)
        signed = [signed_head_json(head, cosigs)
                  for head, cosigs in zip(heads, collected.cosignatures, strict=False)]
        carried = sorted(r.id for r in conn.execute(select(discrepancies.c.id).where(
            discrepancies.c.opened_stage_id == stage.id,
            discrepancies.c.stage_id != stage.id)))
        public_head = store_public_head(app, conn, head=public, openings=openings,
                                        cosignatures=collected.cosignatures[-1])
        cosigning.forget(conn, stage.id)
        ev = uow.append(StageClosed(agreement_id=agreement.id, stage_id=stage.id,
                                    totals=totals, heads=signed, carried=carried,
                                    public_head=public_head),
                        actor=actor)
        conn.execute(insert(stage_heads), [
            _head_row(stage.id, head, item, event_seq=ev.seq)
            for head, item in zip(heads, signed, strict=True)])
        conn.execute(update(stages).where(stages.c.id == stage.id).values(
            status=StageStatus.CLOSED, closed_seq=ev.seq, closed_at=head_time,
            totals=canonical_json(totals).decode("utf-8")))
        uow.commit()
    return ClosedStage(stage=replace(stage, status=StageStatus.CLOSED, closed_seq=ev.seq),
                       totals=totals, heads=signed, event_seq=ev.seq)


def _refuse_open(stage: Stage, agreement: Agreement, still_open: list[Discrepancy]) -> None:
    if still_open:
        shown = "; ".join(d.describe() for d in still_open[:3])
        more = f" and {len(still_open) - 3} more" if len(still_open) > 3 else ""
        raise Conflict(f"stage {stage.number} of {agreement.terms.reference} cannot "
                       f"close: {len(still_open)} open discrepancies ({shown}{more}); "
                       "resolve them or carry them to a later stage")


def _cosign(app: App, terms: AgreementTerms, head: StageHead) -> dict[str, Any]:
    """The head signed by each side's signatory: both parties and the intermediary."""
    message = head.to_bytes()
    return signed_head_json(head, [
        Cosignature(actor=signer, party=side, signature=sign(app.keyring.private(signer),
                                                             message))
        for side, signer in ((side, terms.signatories[side])
                             for side in sorted((*terms.parties, terms.intermediary)))])


def _head_row(stage_id: str, head: StageHead, signed: dict[str, Any], *, event_seq: int
              ) -> dict[str, Any]:
    return {"stage_id": stage_id, "direction": head.direction, "category": head.category,
            "tree_size": head.tree_size, "root": head.root,
            "head": head.to_bytes().decode("utf-8"),
            "cosignatures": json.dumps(signed["cosignatures"]), "event_seq": event_seq}
