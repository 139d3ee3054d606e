"""`parley import`, `parley lists`, `parley quarantine …` and `parley export …`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from parley.cli.common import err, open_app, out, print_json
from parley.domain.vocabulary import ListKind, QuarantineStatus
from parley.errors import InputError

if TYPE_CHECKING:
    from parley.services.intake.imports import ImportSummary
    from parley.services.intake.quarantine import ReleaseResult


def say(text: str) -> None:
    """One line on stdout exactly as given (no wrapping, no Rich markup)."""
    out.print(text, soft_wrap=True, markup=False, highlight=False)


#: Files larger than this get a progress bar (when stderr is a terminal).
PROGRESS_BYTES = 512 * 1024
SHOWN_ERRORS = 20

quarantine_app = typer.Typer(help="Rows of imported lists that were not accepted.",
                             no_args_is_help=True)
export_app = typer.Typer(help="Write lists, persons or quarantined rows to CSV or XLSX.",
                         no_args_is_help=True)

ACTOR = typer.Option(None, "--actor", envvar="PARLEY_ACTOR",
                     help="Actor id doing this (default: $PARLEY_ACTOR).")


def import_command(
    file: Path = typer.Argument(..., help="The list: .csv, .tsv, .txt or .xlsx."),
    kind: str = typer.Option(..., "--kind",
                             help=f"What the list is: {ListKind.listed()}."),
    source: str = typer.Option(None, "--source",
                               help="Name of the source (default: the file name)."),
    party: str = typer.Option(None, "--party", help="Party code the list comes from."),
    sheet: str = typer.Option(None, "--sheet",
                              help="Sheet of a workbook (default: the first with a list)."),
    maps: list[str] = typer.Option(
        [], "--map", help="COLUMN=field: map a column (header or letter) onto a canonical "
                          "field, or 'extra' / 'ignore'. Repeatable."),
    encoding: str = typer.Option(None, "--encoding",
                                 help="Encoding of a text file (default: detected)."),
    actor: str = ACTOR,
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Import one list: every row is accepted or quarantined with its reason."""
    from parley.services.intake.imports import import_list, parse_mapping

    mapping = parse_mapping(maps)
    with open_app() as parley, _progress(file, enabled=not as_json) as on_progress:
        summary = import_list(parley, path=file, kind=kind, actor=actor, source=source,
                              party=party, sheet=sheet, mapping=mapping, encoding=encoding,
                              on_progress=on_progress)
    if as_json:
        print_json(summary.as_json())
        return
    _print_summary(summary)


def _print_summary(s: ImportSummary) -> None:
    from parley.services.intake.imports import describe_columns

    if s.already_imported:
        say(f"{s.file}: already imported as list {s.list_id} ({s.source}, "
                  f"{s.imported_at}): {s.rows} rows, {s.accepted} accepted, "
                  f"{s.quarantined} quarantined; nothing changed")
        return
    say(f"imported {s.file} as list {s.list_id}: {s.rows} rows, {s.accepted} accepted, "
              f"{s.quarantined} quarantined")
    how = s.format.upper()
    if s.sheet:
        how += f", sheet {s.sheet!r}"
    if s.encoding:
        how += f", {s.encoding}"
    if s.delimiter:
        how += f", delimiter {s.delimiter!r}"
    header = (f"header on row {s.header_row}" if s.header_row else
              "no header row, every row read as data")
    say(f"  read as {how}; {header}: {describe_columns(s.columns)}")
    if s.skipped:
        shown = ", ".join(f"{k.row} {k.reason}" for k in s.skipped[:10])
        more = f", … ({len(s.skipped) - 10} more)" if len(s.skipped) > 10 else ""
        say(f"  skipped {len(s.skipped)} non-data rows: {shown}{more}")
    if s.other_sheets:
        say(f"  other sheets with lists (import each with --sheet): "
                  f"{', '.join(repr(n) for n in s.other_sheets)}")
    if s.errors:
        say("  quarantined:")
        for problem in s.errors[:SHOWN_ERRORS]:
            say(f"    {problem}")
        if len(s.errors) > SHOWN_ERRORS:
            say(f"    … and {len(s.errors) - SHOWN_ERRORS} more problems")
        say(f"  review them: parley quarantine list --list {s.list_id}")


@contextmanager
def _progress(file: Path, *, enabled: bool
              ) -> Iterator[Callable[[float, int], None] | None]:
    try:
        big = file.stat().st_size > PROGRESS_BYTES
    except OSError:
        big = False
    if not (enabled and big and err.is_terminal):
        yield None
        return
    with Progress(TextColumn("importing {task.description}"), BarColumn(),
                  TextColumn("{task.fields[rows]} rows"), TimeRemainingColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task(file.name, total=1.0, rows=0)

        def update(fraction: float, rows: int) -> None:
            bar.update(task, completed=fraction, rows=rows)

        yield update


def lists_command(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The imported lists: id, source, kind, party, counts."""
    from parley.services.intake.imports import list_lists

    with open_app() as parley:
        lists = list_lists(parley)
    if as_json:
        print_json([item.as_json() for item in lists])
        return
    if not lists:
        say("no lists imported yet")
    for item in lists:
        say(f"{item.id}  {item.source} ({item.kind}{', ' + item.party if item.party else ''})"
                  f": {item.rows} rows, {item.accepted} accepted, {item.quarantined} "
                  f"quarantined; {item.file_name} {item.imported_at}")


@quarantine_app.command("list")
def quarantine_list(
    list_id: str = typer.Option(None, "--list", help="Only this list (id or its start)."),
    status: str = typer.Option(QuarantineStatus.OPEN.value, "--status",
                               help="open, released or all."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Quarantined rows with their problems."""
    from parley.services.intake.quarantine import list_quarantined

    with open_app() as parley:
        entries = list_quarantined(parley, list_id=list_id, status=status)
    if as_json:
        print_json([e.as_json() for e in entries])
        return
    if not entries:
        say("no quarantined rows" + ("" if status == "all" else f" ({status})"))
    for entry in entries:
        reasons = "; ".join(f"{p.column}"
                            f"{' ' + repr(p.value) if p.value else ''}: {p.reason}"
                            for p in entry.problems)
        say(f"{entry.id}  {entry.source} row {entry.row_number} [{entry.status}]: "
                  f"{reasons}")


@quarantine_app.command("show")
def quarantine_show(
    quarantine_id: str = typer.Argument(..., help="Quarantine id (or its start)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """One quarantined row: every cell under its column, and its problems."""
    from parley.services.intake.quarantine import show_quarantined

    with open_app() as parley:
        entry = show_quarantined(parley, quarantine_id)
    if as_json:
        print_json(entry.as_json())
        return
    say(f"{entry.id}  {entry.source} (list {entry.list_id}) row {entry.row_number} "
              f"[{entry.status}]")
    for label, field, value in entry.cells:
        say(f"  {label} ({field or 'extra'}): {value!r}")
    for problem in entry.problems:
        say(f"  problem: {problem}")


@quarantine_app.command("fix")
def quarantine_fix(
    quarantine_id: str = typer.Argument(..., help="Quarantine id (or its start)."),
    sets: list[str] = typer.Option([], "--set", help="COLUMN=VALUE (header, letter or "
                                   "field); an empty VALUE clears the cell. Repeatable."),
    actor: str = ACTOR,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Correct cells of a quarantined row; it is released into its list if it now passes."""
    from parley.services.intake.quarantine import fix_quarantined

    changes: dict[str, str] = {}
    for item in sets:
        column, sep, value = item.partition("=")
        if not sep or not column.strip():
            raise InputError(f"--set {item!r}: write COLUMN=VALUE")
        changes[column.strip()] = value
    with open_app() as parley:
        result = fix_quarantined(parley, quarantine_id=quarantine_id, changes=changes,
                                 actor=actor)
    _print_release(result, as_json=as_json)


@quarantine_app.command("reimport")
def quarantine_reimport(
    ids: list[str] = typer.Argument(None, help="Quarantine ids (or use --list)."),
    list_id: str = typer.Option(None, "--list", help="Every open row of this list."),
    actor: str = ACTOR,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Re-validate open quarantined rows and release those that now pass."""
    from parley.services.intake.quarantine import reimport_quarantined

    with open_app() as parley:
        result = reimport_quarantined(parley, ids=ids or [], list_id=list_id, actor=actor)
    _print_release(result, as_json=as_json)


def _print_release(result: ReleaseResult, *, as_json: bool) -> None:
    if as_json:
        print_json(result.as_json())
        return
    if result.released:
        say(f"released {len(result.released)} row(s) into their list: rows "
                  f"{', '.join(str(n) for n in result.released)}")
    for entry in result.still:
        for problem in entry.problems:
            say(f"still quarantined: {problem}")
    if not result.released and not result.still:
        say("nothing to re-validate")


@export_app.command("list")
def export_list_command(
    list_ids: list[str] = typer.Argument(None, help="List ids (default: every list)."),
    out_path: Path = typer.Option(..., "--out", help="Output file (.csv or .xlsx)."),
    fmt: str = typer.Option(None, "--format", help="csv or xlsx (default: from --out)."),
) -> None:
    """Records of lists, with provenance and every extra column."""
    from parley.services.intake.export import export_lists

    with open_app() as parley:
        result = export_lists(parley, path=out_path, list_ids=list_ids or [], fmt=fmt)
    say(f"wrote {result.rows} records to {result.path} ({result.format})")


@export_app.command("persons")
def export_persons_command(
    out_path: Path = typer.Option(..., "--out", help="Output file (.csv or .xlsx)."),
    fmt: str = typer.Option(None, "--format", help="csv or xlsx (default: from --out)."),
) -> None:
    """Persons with each of their linked records."""
    from parley.services.intake.export import export_persons

    with open_app() as parley:
        result = export_persons(parley, path=out_path, fmt=fmt)
    say(f"wrote {result.rows} person records to {result.path} ({result.format})")


@export_app.command("quarantine")
def export_quarantine_command(
    out_path: Path = typer.Option(..., "--out", help="Output file (.csv or .xlsx)."),
    list_id: str = typer.Option(None, "--list", help="Only this list."),
    fmt: str = typer.Option(None, "--format", help="csv or xlsx (default: from --out)."),
) -> None:
    """Open quarantined rows with their cells and problems, to correct in a spreadsheet."""
    from parley.services.intake.export import export_quarantine

    with open_app() as parley:
        result = export_quarantine(parley, path=out_path, list_id=list_id, fmt=fmt)
    say(f"wrote {result.rows} quarantined rows to {result.path} ({result.format})")
