"""`parley proof PERSON`: a family's proof that its relative was handed over in stage N.

The proof opens one leaf of the stage's padded persons tree (its salt and the person's
commitment), with the inclusion path and the public stage head cosigned by all three; the
intermediary signs the file. No record field, no category, no stage size
(``reports/proofs.py`` defines the format).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.domain.vocabulary import StageStatus
from parley.errors import Conflict, InputError, NotFound
from parley.ledger.merkle import inclusion_proof, leaf_hash
from parley.reports.proofs import build_proof, proof_text
from parley.services.publication.checkpoints import intermediary_actor
from parley.services.publication.public_heads import SealedStage, public_heads
from parley.store import timestamp
from parley.store.tables import persons, record_links, remains_cases, source_records, stages


@dataclass(frozen=True)
class _Opening:
    """What opens one of the person's commitments: the record (or why not) and the salt."""

    record: dict[str, Any] | None
    salt: bytes | None
    erased_at: str | None


def _openings(app: App, conn: Connection, person_id: str) -> dict[str, _Opening]:
    """The person's commitments: their source records, and remains cases identified as
    them (a case's record is ``{agreement, case_number, direction}``)."""
    out: dict[str, _Opening] = {}
    for r in conn.execute(
            select(source_records.c.id, source_records.c.sealed, source_records.c.salt,
                   source_records.c.commitment, source_records.c.erased_at)
            .join(record_links, record_links.c.record_id == source_records.c.id)
            .where(record_links.c.person_id == person_id)):
        opened = (app.cipher.open(r.sealed, row_id=r.id)
                  if r.sealed is not None and r.salt is not None else None)
        out[r.commitment] = _Opening(opened, None if r.salt is None else bytes(r.salt),
                                     r.erased_at)
    for c in conn.execute(select(remains_cases).where(remains_cases.c.person_id == person_id)):
        record = {"agreement": c.agreement_id, "case_number": c.case_number,
                  "direction": c.direction}
        out[c.commitment] = _Opening(record if c.salt is not None else None,
                                     None if c.salt is None else bytes(c.salt),
                                     None if c.salt is not None else "erasure")
    return out


def _stage_numbers(conn: Connection) -> dict[str, int]:
    return {r.id: int(r.closed_seq or 0) for r in conn.execute(
        select(stages.c.id, stages.c.closed_seq).where(stages.c.status == StageStatus.CLOSED))}


def family_proof(app: App, person_id: str, *, actor: str | None = None) -> dict[str, Any]:
    """The proof (format ``parley-proof/2``, see ``reports/proofs.py``) that
    ``person_id`` was handed over in their latest closed stage, and nothing else.

    Stable entry point for the family pages and the API: raises NotFound when the person
    is unknown or was handed over in no stage closed with a public head, Conflict when
    their data was erased.
    """
    now = timestamp(app.clock())
    with app.read() as conn:
        if conn.execute(select(persons.c.id).where(persons.c.id == person_id)).first() is None:
            raise NotFound(f"person {person_id} is not known")
        openings = _openings(app, conn, person_id)
        sealed = public_heads(app, conn)
        closed_at = _stage_numbers(conn)
        issuer = intermediary_actor(conn, actor)
    found: tuple[int, str, SealedStage] | None = None
    for stage_id, stage in sealed.items():
        for p in stage.openings.persons:
            if p.commitment in openings:
                order = closed_at.get(stage_id, 0)
                if found is None or order > found[0]:
                    found = (order, p.commitment, stage)
    if found is None:
        raise NotFound(f"person {person_id} was not handed over in any closed stage")
    _, commitment, stage = found
    opening = openings[commitment]
    if opening.record is None or opening.salt is None:
        raise Conflict(f"person {person_id}'s data was erased ({opening.erased_at}); no "
                       "proof can be made for them any more")
    located = stage.openings.person(commitment)
    assert located is not None
    index, person = located
    path = inclusion_proof(index, [leaf_hash(bytes.fromhex(x))
                                   for x in stage.openings.person_leaves])
    return build_proof(signed_head=stage.cosigned, salt=person.salt,
                       commitment=commitment, index=index,
                       inclusion=[x.hex() for x in path], issued_at=now, issuer=issuer,
                       key=app.keyring.private(issuer))


def proof_file_text(proof: dict[str, Any]) -> str:
    """The proof as its file holds it: one line of canonical JSON (what
    ``parley verify BUNDLE --proof FILE`` reads); for downloads."""
    return proof_text(proof)


def write_family_proof(app: App, person_id: str, out: Path, *, actor: str | None = None
                       ) -> dict[str, Any]:
    """Write the proof to ``out`` (mode 0600: it shows that this person was handed over)."""
    if out.exists() and out.is_dir():
        raise InputError(f"{out} is a directory; --out needs a file name")
    proof = family_proof(app, person_id, actor=actor)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(proof_text(proof), encoding="utf-8")
    out.chmod(0o600)
    return proof


def handed_over_persons(app: App) -> list[str]:
    """Persons handed over in a stage closed with a public head, by stage then commitment."""
    with app.read() as conn:
        links = {r.commitment: r.person_id for r in conn.execute(
            select(source_records.c.commitment, record_links.c.person_id)
            .join(record_links, record_links.c.record_id == source_records.c.id))}
        links.update({r.commitment: r.person_id for r in conn.execute(
            select(remains_cases.c.commitment, remains_cases.c.person_id)
            .where(remains_cases.c.person_id.is_not(None)))})
        sealed = public_heads(app, conn)
        closed_at = _stage_numbers(conn)
    seen: list[str] = []
    for stage_id in sorted(sealed, key=lambda s: (closed_at.get(s, 0), s)):
        for p in sealed[stage_id].openings.persons:
            person = links.get(p.commitment)
            if person is not None and person not in seen:
                seen.append(person)
    return seen
