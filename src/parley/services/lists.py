"""Recording a list's accepted rows: source records with provenance, sealed and committed.

The importer (``parley.ingest``) reads and validates files and then calls
:func:`record_list`; the demo and tests may call it with records they built.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert, select

from parley.bootstrap import App
from parley.domain.events import IdentityLinked, ListImported
from parley.domain.records import LIST_KINDS, canonical_record
from parley.errors import Conflict, InputError, NotFound
from parley.ledger.hashing import commitment, new_salt
from parley.ledger.merkle import leaf_hash, root_from_leaf_hashes
from parley.store import UnitOfWork, timestamp
from parley.store.tables import parties, persons, record_links, source_lists, source_records


@dataclass(frozen=True)
class RecordInput:
    """One accepted row: its number in the file and its canonical fields."""

    row_number: int
    fields: dict[str, str]
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ListMeta:
    source: str
    kind: str
    file_name: str
    file_sha256: str
    sheet: str = ""
    party: str | None = None
    rows: int = 0
    quarantined: int = 0


@dataclass(frozen=True)
class RecordedList:
    list_id: str
    record_ids: list[str]
    commitments: list[str]
    event_seq: int


def record_list(app: App, *, meta: ListMeta, records: Sequence[RecordInput], actor: str,
                one_person_per_record: bool = False) -> RecordedList:
    """Store ``records`` as a new source list and append ``list.imported`` (one transaction).

    With ``one_person_per_record`` each record also becomes its own person (used before
    identity resolution runs, and by tests).
    """
    if meta.kind not in LIST_KINDS:
        raise InputError(f"list kind {meta.kind!r} must be one of {', '.join(LIST_KINDS)}")
    with app.uow() as uow:
        result = add_list(uow, app, meta=meta, records=records, actor=actor)
        if one_person_per_record:
            for record_id, commit in zip(result.record_ids, result.commitments, strict=True):
                person_id = str(uuid.uuid4())
                ev = uow.append(IdentityLinked(person_id=person_id,
                                               record_commitments=[commit],
                                               method="single", probability="1"), actor=actor)
                uow.conn.execute(insert(persons).values(id=person_id, created_seq=ev.seq))
                uow.conn.execute(insert(record_links).values(
                    record_id=record_id, person_id=person_id, method="single",
                    probability=1.0, event_seq=ev.seq))
        uow.commit()
    return result


def add_list(uow: UnitOfWork, app: App, *, meta: ListMeta, records: Sequence[RecordInput],
             actor: str) -> RecordedList:
    """The part of :func:`record_list` that runs inside a caller's unit of work."""
    conn = uow.conn
    if meta.party is not None and not conn.execute(
        select(parties.c.code).where(parties.c.code == meta.party)
    ).first():
        raise NotFound(f"party {meta.party} is not registered")
    duplicate = conn.execute(
        select(source_lists.c.id, source_lists.c.source).where(
            source_lists.c.file_sha256 == meta.file_sha256, source_lists.c.sheet == meta.sheet)
    ).first()
    if duplicate:
        raise Conflict(
            f"{meta.file_name}: this content was already imported as list "
            f"{duplicate.id} ({duplicate.source}); nothing changed"
        )
    list_id = str(uuid.uuid4())
    record_ids: list[str] = []
    commitments: list[str] = []
    rows = []
    for rec in records:
        row_id = str(uuid.uuid4())
        canonical = canonical_record(rec.fields, rec.extra)
        salt = new_salt()
        commit = commitment(salt, canonical)
        rows.append({
            "id": row_id, "list_id": list_id, "row_number": rec.row_number,
            "record_id": rec.fields.get("record_id") or f"row-{rec.row_number}",
            "sealed": app.cipher.seal(canonical, row_id=row_id), "salt": salt,
            "commitment": commit, "erased_at": None,
        })
        record_ids.append(row_id)
        commitments.append(commit)
    ev = uow.append(ListImported(
        list_id=list_id, source=meta.source, kind=meta.kind, party=meta.party,
        file_sha256=meta.file_sha256, sheet=meta.sheet,
        rows=meta.rows or len(records) + meta.quarantined, accepted=len(records),
        quarantined=meta.quarantined, records_root=commitments_root(commitments),
    ), actor=actor)
    conn.execute(insert(source_lists).values(
        id=list_id, source=meta.source, kind=meta.kind, party_code=meta.party,
        file_name=meta.file_name, file_sha256=meta.file_sha256, sheet=meta.sheet,
        rows=meta.rows or len(records) + meta.quarantined, accepted=len(records),
        quarantined=meta.quarantined, imported_by=actor,
        imported_at=timestamp(uow.now()), event_seq=ev.seq,
    ))
    if rows:
        conn.execute(insert(source_records), rows)
    return RecordedList(list_id=list_id, record_ids=record_ids, commitments=commitments,
                        event_seq=ev.seq)


def commitments_root(commitments: Sequence[str]) -> str:
    """RFC 9162 root over commitments (each leaf is the commitment's 32 bytes)."""
    return root_from_leaf_hashes([leaf_hash(bytes.fromhex(c)) for c in commitments]).hex()
