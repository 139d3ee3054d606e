"""Reading a list file: sniff, find the header, classify rows, validate them, stream.

:func:`open_list` gives a :class:`ListReader` that yields each data row as an accepted
:class:`~parley.domain.records.RecordInput` or a :class:`QuarantinedRow`, one at a time
(the importer streams them into the store). :func:`read_list` reads a whole file into a
:class:`ReadResult` without any database (``parley link`` uses it).

Rows below the header that are not data are skipped and reported, never counted as
data: blank rows, a repeated header, the ``1 2 3 …`` row of column numbers under a
header, numbered empty rows of a form, section headings (one text cell outside the
name columns), and footers (``Всього: 25``, signatures).
"""

from __future__ import annotations

import marshal
import multiprocessing
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, islice
from pathlib import Path
from types import TracebackType
from typing import Any

from parley.domain.records import RecordInput
from parley.domain.vocabulary import ListKind
from parley.errors import InputError, parse_input
from parley.ingest.headerless import HeaderlessList
from parley.ingest.headers import (
    HEADER_SEARCH_ROWS,
    LIST_NUMBER,
    NAME_FIELDS,
    Column,
    HeaderLayout,
    check_mapping_used,
    locate_header,
    normalise_header,
)
from parley.ingest.sniff import detect_encoding, inspect_file
from parley.ingest.tabular import Row, TextTable, Workbook
from parley.ingest.validate import NUMERIC_DATE, Problem, QuarantinedRow, RowValidator

LOOKAHEAD_ROWS = 64
_FOOTER = re.compile(
    r"^\s*(всього|усього|всего|разом|итого|загалом|total|totals|in total|grand total|"
    r"підпис|подпись|signature|signed|м\.\s?п\.|керівник|начальник|руководитель|командир|"
    r"виконавець|исполнитель|склав|составил|prepared by|compiled by|дата складання|"
    r"дата составления|кількість|количество|count)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+(?:\.0)?\.?")


@dataclass(frozen=True)
class SkippedRow:
    """A row below the header that is not a data row, and why."""

    row: int
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "reason": self.reason}


@dataclass
class ReadResult:
    """A whole list read without a database: accepted records and quarantined rows.

    ``rows`` counts the data rows; ``len(records) + len(quarantined) == rows`` always.
    """

    path: Path
    file_sha256: str
    sheet: str
    format: str
    encoding: str
    delimiter: str
    header_row: int
    columns: list[Column]
    records: list[RecordInput] = field(default_factory=list)
    quarantined: list[QuarantinedRow] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    #: Other sheets of the workbook that hold a list too (hidden ones included): not
    #: read; name one with ``sheet=`` to read it.
    other_sheets: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.records) + len(self.quarantined)

    @property
    def errors(self) -> list[Problem]:
        return [p for q in self.quarantined for p in q.problems]


class ListReader:
    """One list file opened for reading: its layout, and its data rows as a stream.

    Iterate it once; ``rows``, ``accepted``, ``quarantined`` and ``skipped`` are filled
    as it goes. Use it as a context manager (it holds the file open).
    """

    def __init__(self, path: Path, *, sheet: str | None = None,
                 mapping: Mapping[str, str] | None = None, encoding: str | None = None,
                 kind: str | None = None, today: date | None = None) -> None:
        self.path = path
        self.file_name = path.name
        self.kind = parse_input(ListKind, kind) if kind is not None else None
        self.mapping = dict(mapping or {})
        self.today = today or date.today()
        kind_of_file = inspect_file(path)
        self.file_sha256 = kind_of_file.sha256
        self.size = kind_of_file.size
        self.other_sheets: list[str] = []
        self._table: TextTable | Workbook
        if kind_of_file.format == "xlsx":
            if encoding:
                raise InputError(f"{path.name}: --encoding applies to CSV files, not XLSX")
            self._table = Workbook(path, sheet=sheet)
        else:
            if sheet is not None:
                raise InputError(f"{path.name}: --sheet applies to XLSX workbooks; "
                                 "this is a text (CSV) file")
            self._table = TextTable(path, encoding=detect_encoding(path, override=encoding))
        try:
            self._open(sheet)
        except BaseException:
            self._table.close()
            raise
        self.rows = 0
        self.accepted = 0
        self.quarantined = 0
        self.skipped: list[SkippedRow] = []
        self._consumed = False
        self._encoding_override = encoding
        self._child_progress: float | None = None

    # -- layout -----------------------------------------------------------------------

    def _open(self, sheet: str | None) -> None:
        table = self._table
        if isinstance(table, Workbook) and sheet is None:
            self._pick_sheet(table)
        else:
            self._layout_current()

    def _pick_sheet(self, book: Workbook) -> None:
        first_error: InputError | None = None
        chosen: str | None = None
        for name in book.sheets:
            book.select(name)
            try:
                self._layout_current()
            except InputError as exc:
                # A data sheet without a header says more than a notes sheet.
                if first_error is None or (isinstance(exc, HeaderlessList) and
                                           not isinstance(first_error, HeaderlessList)):
                    first_error = exc
                continue
            if chosen is None:
                chosen = name
            else:
                self.other_sheets.append(name)
        if chosen is None:
            raise first_error or InputError(f"{self.file_name}: no sheet holds a list")
        for name in book.hidden_sheets:
            book.select(name)
            try:
                self._layout_current()
            except InputError:
                continue
            self.other_sheets.append(name)
        book.select(chosen)
        # Re-open the chosen sheet's stream: the checks above consumed its first rows.
        self._layout_current()

    def _layout_current(self) -> None:
        stream = self._table.rows()
        head = list(islice(stream, HEADER_SEARCH_ROWS))
        sheet = f" (sheet {self._table.sheet!r})" if self._table.sheet else ""
        if not any(any(c.strip() for c in cells) for _, cells in head):
            raise InputError(f"{self.file_name}{sheet}: the file is empty (no cells with "
                             "text)")
        layout = locate_header(head, mapping=self.mapping, kind=self.kind,
                               file_name=f"{self.file_name}{sheet}")
        header_cells = next((cells for number, cells in head if number == layout.first_row),
                            [])  # none when the file has no header (first_row 0)
        if self.mapping:
            check_mapping_used(self.mapping, layout.columns, _all_header_cells(head, layout),
                               self.file_name)
        after = [(n, c) for n, c in head if n > layout.last_row]
        self._stream: Iterator[Row] = chain(after, stream)
        self._head = after
        self.layout = layout
        self._header_norm = [normalise_header(c) for c in header_cells]
        # A repeated header (a page break in an export) starts with the header's first cell.
        self._header_first = next((c.strip().casefold() for c in header_cells if c.strip()), "")

    @property
    def sheet(self) -> str:
        return self._table.sheet

    @property
    def format(self) -> str:
        return self._table.format

    @property
    def encoding(self) -> str:
        return self._table.encoding

    @property
    def delimiter(self) -> str:
        return self._table.delimiter

    @property
    def columns(self) -> list[Column]:
        return list(self.layout.columns)

    @property
    def header_row(self) -> int:
        return self.layout.first_row

    def progress(self) -> float:
        if self._child_progress is not None:
            return self._child_progress
        return self._table.progress()

    # -- rows -------------------------------------------------------------------------

    def __iter__(self) -> Iterator[RecordInput | QuarantinedRow]:
        if self._consumed:
            raise RuntimeError("a ListReader is read once")
        self._consumed = True
        lookahead = list(islice(self._stream, LOOKAHEAD_ROWS))
        columns = _infer_full_name_columns(self.layout.columns, lookahead)
        self.layout = HeaderLayout(self.layout.first_row, self.layout.last_row,
                                   tuple(columns))
        validator = RowValidator(columns=columns, kind=self.kind, today=self.today,
                                 month_first=_month_first_columns(columns, lookahead))
        name_indexes = {c.index for c in columns if c.field in NAME_FIELDS}
        number_indexes = {c.index for c in columns if c.field == LIST_NUMBER}
        # A lone text in the running-number column or an unknown one is a section
        # heading ("1-й батальйон"); in any canonical column it is a (bad) data row.
        canonical_indexes = {c.index for c in columns if c.field not in (None, LIST_NUMBER)}
        footer = False
        first_data = True
        header_first = self._header_first
        check = validator.check
        for number, cells in chain(lookahead, self._stream):
            # The common case, a full data row (four cells or more, after the first data
            # row and before any footer, not a repeated header), is taken as it is;
            # _skip_reason decides every other row.
            if not (footer or first_data) and len(cells) - cells.count("") >= 4 and (
                    cells[0] or next(c for c in cells if c)).strip().casefold() != header_first:
                reason = None
            else:
                reason = self._skip_reason(cells, name_indexes, number_indexes,
                                           canonical_indexes, footer, first_data)
            if reason is not None:
                if reason == "footer":
                    footer = True
                self.skipped.append(SkippedRow(number, reason))
                continue
            first_data = False
            result = check(number, cells)
            self.rows += 1
            if type(result) is RecordInput:
                self.accepted += 1
            else:
                self.quarantined += 1
            yield result
        if self.rows == 0:
            raise InputError(
                f"{self.file_name}: the header is on row {self.layout.first_row} but no data "
                "rows follow it"
            )

    def _skip_reason(self, cells: Sequence[str], name_indexes: set[int],
                     number_indexes: set[int], canonical_indexes: set[int], footer: bool,
                     first_data: bool) -> str | None:
        """Why a row that is not plainly a full data row is skipped (None: it is data):
        a blank row, a footer, a numbered empty row, a section heading, the columns'
        numbers under the header, a repeated header. ``__iter__`` takes full data rows
        without asking."""
        filled = [(i, c) for i, c in enumerate(cells) if c and not c.isspace()]
        if not filled:
            return "blank"
        first_text = filled[0][1]
        if len(filled) <= 3 and _FOOTER.match(first_text):
            return "footer"
        if footer and len(filled) <= 2 and (
                not any(i in name_indexes for i, _ in filled) or "__" in "".join(
                    c for _, c in filled)):
            return "footer"
        if all(i in number_indexes for i, _ in filled) and not any(
                ch.isalpha() for _, c in filled for ch in c):
            return "numbered empty row"
        if len(filled) == 1 and filled[0][0] not in canonical_indexes and any(
                ch.isalpha() for ch in first_text):
            return "section heading"
        if first_data and len(filled) >= 3 and all(_NUMBER.fullmatch(c.strip())
                                                   for _, c in filled):
            numbers = [int(float(c.strip().rstrip("."))) for _, c in filled]
            if numbers == list(range(numbers[0], numbers[0] + len(numbers))):
                return "column numbers"
        if len(filled) >= 2 and filled[0][1].strip().casefold() == self._header_first and [
                normalise_header(c) for c in cells[:len(self._header_norm)]
        ] == self._header_norm:
            return "repeated header"
        return None

    # -- reading in a second process ---------------------------------------------------

    def iter_parallel(self) -> Iterator[RecordInput | QuarantinedRow]:
        """The same rows as iterating the reader, read and validated in a child process.

        Reading and validating a row costs about as much as sealing and storing it, so
        on a machine with two cores the importer lets a forked child do the first half
        while it does the second. The child opens the file afresh, streams its results
        back in batches over a pipe and reports the counts at the end; an
        :class:`InputError` in the child (a sheet damaged halfway) is raised here with its
        message. Where ``fork`` is not available this is plain iteration.
        """
        if self._consumed:
            raise RuntimeError("a ListReader is read once")
        try:
            ctx = multiprocessing.get_context("fork")
        except ValueError:
            yield from self
            return
        self._consumed = True
        receiver, sender = ctx.Pipe(duplex=False)
        args = (sender, self.path, self._table.sheet if self.format == "xlsx" else None,
                self.mapping, self._encoding_override, self.kind, self.today)
        child = ctx.Process(target=_read_in_child, args=args, daemon=True)
        child.start()
        sender.close()
        self._child_progress = 0.0
        try:
            while True:
                try:
                    message = receiver.recv()
                except EOFError:
                    raise InputError(f"{self.file_name}: the reading process stopped "
                                     f"unexpectedly (exit code {child.exitcode})") from None
                kind = message[0]
                if kind == "rows":
                    self._child_progress = message[3]
                    quarantined = message[2]
                    # Our own forked child over a private pipe: the trust of pickle, which
                    # the pipe uses anyway.
                    for number, fields, extra in marshal.loads(message[1]):  # noqa: S302
                        self.rows += 1
                        if fields is None:
                            self.quarantined += 1
                            yield quarantined[extra]
                        else:
                            self.accepted += 1
                            yield RecordInput(number, fields, extra)
                elif kind == "done":
                    self.skipped = message[1]
                    self.layout = message[2]
                    return
                elif kind == "error":
                    raise InputError(message[1])
                else:
                    raise RuntimeError(f"reading {self.file_name} failed: {message[1]}")
        finally:
            receiver.close()
            if child.is_alive():
                child.terminate()
            child.join()

    # -- lifecycle --------------------------------------------------------------------

    def close(self) -> None:
        self._table.close()

    def __enter__(self) -> ListReader:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _all_header_cells(head: Sequence[Row], layout: HeaderLayout) -> list[str]:
    cells: list[str] = []
    for number, row in head:
        if layout.first_row <= number <= layout.last_row:
            cells.extend(row)
    return cells


def _infer_full_name_columns(columns: Sequence[Column], sample: Sequence[Row]
                             ) -> list[Column]:
    """A ``Прізвище`` column that holds whole names (and no ``Ім'я`` column) is a full name."""
    fields = {c.field for c in columns}
    if "given_name" in fields or "full_name" in fields or "surname" not in fields:
        return list(columns)
    surname = next(c for c in columns if c.field == "surname")
    values = [cells[surname.index] for _, cells in sample
              if surname.index < len(cells) and cells[surname.index].strip()]
    if len(values) < 3:
        return list(columns)
    whole = sum(1 for v in values if len(v.split()) >= 2 and all(
        w[:1].isupper() for w in v.split()[:2]))
    if whole < 0.6 * len(values):
        return list(columns)
    return [Column(c.index, c.header, "full_name", c.key) if c is surname else c
            for c in columns]


CHILD_BATCH = 500


def _read_in_child(sender: Any, path: Path, sheet: str | None, mapping: dict[str, str],
                   encoding: str | None, kind: str | None, today: date) -> None:
    """The body of :meth:`ListReader.iter_parallel`'s child process."""
    try:
        with ListReader(path, sheet=sheet, mapping=mapping, encoding=encoding, kind=kind,
                        today=today) as reader:
            # Accepted rows travel as tuples of strings and dicts in marshal's format, which
            # the receiving process (the busier one) loads three times faster than it
            # unpickles the dataclasses; a quarantined row is a (row, None, position)
            # placeholder for its pickled original, so the order of rows is kept.
            batch: list[tuple[int, dict[str, str] | None, dict[str, str] | int]] = []
            quarantined: list[QuarantinedRow] = []
            for item in reader:
                if isinstance(item, QuarantinedRow):
                    batch.append((item.row_number, None, len(quarantined)))
                    quarantined.append(item)
                else:
                    batch.append((item.row_number, item.fields, item.extra))
                if len(batch) >= CHILD_BATCH:
                    sender.send(("rows", marshal.dumps(batch), quarantined, reader.progress()))
                    batch, quarantined = [], []
            sender.send(("rows", marshal.dumps(batch), quarantined, 1.0))
            sender.send(("done", reader.skipped, reader.layout))
    except InputError as exc:
        sender.send(("error", exc.message))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises
        sender.send(("crash", f"{type(exc).__name__}: {exc}"))
    finally:
        sender.close()
        # Leave without running the parent's finalisers (its database connections).
        os._exit(0)


def _month_first_columns(columns: Sequence[Column], sample: Sequence[Row]) -> set[int]:
    """Date columns whose values are written month first (12/31/1990) and never day first."""
    found: set[int] = set()
    for column in columns:
        if column.field not in ("birth_date", "status_date"):
            continue
        month_first = day_first = 0
        for _, cells in sample:
            value = cells[column.index].strip() if column.index < len(cells) else ""
            match = NUMERIC_DATE.fullmatch(value)
            if match is None:
                continue
            first, second = int(match.group(1)), int(match.group(3))
            month_first += second > 12 >= first
            day_first += first > 12 >= second
        if month_first and not day_first:
            found.add(column.index)
    return found


def open_list(path: Path, *, sheet: str | None = None, mapping: Mapping[str, str] | None = None,
              encoding: str | None = None, kind: str | None = None,
              today: date | None = None) -> ListReader:
    """Open a list file for streaming (see :class:`ListReader`); raises InputError."""
    return ListReader(Path(path), sheet=sheet, mapping=mapping, encoding=encoding, kind=kind,
                      today=today)


def read_list(path: Path, *, sheet: str | None = None, mapping: dict[str, str] | None = None,
              encoding: str | None = None, kind: str | None = None,
              today: date | None = None) -> ReadResult:
    """Read a whole list file into memory: every data row accepted or quarantined.

    No database is involved. Raises :class:`~parley.errors.InputError` (one clear line)
    for a file that is not a readable list: not a spreadsheet, damaged or password
    protected, empty, header only, or without a name column.
    """
    with open_list(path, sheet=sheet, mapping=mapping, encoding=encoding, kind=kind,
                   today=today) as reader:
        result = ReadResult(path=Path(path), file_sha256=reader.file_sha256,
                            sheet=reader.sheet, format=reader.format, encoding=reader.encoding,
                            delimiter=reader.delimiter, header_row=reader.header_row,
                            columns=[])
        for item in reader:
            if isinstance(item, QuarantinedRow):
                result.quarantined.append(item)
            else:
                result.records.append(item)
        result.columns = reader.columns
        result.skipped = reader.skipped
        result.other_sheets = list(reader.other_sheets)
    return result
