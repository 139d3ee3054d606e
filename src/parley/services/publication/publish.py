"""`parley publish`: the verification bundle and the public report, and what may be shown.

:func:`publish_bundle` signs a checkpoint at the chain's head, then writes the bundle:
the events that concern no person (keys, agreements, statements, publication decisions)
with their inclusion proofs in that checkpoint, each closed stage's cosigned public head
with the openings of the figures that may be shown (small counts and what would give them
away withheld), the totals, the HXL CSV, the report, and a manifest naming every file's
SHA-256, signed by an actor of the intermediary. Never the event chain. :func:`hold_stage` and
:func:`release_stage` record publication decisions as events.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.domain.events import PublicationHeld, PublicationReleased
from parley.domain.vocabulary import PublicationDecision
from parley.errors import Conflict, InputError, NotFound
from parley.ledger.chain import StoredEvent
from parley.reports import bundle as names
from parley.reports.policy import DEFAULT_K, Policy, held_stages
from parley.reports.verify import VerifyResult, verify_bundle
from parley.reports.writer import STAGING, ClosedStage, write_bundle
from parley.services.ledger import iter_events
from parley.services.publication.checkpoints import create_checkpoint, intermediary_actor
from parley.services.publication.public_heads import public_heads
from parley.store import timestamp
from parley.store.tables import events, publication_decisions

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class PublishResult:
    """Where the bundle went and what it holds."""

    directory: str
    public_events: int
    stages: int
    withheld_figures: int
    held_stages: list[str]
    tree_size: int


def closed_stages(app: App, conn: Connection, stored: list[StoredEvent]) -> list[ClosedStage]:
    """Every closed stage with its public head and openings (None: closed before them)."""
    sealed = public_heads(app, conn)
    planned: dict[str, dict[str, Any]] = {}
    out = []
    for ev in stored:
        if ev.type == "stage.planned":
            planned[json.loads(ev.payload)["stage_id"]] = json.loads(ev.payload)
        elif ev.type == "stage.closed":
            p = json.loads(ev.payload)
            plan = planned.get(p["stage_id"], {})
            found = sealed.get(p["stage_id"])
            out.append(ClosedStage(
                id=p["stage_id"], agreement=p["agreement_id"],
                number=int(plan.get("number", 0)), date=str(plan.get("date", "")),
                cosigned=p.get("public_head") if found else None,
                openings=found.openings if found else None))
    return out


def publish_bundle(app: App, out: Path, *, k: int = DEFAULT_K, actor: str | None = None,
                   now: datetime | None = None) -> PublishResult:
    """Write the bundle and the report to ``out`` (an empty directory or an older bundle)."""
    if k < 1 or k == 2:
        raise InputError(f"k must be 1 (nothing withheld) or at least 3 (got {k}): with "
                         "k = 2 a withheld count could only be 1")
    _prepare(out)
    checkpoint = create_checkpoint(app, actor=actor)
    published_at = timestamp(now or app.clock())
    with app.read() as conn:
        publisher = intermediary_actor(conn, actor)
        stored = [e for e in iter_events(conn) if e.seq <= checkpoint.tree_size]
        closed = closed_stages(app, conn, stored)
    written = write_bundle(out, stored=stored, checkpoint=checkpoint, closed=closed,
                           policy=Policy(published_at=published_at, k=k),
                           publisher=publisher, key=app.keyring.private(publisher))
    return PublishResult(directory=str(out), public_events=written.public_events,
                         stages=written.stages, withheld_figures=written.withheld_figures,
                         held_stages=written.held_stages, tree_size=checkpoint.tree_size)


def _prepare(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file; --out needs a directory")
    if out.exists() and any(out.iterdir()):
        if not (out / names.MANIFEST).exists() and not (out / STAGING).exists():
            raise InputError(f"{out} is not empty and holds no earlier bundle; "
                             "choose another --out")
        for name in (names.MANIFEST, *names.FILES):
            (out / name).unlink(missing_ok=True)
        shutil.rmtree(out / STAGING, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)


def hold_stage(app: App, *, stage_id: str, until: str | None, reason: str,
               actor: str | None = None) -> int:
    """Hold a stage's figures back until ``until`` (YYYY-MM-DD) or a release decision."""
    if until is not None:
        if not _DATE.fullmatch(until):
            raise InputError(f"--until {until!r} must be a date as YYYY-MM-DD")
        try:
            date.fromisoformat(until)
        except ValueError:
            raise InputError(f"--until {until!r} is not a calendar date") from None
    if not reason.strip():
        raise InputError("a reason is required for holding figures back")
    return _decide(app, stage_id=stage_id, decision=PublicationDecision.HOLD, until=until,
                   reason=reason,
                   actor=actor)


def release_stage(app: App, *, stage_id: str, reason: str, actor: str | None = None) -> int:
    """Let a held stage's figures be published from now on."""
    with app.read() as conn:
        held = held_stages(list(iter_events(conn)), timestamp(app.clock()))
    if stage_id not in held:
        raise Conflict(f"stage {stage_id} is not held; nothing to release")
    return _decide(app, stage_id=stage_id, decision=PublicationDecision.RELEASE, until=None,
                   reason=reason,
                   actor=actor)


def _known_stage(conn: Connection, stage_id: str) -> None:
    """Refuse a stage id that no event of the chain mentions."""
    mention = f'"stage_id":"{stage_id}"'
    found = conn.execute(select(events.c.seq).where(events.c.payload.contains(mention))
                         .limit(1)).first()
    if found is None:
        raise NotFound(f"stage {stage_id} is not known (no event mentions it)")


def _decide(app: App, *, stage_id: str, decision: PublicationDecision, until: str | None,
            reason: str, actor: str | None) -> int:
    with app.uow() as uow:
        signer = intermediary_actor(uow.conn, actor)
        _known_stage(uow.conn, stage_id)
        if decision == PublicationDecision.HOLD:
            ev = uow.append(PublicationHeld(stage_id=stage_id, until=until, reason=reason),
                            actor=signer)
        else:
            ev = uow.append(PublicationReleased(stage_id=stage_id, reason=reason),
                            actor=signer)
        uow.conn.execute(insert(publication_decisions).values(
            id=str(uuid.uuid4()), stage_id=stage_id, decision=decision, until=until,
            reason=reason, actor=signer, decided_at=timestamp(uow.now()),
            event_seq=ev.seq))
        uow.commit()
    return ev.seq


@dataclass(frozen=True)
class PublishedAndVerified:
    """What the demo prints after publishing: where, and what the verifier said."""

    published: PublishResult
    verified: VerifyResult
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        v = self.verified
        if v.failure is not None:
            return [f"bundle {self.published.directory} does NOT verify: {v.failure}"]
        return [*self.notes,
                f"bundle published to {self.published.directory} and verified: "
                f"{v.summary()}",
                f"public report: {Path(self.published.directory) / names.REPORT}"]


def publish_and_verify(app: App, out: Path, *, k: int = DEFAULT_K,
                       family_proof_to: Path | None = None) -> PublishedAndVerified:
    """Publish the bundle to ``out`` and verify it from its files alone (the demo's end).

    With ``family_proof_to`` it also shows the family side: a proof for the first person
    handed over, written there and verified against the bundle; then a second person's
    data erased, the bundle published again and verified, and that person's proof
    refused.
    """
    published = publish_bundle(app, out, k=k)
    verified = verify_bundle(out)
    notes: list[str] = []
    if verified.ok and family_proof_to is not None:
        notes = _family_and_erasure(app, out, family_proof_to, k=k)
        published = publish_bundle(app, out, k=k)
        verified = verify_bundle(out)
    return PublishedAndVerified(published=published, verified=verified, notes=notes)


def _family_and_erasure(app: App, out: Path, proof_file: Path, *, k: int) -> list[str]:
    from parley.reports.verify import verify_proof
    from parley.services.publication.erasure import erase_person
    from parley.services.publication.proofs import handed_over_persons, write_family_proof

    persons = handed_over_persons(app)
    if len(persons) < 2:
        return []
    proof = write_family_proof(app, persons[0], proof_file)
    checked = verify_proof(out, proof_file)
    head = proof["stage_head"]["head"]
    notes = [f"family proof for person {persons[0]} written to {proof_file}: "
             f"{'verified' if checked.ok else f'DOES NOT VERIFY: {checked.failure}'} "
             f"(handed over in stage {head['number']} of {head['date']})"]
    erased = erase_person(app, persons[1], reason="demo: a data-protection request")
    try:
        write_family_proof(app, persons[1], proof_file.with_name("refused.json"))
        refused = "a proof could still be made (wrong)"
    except Conflict:
        refused = "no proof can be made any more"
    notes.append(f"person {persons[1]} erased ({erased.records} records, event "
                 f"{erased.event_seq}): {refused}; bundle published again")
    return notes
