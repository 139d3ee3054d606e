"""Quarantined rows: listing them, showing one, correcting it, releasing rows that pass.

A quarantined row keeps its cells exactly as the file had them (sealed) and the
problems found. ``parley quarantine fix`` corrects cells and re-validates the row;
``parley quarantine reimport`` re-validates open rows as they are (after a validator
change, or rows whose record id clash went away). A row that passes becomes a record of
its list, with its original row number, and the list's counts move from quarantined
to accepted (``quarantine.released``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.domain.events import QuarantineCorrected, QuarantineReleased
from parley.domain.records import RecordInput
from parley.domain.vocabulary import QuarantineStatus
from parley.errors import InputError, NotFound
from parley.ingest import Column, QuarantinedRow
from parley.ingest.headers import column_letter
from parley.ingest.validate import Problem, RowValidator
from parley.services.intake.imports import check_actor, layout_columns, quarantine_payload
from parley.services.intake.lists import seal_record
from parley.store import UnitOfWork, timestamp
from parley.store.sealed_text import ListSources, open_list_meta
from parley.store.tables import list_imports, quarantined_rows, source_lists, source_records

# What ``list_quarantined`` filters on: a status, or every row.
STATUS_FILTERS = (QuarantineStatus.OPEN, QuarantineStatus.RELEASED, "all")


@dataclass(frozen=True)
class QuarantineEntry:
    """One quarantined row as ``parley quarantine list`` and ``show`` present it."""

    id: str
    list_id: str
    source: str
    row_number: int
    status: QuarantineStatus
    problems: list[Problem]
    cells: list[tuple[str, str | None, str]] = field(default_factory=list)
    record_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "list_id": self.list_id, "source": self.source,
            "row": self.row_number, "status": self.status, "record_id": self.record_id,
            "errors": [p.as_dict() for p in self.problems],
            "cells": [{"column": c, "field": f, "value": v} for c, f, v in self.cells],
        }


@dataclass
class ReleaseResult:
    """What a fix or a reimport did: rows released, rows still quarantined."""

    released: list[int] = field(default_factory=list)
    still: list[QuarantineEntry] = field(default_factory=list)
    list_ids: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"released": self.released, "still_quarantined": [e.as_json() for e in self.still]}


def list_quarantined(app: App, *, list_id: str | None = None,
                     status: str = QuarantineStatus.OPEN,
                     limit: int | None = None) -> list[QuarantineEntry]:
    """Quarantined rows (newest lists first, then by row), opened for a person to read."""
    if status not in STATUS_FILTERS:
        raise InputError(f"--status must be one of {', '.join(STATUS_FILTERS)}")
    query = (select(quarantined_rows, source_lists.c.imported_at)
             .join(source_lists, source_lists.c.id == quarantined_rows.c.list_id)
             .order_by(source_lists.c.imported_at.desc(), quarantined_rows.c.list_id,
                       quarantined_rows.c.row_number))
    if list_id is not None:
        query = query.where(quarantined_rows.c.list_id == _list_id(app, list_id))
    if status != "all":
        query = query.where(quarantined_rows.c.status == status)
    if limit is not None:
        query = query.limit(limit)
    with app.read() as conn:
        rows = conn.execute(query).all()
        sources = ListSources(app.cipher, conn)
        return [_entry(app, r, source=sources[r.list_id], columns=None) for r in rows]


def show_quarantined(app: App, quarantine_id: str) -> QuarantineEntry:
    """One quarantined row with every cell under its column and field."""
    with app.read() as conn:
        row = _row(conn, quarantine_id)
        columns = _columns(app, conn, row.list_id)
        source = ListSources(app.cipher, conn)[row.list_id]
    return _entry(app, row, source=source, columns=columns)


def fix_quarantined(app: App, *, quarantine_id: str, changes: Mapping[str, str],
                    actor: str | None) -> ReleaseResult:
    """Correct cells of an open quarantined row and release it if it now passes.

    ``changes`` maps a column (its header, its letter, or the canonical field it maps
    to) to the new value; an empty value clears the cell. The correction is kept even
    when other problems remain.
    """
    actor = check_actor(app, actor)
    if not changes:
        raise InputError("nothing to fix: give one or more --set COLUMN=VALUE")
    with app.uow() as uow:
        row = _row(uow.conn, quarantine_id, lock=True)
        if row.status != QuarantineStatus.OPEN:
            raise InputError(f"quarantined row {quarantine_id} (row {row.row_number}) is "
                             f"already {row.status}")
        columns = _columns(app, uow.conn, row.list_id)
        payload = app.cipher.open(row.sealed, row_id=row.id)
        cells: dict[str, str] = dict(payload["cells"])
        touched: list[int] = []
        for name, value in changes.items():
            column = _resolve_column(columns, name, row.row_number)
            touched.append(column.index)
            if value.strip():
                cells[column.key] = value
            else:
                cells.pop(column.key, None)
        result = _release(app, uow, list_id=row.list_id, rows=[(row.id, row.row_number, cells)],
                          columns=columns, actor=actor)
        uow.append(QuarantineCorrected(list_id=row.list_id, row_number=row.row_number,
                                       columns=sorted(set(touched)),
                                       released=bool(result.released)), actor=actor)
        uow.commit()
    return result


def reimport_quarantined(app: App, *, ids: Sequence[str] = (), list_id: str | None = None,
                         actor: str | None) -> ReleaseResult:
    """Re-validate open quarantined rows (by id, or all of a list) and release those that pass."""
    actor = check_actor(app, actor)
    if not ids and list_id is None:
        raise InputError("say which rows: give quarantine ids or --list LIST_ID")
    result = ReleaseResult()
    with app.uow() as uow:
        query = select(quarantined_rows).where(
            quarantined_rows.c.status == QuarantineStatus.OPEN)
        if ids:
            query = query.where(quarantined_rows.c.id.in_(list(ids)))
        if list_id is not None:
            query = query.where(quarantined_rows.c.list_id == _list_id(app, list_id, uow.conn))
        rows = uow.conn.execute(query.order_by(quarantined_rows.c.list_id,
                                               quarantined_rows.c.row_number)).all()
        if ids:
            found = {r.id for r in rows}
            missing = [i for i in ids if i not in found]
            if missing:
                raise NotFound(f"no open quarantined row {missing[0]}")
        by_list: dict[str, list[Any]] = {}
        for row in rows:
            by_list.setdefault(row.list_id, []).append(row)
        for lid, members in by_list.items():
            columns = _columns(app, uow.conn, lid)
            batch = [(r.id, r.row_number, dict(app.cipher.open(r.sealed, row_id=r.id)["cells"]))
                     for r in members]
            partial = _release(app, uow, list_id=lid, rows=batch, columns=columns, actor=actor)
            result.released.extend(partial.released)
            result.still.extend(partial.still)
            result.list_ids.append(lid)
        uow.commit()
    return result


# --- internals ------------------------------------------------------------------------


def _release(app: App, uow: UnitOfWork, *, list_id: str,
             rows: Sequence[tuple[str, int, dict[str, str]]], columns: list[Column],
             actor: str) -> ReleaseResult:
    """Validate ``rows`` (id, row number, cells); store passing ones as records."""
    conn = uow.conn
    listed = conn.execute(select(source_lists).where(source_lists.c.id == list_id)).one()
    source, _ = open_list_meta(app.cipher, list_id, listed.sealed_meta, source=listed.source)
    seen = {r.record_id: r.row_number for r in conn.execute(
        select(source_records.c.record_id, source_records.c.row_number)
        .where(source_records.c.list_id == list_id))}
    validator = RowValidator(columns=columns, kind=listed.kind, today=uow.now().date(),
                             seen_ids=dict(seen))
    result = ReleaseResult(list_ids=[list_id])
    commitments: list[str] = []
    released: list[tuple[str, str, int]] = []
    now = timestamp(uow.now())
    for row_id, number, cells in rows:
        checked = validator.check(number, values_from_cells(columns, cells))
        if isinstance(checked, RecordInput):
            record = seal_record(app, list_id=list_id, record=checked)
            conn.execute(insert(source_records).values(**record))
            commitments.append(str(record["commitment"]))
            released.append((row_id, str(record["id"]), number))
            result.released.append(number)
        else:
            conn.execute(update(quarantined_rows).where(quarantined_rows.c.id == row_id).values(
                sealed=app.cipher.seal(quarantine_payload(checked), row_id=row_id),
                codes=",".join(checked.codes)[:200], updated_by=actor, updated_at=now))
            result.still.append(QuarantineEntry(
                id=row_id, list_id=list_id, source=source, row_number=number,
                status=QuarantineStatus.OPEN, problems=list(checked.problems)))
    if released:
        accepted = listed.accepted + len(released)
        quarantined = listed.quarantined - len(released)
        ev = uow.append(QuarantineReleased(
            list_id=list_id, row_numbers=[n for _, _, n in released],
            record_commitments=commitments, accepted=accepted, quarantined=quarantined,
        ), actor=actor)
        for row_id, record_id, _ in released:
            conn.execute(update(quarantined_rows).where(quarantined_rows.c.id == row_id).values(
                status=QuarantineStatus.RELEASED, record_id=record_id, updated_by=actor,
                updated_at=now, event_seq=ev.seq))
        conn.execute(update(source_lists).where(source_lists.c.id == list_id)
                     .values(accepted=accepted, quarantined=quarantined))
    return result


def values_from_cells(columns: Sequence[Column], cells: Mapping[str, str]) -> list[str]:
    """Cells by column key back into a row of values by column position."""
    width = max([c.index + 1 for c in columns] + [0])
    overflow: dict[int, str] = {}
    for key, value in cells.items():
        match = re.fullmatch(r"column ([A-Z]{1,3})", key)
        if match and not any(c.key == key for c in columns):
            index = _letter_index(match.group(1))
            overflow[index] = value
            width = max(width, index + 1)
    values = [""] * width
    for column in columns:
        values[column.index] = cells.get(column.key, "")
    for index, value in overflow.items():
        values[index] = value
    return values


def _letter_index(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number - 1


def _resolve_column(columns: Sequence[Column], name: str, row_number: int) -> Column:
    wanted = name.strip()
    for match in (
        lambda c: c.key == wanted or c.header == wanted,
        lambda c: c.key.casefold() == wanted.casefold() or c.header.casefold() == wanted.casefold(),
        lambda c: c.field == wanted,
        lambda c: column_letter(c.index) == wanted.upper() and len(wanted) <= 3,
    ):
        found = [c for c in columns if match(c)]
        if found:
            return found[0]
    shown = ", ".join(repr(c.label) for c in columns)
    raise InputError(f"row {row_number} has no column {name!r} (columns: {shown})")


def _list_id(app: App, list_id: str, conn: Connection | None = None) -> str:
    query = select(source_lists.c.id).where(source_lists.c.id.like(f"{list_id}%"))
    if conn is not None:
        found = conn.execute(query.limit(2)).scalars().all()
    else:
        with app.read() as reader:
            found = reader.execute(query.limit(2)).scalars().all()
    if len(found) != 1 or len(list_id) < 4:
        raise NotFound(f"no list {list_id}" if not found or len(list_id) < 4 else
                       f"list id {list_id} is ambiguous; give more of it")
    return str(found[0])


def _row(conn: Connection, quarantine_id: str, *, lock: bool = False) -> Any:
    query = select(quarantined_rows).where(quarantined_rows.c.id.like(f"{quarantine_id}%"))
    if lock and conn.dialect.name != "sqlite":
        query = query.with_for_update(of=quarantined_rows)
    found = conn.execute(query.limit(2)).all() if len(quarantine_id) >= 4 else []
    if len(found) != 1:
        raise NotFound(f"no quarantined row {quarantine_id}" if not found else
                       f"quarantine id {quarantine_id} is ambiguous; give more of it")
    if found[0].sealed is None:
        raise NotFound(f"quarantined row {quarantine_id} was erased")
    return found[0]


def _columns(app: App, conn: Connection, list_id: str) -> list[Column]:
    sealed = conn.execute(select(list_imports.c.sealed_layout)
                          .where(list_imports.c.list_id == list_id)).scalar()
    if sealed is None:
        raise NotFound(f"list {list_id} was not imported from a file; it has no layout")
    return layout_columns(app.cipher.open(sealed, row_id=list_id))


def _entry(app: App, row: Any, *, source: str, columns: list[Column] | None
           ) -> QuarantineEntry:
    if row.sealed is None:
        return QuarantineEntry(id=row.id, list_id=row.list_id, source=source,
                               row_number=row.row_number, status=QuarantineStatus.ERASED,
                               problems=[])
    payload = app.cipher.open(row.sealed, row_id=row.id)
    problems = [Problem(row=row.row_number, column=p["column"], value=p["value"],
                        reason=p["reason"], code=p.get("code", "invalid"))
                for p in payload["problems"]]
    cells: list[tuple[str, str | None, str]] = []
    if columns is not None:
        stored: dict[str, str] = payload["cells"]
        for column in columns:
            cells.append((column.label, column.field, stored.get(column.key, "")))
        for key, value in stored.items():
            if not any(c.key == key for c in columns):
                cells.append((key, None, value))
    return QuarantineEntry(id=row.id, list_id=row.list_id, source=source,
                           row_number=row.row_number, status=QuarantineStatus(row.status),
                           problems=problems,
                           cells=cells, record_id=row.record_id)


__all__ = ["QuarantineEntry", "QuarantinedRow", "ReleaseResult", "fix_quarantined",
           "list_quarantined", "reimport_quarantined", "show_quarantined", "values_from_cells"]
