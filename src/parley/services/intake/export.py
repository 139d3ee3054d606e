"""Exporting lists, persons and quarantined rows to CSV or XLSX (``parley export``).

Records are opened with the data key and written with formula injection neutralised
(:func:`parley.ingest.writers.neutralise`). Columns: provenance (list, source, kind,
row), the canonical fields of DESIGN.md, then every extra attribute any exported record
has, in order of first appearance. Reads only; no transaction, no event.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.domain.records import CANONICAL_FIELDS
from parley.domain.vocabulary import QuarantineStatus
from parley.errors import NotFound
from parley.ingest.writers import format_for, write_table
from parley.services.intake.quarantine import list_quarantined, show_quarantined
from parley.store.sealed_text import ListSources
from parley.store.tables import persons, record_links, source_lists, source_records

BATCH = 2_000
PERSON_FIELDS = tuple(f for f in CANONICAL_FIELDS if f != "record_id")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    rows: int


def export_lists(app: App, *, path: Path, list_ids: Sequence[str] = (),
                 fmt: str | None = None) -> ExportResult:
    """Every record of the given lists (all lists when none are given)."""
    fmt = format_for(path, fmt)
    with app.read() as conn:
        ids = _resolve_lists(conn, list_ids)
        query = (select(source_records, source_lists.c.kind)
                 .join(source_lists, source_lists.c.id == source_records.c.list_id)
                 .order_by(source_lists.c.imported_at, source_lists.c.id,
                           source_records.c.row_number))
        if ids:
            query = query.where(source_records.c.list_id.in_(ids))
        extra = _extra_keys(app, _batches(conn, query))
        header = ["list_id", "source", "kind", "row", "record_id", *PERSON_FIELDS, *extra,
                  "erased_at"]
        sources = ListSources(app.cipher, conn)

        def rows() -> Iterator[list[str]]:
            for r in _batches(conn, query):
                fields, more = _open(app, r)
                yield [r.list_id, sources[r.list_id], r.kind, str(r.row_number), r.record_id,
                       *(fields.get(f, "") for f in PERSON_FIELDS),
                       *(more.get(k, "") for k in extra), r.erased_at or ""]

        count = write_table(path, header, rows(), fmt=fmt, sheet="records")
    return ExportResult(path=path, format=fmt, rows=count)


def export_persons(app: App, *, path: Path, fmt: str | None = None) -> ExportResult:
    """One row per record linked to a person, grouped by person."""
    fmt = format_for(path, fmt)
    query = (select(source_records, source_lists.c.kind,
                    record_links.c.person_id, record_links.c.method,
                    record_links.c.probability)
             .join(record_links, record_links.c.record_id == source_records.c.id)
             .join(persons, persons.c.id == record_links.c.person_id)
             .join(source_lists, source_lists.c.id == source_records.c.list_id)
             .order_by(persons.c.created_seq, record_links.c.person_id,
                       source_lists.c.imported_at, source_records.c.row_number))
    with app.read() as conn:
        extra = _extra_keys(app, _batches(conn, query))
        header = ["person_id", "link_method", "link_probability", "list_id", "source", "kind",
                  "row", "record_id", *PERSON_FIELDS, *extra]
        sources = ListSources(app.cipher, conn)

        def rows() -> Iterator[list[str]]:
            for r in _batches(conn, query):
                fields, more = _open(app, r)
                yield [r.person_id, r.method, _probability(r.probability), r.list_id,
                       sources[r.list_id], r.kind, str(r.row_number), r.record_id,
                       *(fields.get(f, "") for f in PERSON_FIELDS),
                       *(more.get(k, "") for k in extra)]

        count = write_table(path, header, rows(), fmt=fmt, sheet="persons")
    return ExportResult(path=path, format=fmt, rows=count)


def export_quarantine(app: App, *, path: Path, list_id: str | None = None,
                      fmt: str | None = None) -> ExportResult:
    """Open quarantined rows with their original cells and problems, to fix in a spreadsheet."""
    fmt = format_for(path, fmt)
    entries = [show_quarantined(app, e.id)
               for e in list_quarantined(app, list_id=list_id, status=QuarantineStatus.OPEN)]
    columns: list[str] = []
    for entry in entries:
        for label, _field, _value in entry.cells:
            if label not in columns:
                columns.append(label)
    header = ["quarantine_id", "list_id", "source", "row", "problems", *columns]

    def rows() -> Iterator[list[str]]:
        for entry in entries:
            cells = {label: value for label, _f, value in entry.cells}
            problems = "; ".join(str(p) for p in entry.problems)
            yield [entry.id, entry.list_id, entry.source, str(entry.row_number), problems,
                   *(cells.get(c, "") for c in columns)]

    count = write_table(path, header, rows(), fmt=fmt, sheet="quarantine")
    return ExportResult(path=path, format=fmt, rows=count)


def _resolve_lists(conn: Connection, list_ids: Sequence[str]) -> list[str]:
    resolved: list[str] = []
    for wanted in list_ids:
        found = conn.execute(select(source_lists.c.id).where(
            source_lists.c.id.like(f"{wanted}%")).limit(2)).scalars().all() \
            if len(wanted) >= 4 else []
        if len(found) != 1:
            raise NotFound(f"no list {wanted}" if not found else
                           f"list id {wanted} is ambiguous; give more of it")
        resolved.append(str(found[0]))
    return resolved


def _batches(conn: Connection, query: Select[Any]) -> Iterator[Any]:
    offset = 0
    while True:
        rows = conn.execute(query.limit(BATCH).offset(offset)).all()
        yield from rows
        if len(rows) < BATCH:
            return
        offset += BATCH


def _open(app: App, row: Any) -> tuple[dict[str, str], dict[str, str]]:
    if row.sealed is None:
        return {}, {}
    record = app.cipher.open(row.sealed, row_id=row.id)
    extra = record.pop("extra", {}) or {}
    return {k: str(v) for k, v in record.items()}, {str(k): str(v) for k, v in extra.items()}


def _extra_keys(app: App, rows: Iterator[Any]) -> list[str]:
    keys: dict[str, None] = {}
    for row in rows:
        for key in _open(app, row)[1]:
            keys.setdefault(key, None)
    return list(keys)


def _probability(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}".rstrip("0").rstrip(".")
