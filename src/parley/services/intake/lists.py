"""Recording a list's accepted rows: source records with provenance, sealed and committed.

The importer (``parley.ingest``) reads and validates files and then calls
:func:`record_list`; the demo and tests may call it with records they built.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.domain.events import IdentityLinked, ListImported
from parley.domain.records import RecordInput, canonical_record
from parley.domain.vocabulary import ListKind
from parley.errors import Conflict, NotFound, parse_input
from parley.ledger.hashing import new_salt
from parley.ledger.merkle import EMPTY_ROOT, leaf_hash, node_hash, root_from_leaf_hashes
from parley.store import RecordCipher, UnitOfWork, timestamp
from parley.store.sealed_text import open_list_meta, seal_list_meta
from parley.store.tables import parties, persons, record_links, source_lists, source_records

__all__ = ["ImportedList", "ListMeta", "ListWriter", "RecordInput", "RecordedList", "add_list",
           "bulk_insert", "commitments_root", "find_imported", "record_list", "seal_record"]

#: Records are inserted in batches of this many rows (memory stays flat in list size).
BATCH = 2_000


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
    """A stored list; ``record_ids`` and ``commitments`` are empty when not kept."""

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
    parse_input(ListKind, meta.kind)
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


def add_list(uow: UnitOfWork, app: App, *, meta: ListMeta, records: Iterable[RecordInput],
             actor: str) -> RecordedList:
    """The part of :func:`record_list` that runs inside a caller's unit of work."""
    writer = ListWriter(uow, app, meta=meta, actor=actor)
    writer.add(records)
    return writer.finish(rows=meta.rows or writer.accepted + meta.quarantined,
                         quarantined=meta.quarantined)


@dataclass(frozen=True)
class ImportedList:
    """A list already in the store, as a duplicate check reports it."""

    id: str
    source: str
    imported_at: str
    rows: int
    accepted: int
    quarantined: int


def find_imported(conn: Connection, cipher: RecordCipher, *, file_sha256: str, sheet: str
                  ) -> ImportedList | None:
    """The list already imported from this content (file hash and sheet), if any."""
    row = conn.execute(
        select(source_lists.c.id, source_lists.c.source, source_lists.c.sealed_meta,
               source_lists.c.imported_at, source_lists.c.rows, source_lists.c.accepted,
               source_lists.c.quarantined)
        .where(source_lists.c.file_sha256 == file_sha256, source_lists.c.sheet == sheet)
    ).first()
    if row is None:
        return None
    source, _ = open_list_meta(cipher, row.id, row.sealed_meta, source=row.source)
    return ImportedList(id=row.id, source=source, imported_at=row.imported_at,
                        rows=row.rows, accepted=row.accepted, quarantined=row.quarantined)


def seal_record(app: App, *, list_id: str, record: RecordInput) -> dict[str, Any]:
    """The ``source_records`` row for ``record``: sealed fields, fresh salt, commitment."""
    row_id = str(uuid.uuid4())
    # One canonical encoding serves both: the sealed blob and the commitment over it.
    plain = _CANONICAL(canonical_record(record.fields, record.extra)).encode("utf-8")
    salt = new_salt()
    return {
        "id": row_id, "list_id": list_id, "row_number": record.row_number,
        "record_id": record.fields.get("record_id") or f"row-{record.row_number}",
        "sealed": app.cipher.seal_json(plain, row_id=row_id), "salt": salt,
        "commitment": hashlib.sha256(salt + plain).hexdigest(), "erased_at": None,
    }


# canonical_record() yields only strings (and one dict of strings), so the type walk of
# ledger.canonical is not needed: the same encoder settings give the same bytes (a unit
# test holds this equal to ledger.hashing.commitment).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                              allow_nan=False).encode




class ListWriter:
    """Writes one new list inside a caller's unit of work, batch by batch.

    Used by :func:`add_list` and by the importer, which streams a file's rows through
    :meth:`add` so memory stays flat however long the list is. The ``source_lists`` row
    is written first (records refer to it) and completed with the counts and the
    ``list.imported`` event by :meth:`finish`. With ``keep_ids=False`` the record ids and
    commitments are not collected (the Merkle root is computed incrementally anyway).
    """

    def __init__(self, uow: UnitOfWork, app: App, *, meta: ListMeta, actor: str,
                 keep_ids: bool = True) -> None:
        conn = uow.conn
        if meta.party is not None and not conn.execute(
            select(parties.c.code).where(parties.c.code == meta.party)
        ).first():
            raise NotFound(f"party {meta.party} is not registered")
        duplicate = find_imported(conn, app.cipher, file_sha256=meta.file_sha256, sheet=meta.sheet)
        if duplicate:
            raise Conflict(
                f"{meta.file_name}: this content was already imported as list "
                f"{duplicate.id} ({duplicate.source}); nothing changed"
            )
        self._uow = uow
        self._app = app
        self._meta = meta
        self._actor = actor
        self._keep = keep_ids
        self._root = RootAccumulator()
        self._pending: list[dict[str, Any]] = []
        self.list_id = str(uuid.uuid4())
        self.accepted = 0
        self.record_ids: list[str] = []
        self.commitments: list[str] = []
        conn.execute(insert(source_lists).values(
            # Source and file name only sealed: a file may be named after a person (the
            # source defaults to the file name).
            id=self.list_id, source="", kind=meta.kind, party_code=meta.party,
            file_name="", sealed_meta=seal_list_meta(app.cipher, self.list_id,
                                                     source=meta.source,
                                                     file_name=meta.file_name),
            file_sha256=meta.file_sha256, sheet=meta.sheet,
            rows=0, accepted=0, quarantined=0, imported_by=actor,
            imported_at=timestamp(uow.now()), event_seq=0,
        ))

    def add(self, records: Iterable[RecordInput]) -> None:
        for record in records:
            self.add_one(record)

    def add_one(self, record: RecordInput) -> str:
        """Seal and queue one record; returns its commitment."""
        row = seal_record(self._app, list_id=self.list_id, record=record)
        self._pending.append(row)
        self._root.add(row["commitment"])
        self.accepted += 1
        if self._keep:
            self.record_ids.append(row["id"])
            self.commitments.append(row["commitment"])
        if len(self._pending) >= BATCH:
            self.flush()
        return str(row["commitment"])

    def flush(self) -> None:
        if self._pending:
            bulk_insert(self._uow.conn, source_records, self._pending)
            self._pending = []

    def finish(self, *, rows: int, quarantined: int) -> RecordedList:
        """Write what is queued, append ``list.imported`` and store the counts."""
        self.flush()
        meta = self._meta
        ev = self._uow.append(ListImported(
            list_id=self.list_id, kind=meta.kind, party=meta.party,
            file_sha256=meta.file_sha256, sheet=meta.sheet, rows=rows,
            accepted=self.accepted, quarantined=quarantined, records_root=self._root.root(),
        ), actor=self._actor)
        self._uow.conn.execute(update(source_lists).where(source_lists.c.id == self.list_id)
                               .values(rows=rows, accepted=self.accepted,
                                       quarantined=quarantined, event_seq=ev.seq))
        return RecordedList(list_id=self.list_id, record_ids=self.record_ids,
                            commitments=self.commitments, event_seq=ev.seq)


def bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows through the driver's ``executemany``, skipping per-value processing.

    Only for rows of plain values (str, int, bytes, None) keyed by every column of
    ``table``; the statement is compiled for the connection's dialect, so it works the
    same on SQLite and PostgreSQL. About twice as fast as ``conn.execute(insert(t), rows)``
    for the hundred thousand rows of a large list.
    """
    if not rows:
        return
    sql = _INSERTS.get((conn.dialect.name, table.name))
    if sql is None:
        sql = str(insert(table).values({c.name: bindparam(c.name) for c in table.columns})
                  .compile(dialect=conn.dialect))
        _INSERTS[(conn.dialect.name, table.name)] = sql
    if conn.dialect.paramstyle in ("qmark", "format", "numeric"):
        names = [c.name for c in table.columns]
        conn.exec_driver_sql(sql, [tuple(r[n] for n in names) for r in rows])
    else:
        conn.exec_driver_sql(sql, rows)


_INSERTS: dict[tuple[str, str], str] = {}


class RootAccumulator:
    """The RFC 9162 root over commitments added one at a time, in O(log n) memory.

    Keeps the roots of the perfect subtrees the leaves so far form (largest first);
    folding them from the right gives the tree that splits at the largest power of two.
    """

    def __init__(self) -> None:
        self._stack: list[tuple[int, bytes]] = []

    def add(self, commitment_hex: str) -> None:
        node = (0, leaf_hash(bytes.fromhex(commitment_hex)))
        while self._stack and self._stack[-1][0] == node[0]:
            height, left = self._stack.pop()
            node = (height + 1, node_hash(left, node[1]))
        self._stack.append(node)

    def root(self) -> str:
        if not self._stack:
            return EMPTY_ROOT.hex()
        acc = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            acc = node_hash(left, acc)
        return acc.hex()


def commitments_root(commitments: Sequence[str]) -> str:
    """RFC 9162 root over commitments (each leaf is the commitment's 32 bytes)."""
    return root_from_leaf_hashes([leaf_hash(bytes.fromhex(c)) for c in commitments]).hex()
