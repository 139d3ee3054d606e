"""`parley proof PERSON`: a family's proof that its relative was in a signed stage.

The proof carries the person's record and salt (which open the commitment), the leaf
index and inclusion path in the stage head's tree, and the head with its three
cosignatures; the intermediary signs the file. Nothing in it concerns anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.errors import Conflict, InputError, NotFound
from parley.ledger.merkle import inclusion_proof, leaf_hash
from parley.reports.derive import derive
from parley.reports.policy import Policy
from parley.reports.proofs import build_proof, proof_text
from parley.services.ledger import iter_events
from parley.services.publication.checkpoints import intermediary_actor
from parley.store import timestamp
from parley.store.tables import persons, record_links, remains_cases, source_records


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


def family_proof(app: App, person_id: str, *, actor: str | None = None) -> dict[str, Any]:
    """The proof for ``person_id``'s latest handover (or remains case) in a closed stage."""
    now = timestamp(app.clock())
    with app.read() as conn:
        if conn.execute(select(persons.c.id).where(persons.c.id == person_id)).first() is None:
            raise NotFound(f"person {person_id} is not known")
        openings = _openings(app, conn, person_id)
        stored = list(iter_events(conn))
        issuer = intermediary_actor(conn, actor)
    derived = derive(stored, Policy(published_at=now))
    found: tuple[int, str, tuple[str, str, str]] | None = None
    for key, leaves in derived.leaves.items():
        for commitment in leaves:
            if commitment in openings and key in derived.head_sources:
                seq = derived.head_sources[key][0]
                if found is None or seq > found[0]:
                    found = (seq, commitment, key)
    if found is None:
        raise NotFound(f"person {person_id} was not handed over in any closed stage")
    seq, commitment, key = found
    opening = openings[commitment]
    if opening.record is None or opening.salt is None:
        raise Conflict(f"person {person_id}'s data was erased ({opening.erased_at}); the "
                       "commitment can no longer be opened, so no proof can be made")
    leaves = derived.leaves[key]
    index = leaves.index(commitment)
    path = inclusion_proof(index, [leaf_hash(bytes.fromhex(c)) for c in leaves])
    event_seq, event_hash, signed = derived.head_sources[key]
    return build_proof(record=opening.record, salt=opening.salt, commitment=commitment,
                       leaf_index=index, inclusion=[p.hex() for p in path],
                       signed_head=signed, event_seq=event_seq, event_hash=event_hash,
                       issued_at=now, issuer=issuer, key=app.keyring.private(issuer))


def write_family_proof(app: App, person_id: str, out: Path, *, actor: str | None = None
                       ) -> dict[str, Any]:
    """Write the proof to ``out`` (mode 0600: it holds the person's personal data)."""
    if out.exists() and out.is_dir():
        raise InputError(f"{out} is a directory; --out needs a file name")
    proof = family_proof(app, person_id, actor=actor)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(proof_text(proof), encoding="utf-8")
    out.chmod(0o600)
    return proof


def handed_over_persons(app: App) -> list[str]:
    """Persons with a record among the leaves of a closed stage's head, in leaf order."""
    with app.read() as conn:
        stored = list(iter_events(conn))
        links = {r.commitment: r.person_id for r in conn.execute(
            select(source_records.c.commitment, record_links.c.person_id)
            .join(record_links, record_links.c.record_id == source_records.c.id))}
    derived = derive(stored, Policy(published_at=timestamp(app.clock())))
    seen: list[str] = []
    for key in sorted(derived.head_sources):
        for commitment in derived.leaves.get(key, []):
            person = links.get(commitment)
            if person is not None and person not in seen:
                seen.append(person)
    return seen
