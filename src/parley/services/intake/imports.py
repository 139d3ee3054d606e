"""Importing a list file: every data row stored as a sealed record or a quarantined row.

:func:`import_list` is the use case behind ``parley import``. It reads the file with
:mod:`parley.ingest` as a stream and writes, in one transaction, the source list, its
accepted records (sealed, committed), its quarantined rows (sealed, with their
problems), how the file was read (``list_imports``) and one ``list.imported`` event.
A failure or an interruption anywhere rolls all of it back. A file whose content (hash
and sheet) was already imported is reported as such and changes nothing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from parley.bootstrap import App
from parley.domain.vocabulary import ListKind, QuarantineStatus
from parley.errors import ConfigError, InputError, NotFound, parse_input
from parley.ingest import (
    Column,
    ListReader,
    Problem,
    QuarantinedRow,
    SkippedRow,
    open_list,
    parse_mapping,
)
from parley.services.intake.lists import ImportedList, ListMeta, ListWriter, find_imported
from parley.store import UnitOfWork
from parley.store import statements as signed
from parley.store.dialect import is_sqlite
from parley.store.sealed_text import open_list_meta
from parley.store.tables import actors, list_imports, quarantined_rows, source_lists

__all__ = ["ImportSummary", "ListInfo", "check_actor", "import_list", "list_lists",
           "parse_mapping"]

#: Quarantined rows are inserted in batches of this many.
BATCH = 1_000
#: The progress callback is called after every this many rows.
PROGRESS_EVERY = 1_000

#: Files at least this large are read and validated in a second process while this
#: one seals and stores (see ``ListReader.iter_parallel``), when a core is free: on a
#: busy machine the two processes would only compete.
PARALLEL_BYTES = 1 << 20

Progress = Callable[[float, int], None]


@dataclass
class ImportSummary:
    """What an import did (or found already done), for the CLI and its ``--json``."""

    file: str
    file_sha256: str
    list_id: str
    source: str
    kind: ListKind
    sheet: str
    format: str
    encoding: str
    delimiter: str
    header_row: int
    rows: int
    accepted: int
    quarantined: int
    errors: list[Problem] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    other_sheets: list[str] = field(default_factory=list)
    already_imported: bool = False
    imported_at: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file, "list_id": self.list_id, "file_sha256": self.file_sha256,
            "source": self.source, "kind": self.kind, "sheet": self.sheet,
            "format": self.format, "encoding": self.encoding, "delimiter": self.delimiter,
            "header_row": self.header_row, "rows": self.rows, "accepted": self.accepted,
            "quarantined": self.quarantined,
            "errors": [p.as_dict() for p in self.errors],
            "skipped": [s.as_dict() for s in self.skipped],
            "columns": [{"column": c.label, "field": c.field} for c in self.columns],
            "other_sheets": self.other_sheets,
            "already_imported": self.already_imported, "imported_at": self.imported_at,
        }


def check_actor(app: App, actor: str | None) -> str:
    """The acting actor: registered in the ledger and with a signing key here."""
    if not actor:
        raise InputError("no actor: pass --actor ID or set PARLEY_ACTOR "
                         "(see `parley keys list`)")
    with app.read() as conn:
        known = conn.execute(select(actors.c.id).where(actors.c.id == actor)).first()
    if not known:
        raise NotFound(f"actor {actor} is not registered; register it with "
                       "`parley keys init`")
    if not app.keyring.has(actor) and signed.current() is None:
        raise ConfigError(f"actor {actor} has no signing key in {app.keyring.key_dir} "
                          "(expected " f"{app.keyring.path(actor)}); a party's list is "
                          "signed on its own node")
    return actor


def import_list(app: App, *, path: Path, kind: str, actor: str | None,
                source: str | None = None, party: str | None = None, sheet: str | None = None,
                mapping: Mapping[str, str] | None = None, encoding: str | None = None,
                on_progress: Progress | None = None) -> ImportSummary:
    """Import one list file (one sheet of a workbook) in one transaction."""
    kind = parse_input(ListKind, kind)
    actor = check_actor(app, actor)
    source = (source or path.stem).strip()
    if not source or len(source) > 200:
        raise InputError("--source must be 1-200 characters")
    today = app.clock().date()
    with open_list(path, sheet=sheet, mapping=mapping, encoding=encoding, kind=kind,
                   today=today) as reader:
        try:
            return _import(app, reader, kind=kind, actor=actor, source=source, party=party,
                           on_progress=on_progress)
        except IntegrityError:
            # Another import of the same content committed first (PostgreSQL).
            with app.read() as conn:
                done = find_imported(conn, app.cipher, file_sha256=reader.file_sha256,
                                     sheet=reader.sheet)
            if done is None:
                raise
            return _already(reader, done, kind=kind)


def _import(app: App, reader: ListReader, *, kind: ListKind, actor: str, source: str,
            party: str | None, on_progress: Progress | None) -> ImportSummary:
    meta = ListMeta(source=source, kind=kind, file_name=reader.file_name[:500],
                    file_sha256=reader.file_sha256, sheet=reader.sheet, party=party)
    with app.uow() as uow:
        done = find_imported(uow.conn, app.cipher, file_sha256=reader.file_sha256,
                             sheet=reader.sheet)
        if done is not None:
            return _already(reader, done, kind=kind)
        _widen_page_cache(uow)
        writer = ListWriter(uow, app, meta=meta, actor=actor, keep_ids=False)
        quarantine = _QuarantineWriter(uow, app, writer.list_id)
        errors: list[Problem] = []
        rows = reader.iter_parallel() if _second_core(reader.size) else iter(reader)
        for item in rows:
            if isinstance(item, QuarantinedRow):
                quarantine.add(item)
                errors.extend(item.problems)
            else:
                writer.add_one(item)
            if on_progress is not None and reader.rows % PROGRESS_EVERY == 0:
                on_progress(reader.progress(), reader.rows)
        quarantine.flush()
        recorded = writer.finish(rows=reader.rows, quarantined=reader.quarantined)
        uow.conn.execute(insert(list_imports).values(
            list_id=writer.list_id, file_format=reader.format, encoding=reader.encoding,
            delimiter=reader.delimiter, header_row=reader.header_row,
            skipped=len(reader.skipped), file_size=reader.size,
            sealed_layout=app.cipher.seal(layout_json(reader.columns),
                                          row_id=writer.list_id),
        ))
        imported_at = uow.appended[-1].recorded_at if uow.appended else ""
        uow.commit()
    if on_progress is not None:
        on_progress(1.0, reader.rows)
    return ImportSummary(
        file=reader.file_name, file_sha256=reader.file_sha256, list_id=recorded.list_id,
        source=source, kind=kind, sheet=reader.sheet, format=reader.format,
        encoding=reader.encoding, delimiter=reader.delimiter, header_row=reader.header_row,
        rows=reader.rows, accepted=reader.accepted, quarantined=reader.quarantined,
        errors=errors, skipped=list(reader.skipped), columns=reader.columns,
        other_sheets=list(reader.other_sheets), imported_at=imported_at,
    )


#: SQLite page cache for an import's connection, in KiB (SQLite's default is 2 MB).
IMPORT_CACHE_KIB = 8_192


def _widen_page_cache(uow: UnitOfWork) -> None:
    """Give SQLite an 8 MB page cache for the import's transaction.

    A list's records go into indexes keyed by random ids and commitments, so every
    insert touches a random page; with SQLite's 2 MB default the transaction keeps
    spilling dirty pages to the WAL and reading them back (about a third of the time
    spent storing a 100,000-row list). The cache is a fixed bound, so memory stays flat
    in file size. It stays on the pooled connection, which only helps later writes.
    """
    if is_sqlite(uow.conn):
        uow.conn.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")


def _second_core(size: int) -> bool:
    """Whether to read in a second process: a large file and a core to spare for it."""
    cores = os.cpu_count() or 1
    try:
        idle = os.getloadavg()[0] < cores - 1
    except OSError:
        idle = False
    return size >= PARALLEL_BYTES and cores >= 2 and idle


def _already(reader: ListReader, done: ImportedList, *, kind: ListKind) -> ImportSummary:
    return ImportSummary(
        file=reader.file_name, file_sha256=reader.file_sha256, list_id=done.id,
        source=done.source, kind=kind, sheet=reader.sheet, format=reader.format,
        encoding=reader.encoding, delimiter=reader.delimiter, header_row=reader.header_row,
        rows=done.rows, accepted=done.accepted, quarantined=done.quarantined,
        columns=reader.columns, other_sheets=list(reader.other_sheets),
        already_imported=True, imported_at=done.imported_at,
    )


def layout_json(columns: list[Column]) -> dict[str, Any]:
    """The column mapping as stored (sealed) in ``list_imports``."""
    return {"columns": [{"index": c.index, "header": c.header, "field": c.field,
                         "key": c.key} for c in columns]}


def layout_columns(layout: Mapping[str, Any]) -> list[Column]:
    return [Column(index=int(c["index"]), header=str(c["header"]),
                   field=c["field"], key=str(c["key"])) for c in layout["columns"]]


def quarantine_payload(row: QuarantinedRow) -> dict[str, Any]:
    """What is sealed for a quarantined row: its cells by column key and its problems."""
    return {"cells": dict(row.cells),
            "problems": [{"column": p.column, "value": p.value, "reason": p.reason,
                          "code": p.code} for p in row.problems]}


class _QuarantineWriter:
    def __init__(self, uow: UnitOfWork, app: App, list_id: str) -> None:
        self._uow = uow
        self._app = app
        self._list_id = list_id
        self._pending: list[dict[str, Any]] = []

    def add(self, row: QuarantinedRow) -> None:
        row_id = str(uuid.uuid4())
        self._pending.append({
            "id": row_id, "list_id": self._list_id, "row_number": row.row_number,
            "codes": ",".join(row.codes)[:200],
            "sealed": self._app.cipher.seal(quarantine_payload(row), row_id=row_id),
            "status": QuarantineStatus.OPEN, "record_id": None, "updated_by": None,
            "updated_at": None,
            "event_seq": None, "erased_at": None,
        })
        if len(self._pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self._uow.conn.execute(insert(quarantined_rows), self._pending)
            self._pending = []


@dataclass(frozen=True)
class ListInfo:
    """An imported list as ``parley lists`` shows it (no personal data)."""

    id: str
    source: str
    kind: str
    party: str | None
    file_name: str
    file_sha256: str
    sheet: str
    rows: int
    accepted: int
    quarantined: int
    imported_by: str
    imported_at: str

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def list_lists(app: App) -> list[ListInfo]:
    """Every imported list, oldest first."""
    with app.read() as conn:
        rows = conn.execute(select(source_lists).order_by(source_lists.c.imported_at,
                                                          source_lists.c.id)).all()
    metas = {r.id: open_list_meta(app.cipher, r.id, r.sealed_meta, source=r.source,
                                  file_name=r.file_name) for r in rows}
    return [ListInfo(id=r.id, source=metas[r.id][0], kind=r.kind, party=r.party_code,
                     file_name=metas[r.id][1], file_sha256=r.file_sha256, sheet=r.sheet,
                     rows=r.rows, accepted=r.accepted, quarantined=r.quarantined,
                     imported_by=r.imported_by, imported_at=r.imported_at) for r in rows]


def describe_columns(columns: list[Column]) -> str:
    """``Прізвище→surname, Телефон→extra`` for messages."""
    return ", ".join(f"{c.label}→{c.field or 'extra'}" for c in columns)
