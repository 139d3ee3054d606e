"""Writing tables to CSV or XLSX for people to open in a spreadsheet program.

Every text cell that a spreadsheet would take for a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) gets a leading apostrophe, so an exported
list can never run a formula planted in a source file (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from parley.errors import InputError

FORMATS = ("csv", "xlsx")
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """``=1+1`` → ``'=1+1``; anything else unchanged."""
    return "'" + value if value.startswith(_TRIGGERS) else value


def format_for(path: Path, requested: str | None) -> str:
    """The output format: ``--format`` if given, else from the file's extension."""
    fmt = (requested or path.suffix.lstrip(".") or "csv").lower()
    if fmt not in FORMATS:
        raise InputError(f"{path.name}: cannot write {fmt!r}; use .csv or .xlsx "
                         "(or --format csv|xlsx)")
    return fmt


def write_table(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]], *,
                fmt: str, sheet: str = "list") -> int:
    """Write ``header`` and ``rows`` to ``path``; returns the number of data rows.

    CSV is UTF-8 with a BOM (so Excel shows Cyrillic correctly) and ``,`` delimiters;
    XLSX is written in streaming mode, every cell as text.
    """
    count = 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            with path.open("w", encoding="utf-8-sig", newline="") as handle:
                out = csv.writer(handle)
                out.writerow([neutralise(h) for h in header])
                for row in rows:
                    out.writerow([neutralise(v) for v in row])
                    count += 1
            return count
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        book = Workbook(write_only=True)
        ws = book.create_sheet(sheet[:31] or "list")
        ws.append([_text_cell(ws, neutralise(h), WriteOnlyCell) for h in header])
        for row in rows:
            ws.append([_text_cell(ws, neutralise(v), WriteOnlyCell) for v in row])
            count += 1
        book.save(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return count


def _text_cell(ws: object, value: str, cell_type: type) -> object:
    cell = cell_type(ws, value=_xml_safe(value))
    cell.data_type = "s"
    return cell


def _xml_safe(value: str) -> str:
    # XML 1.0 cannot hold most C0 controls; they never reach the store, but be safe.
    return "".join(c for c in value if c >= " " or c in "\t\n\r")
