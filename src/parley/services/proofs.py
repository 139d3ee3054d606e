"""`parley proof PERSON`: a family's proof that its relative was in a signed stage.

The proof carries the person's record and salt (which open the commitment), the leaf
index and inclusion path in the stage head's tree, and the head with its three
cosignatures; the intermediary signs the file. Nothing in it concerns anyone else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from parley.bootstrap import App
from parley.errors import Conflict, InputError, NotFound
from parley.ledger.merkle import inclusion_proof, leaf_hash
from parley.reports.derive import derive
from parley.reports.policy import Policy
from parley.reports.proofs import build_proof, proof_text
from parley.services.checkpoints import intermediary_actor
from parley.services.ledger import iter_events
from parley.store import timestamp
from parley.store.tables import persons, record_links, source_records


def family_proof(app: App, person_id: str, *, actor: str | None = None) -> dict[str, Any]:
    """The proof for ``person_id``'s latest handover in a closed stage."""
    now = timestamp(app.clock())
    with app.read() as conn:
        if conn.execute(select(persons.c.id).where(persons.c.id == person_id)).first() is None:
            raise NotFound(f"person {person_id} is not known")
        records = conn.execute(
            select(source_records.c.id, source_records.c.sealed, source_records.c.salt,
                   source_records.c.commitment, source_records.c.erased_at)
            .join(record_links, record_links.c.record_id == source_records.c.id)
            .where(record_links.c.person_id == person_id)).all()
        stored = list(iter_events(conn))
        issuer = intermediary_actor(conn, actor)
    by_commitment = {r.commitment: r for r in records}
    derived = derive(stored, Policy(published_at=now))
    found: tuple[int, str, tuple[str, str, str]] | None = None
    for key, leaves in derived.leaves.items():
        for commitment in leaves:
            if commitment in by_commitment and key in derived.head_sources:
                seq = derived.head_sources[key][0]
                if found is None or seq > found[0]:
                    found = (seq, commitment, key)
    if found is None:
        raise NotFound(f"person {person_id} was not handed over in any closed stage")
    seq, commitment, key = found
    row = by_commitment[commitment]
    if row.salt is None or row.sealed is None:
        raise Conflict(f"person {person_id}'s data was erased at {row.erased_at}; the "
                       "commitment can no longer be opened, so no proof can be made")
    record = app.cipher.open(row.sealed, row_id=row.id)
    leaves = derived.leaves[key]
    index = leaves.index(commitment)
    path = inclusion_proof(index, [leaf_hash(bytes.fromhex(c)) for c in leaves])
    event_seq, event_hash, signed = derived.head_sources[key]
    return build_proof(record=record, salt=bytes(row.salt), commitment=commitment,
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
