"""Row sources: CSV/TSV text and XLSX sheets as ``(row number, cell texts)``, streamed.

Row numbers are those a spreadsheet program shows: the sheet's own row numbers for
XLSX, and for text the record's position counting every record from 1 (a quoted cell
spanning several lines is one row, as Excel shows it). Neither reader holds more than
one row at a time, so memory stays flat in the size of the file.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from parley.errors import InputError
from parley.ingest.sniff import SAMPLE_BYTES, sniff_delimiter
from parley.ingest.values import cell_text

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

Row = tuple[int, list[str]]


class TextTable:
    """A CSV or TSV file read with a known encoding; the delimiter is sniffed."""

    format = "csv"

    def __init__(self, path: Path, *, encoding: str, delimiter: str | None = None) -> None:
        self.path = path
        self.encoding = encoding
        self.sheet = ""
        self.sheets: list[str] = []
        self._raw: IO[bytes] | None = None
        self._size = max(path.stat().st_size, 1)
        if delimiter is None:
            with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
                sample = handle.read(SAMPLE_BYTES)
            delimiter = sniff_delimiter(sample)
        self.delimiter = delimiter
        self.format = "tsv" if delimiter == "\t" else "csv"

    def rows(self) -> Iterator[Row]:
        with self.path.open("rb") as raw:
            self._raw = raw
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors="replace", newline="")
            reader = csv.reader(text, delimiter=self.delimiter)
            number = 0
            try:
                for cells in reader:
                    number += 1
                    if number == 1 and cells and cells[0].lstrip("\ufeff").lower().startswith(
                            "sep=") and len(cells) <= 2:
                        continue
                    yield number, cells
            except csv.Error as exc:
                raise InputError(f"{self.path.name}: row {number + 1} cannot be read as "
                                 f"{self.format.upper()} ({exc})") from None
            finally:
                self._raw = None

    def progress(self) -> float:
        """How far through the file the reader is (0 to 1), by bytes read."""
        if self._raw is None or self._raw.closed:
            return 1.0
        return min(self._raw.tell() / self._size, 1.0)

    def close(self) -> None:
        return None


class Workbook:
    """One sheet of an XLSX workbook, read in openpyxl's streaming (read-only) mode.

    Date cells arrive as dates, numbers keep their zero-padding formats, and the cells
    of a vertically merged range below the header all carry the range's value (a unit
    written once for a block of rows belongs to every row of the block).
    """

    format = "xlsx"
    encoding = ""
    delimiter = ""

    def __init__(self, path: Path, *, sheet: str | None) -> None:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        self.path = path
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError,
                TypeError, IndexError, AttributeError, SyntaxError) as exc:
            raise InputError(f"{path.name}: the workbook cannot be read ({_reason(exc)})"
                             ) from None
        except Exception as exc:  # noqa: BLE001 - any parser failure is a bad file
            raise InputError(f"{path.name}: the workbook cannot be read ({_reason(exc)})"
                             ) from None
        readable = [ws for ws in self._book.worksheets if hasattr(ws, "_get_source")]
        self.sheets = [ws.title for ws in readable
                       if getattr(ws, "sheet_state", "visible") == "visible"]
        #: Hidden sheets are never read unless named with --sheet, but one holding a
        #: list is reported beside the one read.
        self.hidden_sheets = [ws.title for ws in readable if ws.title not in self.sheets]
        if sheet is not None and sheet not in self._book.sheetnames:
            raise InputError(f"{path.name}: no sheet {sheet!r} (sheets: "
                             f"{', '.join(repr(s) for s in self._book.sheetnames)})")
        if not self.sheets and sheet is None:
            raise InputError(f"{path.name}: the workbook has no worksheet")
        self.sheet = sheet if sheet is not None else self.sheets[0]
        self._ws: Any = self._book[self.sheet]
        self._formats = _number_formats(self._book)
        self._merged = _vertical_merges(self._book, self.sheet, path)
        self._done = 0
        self._total = max(int(self._ws.max_row or 0), 1)

    def select(self, sheet: str) -> None:
        self.sheet = sheet
        self._ws = self._book[sheet]
        self._merged = _vertical_merges(self._book, sheet, self.path)
        self._total = max(int(self._ws.max_row or 0), 1)

    def rows(self) -> Iterator[Row]:
        try:
            source = self._ws._get_source()
        except KeyError as exc:
            raise InputError(f"{self.path.name}: sheet {self.sheet!r} is missing from the "
                             f"workbook ({exc})") from None
        sheet_rows = SheetRows(self._book, self._formats)
        fill: dict[int, tuple[int, str]] = {}
        try:
            for chunk in iter(lambda: source.read(1 << 16), b""):
                for number, values in sheet_rows.feed(chunk):
                    self._done = number
                    if self._merged:
                        values = _apply_merges(number, values, self._merged, fill)
                    yield number, values
            for number, values in sheet_rows.feed(b"", final=True):
                self._done = number
                if self._merged:
                    values = _apply_merges(number, values, self._merged, fill)
                yield number, values
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - any parser failure is a damaged sheet
            raise InputError(f"{self.path.name}: sheet {self.sheet!r} cannot be read after "
                             f"row {self._done} ({_reason(exc)})") from None
        finally:
            source.close()

    def progress(self) -> float:
        return min(self._done / self._total, 1.0)

    def close(self) -> None:
        self._book.close()


class SheetRows:
    """A push parser (expat) for a worksheet's XML: bytes in, ``(row, values)`` out.

    openpyxl's own read-only parser builds objects per cell and reads about four times
    slower; this one keeps only what a list needs: shared and inline strings, numbers
    (dates by the cell's style, through openpyxl's own conversion), booleans, and the
    cached results of formulas. Workbook-level parts (sheets, shared strings, styles)
    still come from openpyxl.
    """

    def __init__(self, book: Any, zero_formats: dict[int, str]) -> None:
        from xml.parsers import expat

        from openpyxl.utils.datetime import from_excel

        self._strings = book.shared_strings
        self._dates: set[int] = set(getattr(book, "_date_formats", ()) or ())
        self._epoch = book.epoch
        self._from_excel = from_excel
        self._zero = zero_formats
        self._parser = expat.ParserCreate()
        self._parser.buffer_text = True
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end
        self._parser.CharacterDataHandler = self._text
        self._ready: list[Row] = []
        self._row = 0
        self._values: list[str] = []
        self._col = 0
        self._type = "n"
        self._style = 0
        self._text_parts: list[str] | None = None
        self._value: list[str] = []
        self._in_inline = False
        self._in_phonetic = False

    def feed(self, data: bytes, *, final: bool = False) -> list[Row]:
        self._parser.Parse(data, final)
        ready, self._ready = self._ready, []
        return ready

    def _start(self, tag: str, attrs: dict[str, str]) -> None:
        name = tag.rpartition(":")[2]
        if name == "c":
            ref = attrs.get("r")
            self._col = _column_index(ref) if ref else self._col + 1
            self._type = attrs.get("t", "n")
            self._style = int(attrs.get("s", 0) or 0)
            self._value = []
            self._in_inline = False
        elif name == "v" or (name == "t" and self._in_inline and not self._in_phonetic):
            self._text_parts = self._value
        elif name == "is":
            self._in_inline = True
        elif name == "rPh":
            self._in_phonetic = True
        elif name == "row":
            ref = attrs.get("r")
            self._row = int(ref) if ref and ref.isdigit() else self._row + 1
            self._values = []
            self._col = 0

    def _text(self, data: str) -> None:
        if self._text_parts is not None:
            self._text_parts.append(data)

    def _end(self, tag: str) -> None:
        name = tag.rpartition(":")[2]
        if name in ("v", "t"):
            self._text_parts = None
        elif name == "rPh":
            self._in_phonetic = False
        elif name == "c":
            text = self._convert("".join(self._value))
            if text:
                values = self._values
                if len(values) < self._col:
                    values.extend([""] * (self._col - len(values)))
                values[self._col - 1] = text
        elif name == "row":
            self._ready.append((self._row, self._values))

    def _convert(self, raw: str) -> str:
        kind = self._type
        if not raw:
            return ""
        if kind == "s":
            value = self._strings[int(raw)]
            return value if isinstance(value, str) else str(value)
        if kind in ("inlineStr", "str", "e"):
            return raw
        if kind == "b":
            return "TRUE" if raw.strip() in ("1", "true") else "FALSE"
        if kind == "d":
            return raw[:10] if raw[10:].strip("T0:.Z") == "" else raw.replace("T", " ")
        number: float | int
        try:
            number = int(raw)
        except ValueError:
            try:
                number = float(raw)
            except ValueError:
                return raw
        if self._style in self._dates:
            try:
                return cell_text(self._from_excel(number, self._epoch))
            except (OverflowError, ValueError, TypeError):
                return raw
        return cell_text(number, self._zero.get(self._style))


def _column_index(ref: str) -> int:
    """``"AB12"`` → 28 (1-based column of a cell reference)."""
    number = 0
    for char in ref:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        else:
            break
    return number


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:200] if text else type(exc).__name__


def _number_formats(book: Any) -> dict[int, str]:
    """style id → number format, for the formats that pad numbers with zeros."""
    formats: dict[int, str] = {}
    try:
        for style_id, style in enumerate(book._cell_styles):
            fmt = book._number_formats[style.numFmtId - 164] if style.numFmtId >= 164 else ""
            if fmt and set(fmt) == {"0"}:
                formats[style_id] = fmt
    except (AttributeError, IndexError, TypeError):
        return formats
    return formats


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _vertical_merges(book: Any, sheet: str, path: Path) -> dict[int, list[tuple[int, int, int]]]:
    """Merged ranges spanning rows: top row → [(first col, last col, last row)] (1-based).

    Read-only mode does not report merged cells, so the sheet's XML is scanned for its
    ``<mergeCells>`` element (it follows the data, so the whole part is streamed once).
    """
    ranges: dict[int, list[tuple[int, int, int]]] = {}
    try:
        ws = book[sheet]
        member = ws._worksheet_path
        with zipfile.ZipFile(path) as archive, archive.open(member) as part:
            tail = b""
            for chunk in iter(lambda: part.read(1 << 20), b""):
                block = tail + chunk
                for m in _MERGE.finditer(block):
                    c1, r1, c2, r2 = m.groups()
                    top, bottom = int(r1), int(r2)
                    if bottom > top:
                        ranges.setdefault(top, []).append(
                            (_col(c1.decode()), _col(c2.decode()), bottom))
                tail = block[-200:]
    except (KeyError, OSError, zipfile.BadZipFile, AttributeError, EOFError):
        return {}
    for top, spans in ranges.items():  # the 200-byte overlap may find one range twice
        ranges[top] = sorted(set(spans))
    return ranges


def _col(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def _apply_merges(number: int, values: list[str],
                  merged: dict[int, list[tuple[int, int, int]]],
                  fill: dict[int, tuple[int, str]]) -> list[str]:
    for first, last, bottom in merged.get(number, ()):
        top_value = values[first - 1] if first - 1 < len(values) else ""
        for col in range(first, last + 1):
            fill[col] = (bottom, top_value)
    if fill:
        for col, (bottom, value) in list(fill.items()):
            if number > bottom:
                del fill[col]
                continue
            if col > len(values):
                values.extend([""] * (col - len(values)))
            if not values[col - 1]:
                values[col - 1] = value
    return values
