"""Importing lists into the store on SQLite and PostgreSQL: all or nothing, sealed, counted."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from parley.bootstrap import App
from parley.errors import ConfigError, InputError, NotFound
from parley.services.intake.export import export_lists, export_persons, export_quarantine
from parley.services.intake.imports import import_list, list_lists
from parley.services.intake.lists import ListMeta, RecordInput, record_list
from parley.services.intake.quarantine import (
    fix_quarantined,
    list_quarantined,
    reimport_quarantined,
    show_quarantined,
)
from parley.services.ledger import verify_ledger
from parley.store.tables import events, list_imports, quarantined_rows, source_lists, source_records
from tests.helpers import ACTORS, UA, register_three
from tests.ingest_files import write_csv, write_xlsx

ROWS = [["ID", "Прізвище", "Ім'я", "Дата народження", "Особистий номер", "Примітка"],
        ["U-1", "Мельник", "Петро", "01.02.1990", "АА123456", "=HYPERLINK(\"x\")"],
        ["U-2", "", "", "03.04.1991", "", "без імені"],
        ["U-3", "Бойко", "Олег", "31.02.1990", "", ""],
        ["U-4", "Шевчук", "Ігор", "1985", "7654321", ""],
        ["U-1", "Лисенко", "Іван", "1986", "", ""]]


@pytest.fixture
def parley(app: App) -> App:
    register_three(app)
    app.clock = lambda: datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
    return app


def _count(app: App, table: object) -> int:
    with app.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_import_stores_records_and_quarantine_and_one_event(parley: App, tmp_path: Path
                                                            ) -> None:
    path = write_csv(tmp_path / "ua-origin.csv", ROWS, encoding="cp1251")
    summary = import_list(parley, path=path, kind="origin_list", actor=ACTORS[UA], party=UA)
    assert (summary.rows, summary.accepted, summary.quarantined) == (5, 2, 3)
    assert [(e.row, e.column) for e in summary.errors] == [
        (3, "Прізвище / Ім'я"), (4, "Дата народження"), (6, "ID")]
    with parley.read() as conn:
        listed = conn.execute(select(source_lists)).one()
        ev = conn.execute(select(events).where(events.c.type == "list.imported")).one()
        records = conn.execute(select(source_records).order_by(source_records.c.row_number)
                               ).all()
        quarantined = conn.execute(select(quarantined_rows)
                                   .order_by(quarantined_rows.c.row_number)).all()
        layout = conn.execute(select(list_imports)).one()
    assert (listed.rows, listed.accepted, listed.quarantined, listed.party_code) == (5, 2, 3, UA)
    payload = json.loads(ev.payload)
    assert payload["list_id"] == summary.list_id == listed.id
    assert (payload["rows"], payload["accepted"], payload["quarantined"]) == (5, 2, 3)
    assert payload["file_sha256"] == summary.file_sha256
    assert "Мельник" not in ev.payload
    assert [r.row_number for r in records] == [2, 5]
    assert [r.record_id for r in records] == ["U-1", "U-4"]
    opened = parley.cipher.open(records[0].sealed, row_id=records[0].id)
    assert opened["surname"] == "Мельник" and opened["birth_date"] == "1990-02-01"
    assert opened["notes"] == '=HYPERLINK("x")'
    assert [(q.row_number, q.codes, q.status) for q in quarantined] == [
        (3, "no_name", "open"), (4, "bad_date", "open"), (6, "duplicate_id", "open")]
    assert (layout.file_format, layout.encoding, layout.delimiter, layout.header_row) == (
        "csv", "cp1251", ";", 1)
    assert verify_ledger(parley).ok


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_same_content_again_changes_nothing(parley: App, tmp_path: Path, fmt: str) -> None:
    path = (write_csv(tmp_path / "a.csv", ROWS) if fmt == "csv" else
            write_xlsx(tmp_path / "a.xlsx", [r[:5] for r in ROWS]))
    first = import_list(parley, path=path, kind="origin_list", actor=ACTORS[UA])
    before = (_count(parley, events), _count(parley, source_records),
              _count(parley, quarantined_rows))
    copy = tmp_path / f"renamed.{fmt}"
    copy.write_bytes(path.read_bytes())
    again = import_list(parley, path=copy, kind="capture_card", actor=ACTORS[UA],
                        source="other")
    assert again.already_imported and again.list_id == first.list_id
    assert (again.rows, again.accepted, again.quarantined) == (5, 2, 3)
    assert (_count(parley, events), _count(parley, source_records),
            _count(parley, quarantined_rows)) == before


def test_interrupted_import_leaves_nothing(parley: App, tmp_path: Path) -> None:
    rows = [["Прізвище", "Ім'я"]] + [[f"Мельник{i}", "Петро"] for i in range(2500)]
    path = write_csv(tmp_path / "big.csv", rows)
    before = _count(parley, events)

    def crash(fraction: float, done: int) -> None:
        if done >= 2000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_list(parley, path=path, kind="origin_list", actor=ACTORS[UA], on_progress=crash)
    assert _count(parley, events) == before
    assert _count(parley, source_lists) == 0
    assert _count(parley, source_records) == 0
    summary = import_list(parley, path=path, kind="origin_list", actor=ACTORS[UA])
    assert summary.accepted == 2500


def test_bad_file_writes_nothing(parley: App, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    before = _count(parley, events)
    with pytest.raises(InputError, match=r"empty\.csv: the file is empty"):
        import_list(parley, path=path, kind="origin_list", actor=ACTORS[UA])
    assert _count(parley, events) == before and _count(parley, source_lists) == 0


def test_actor_must_be_given_registered_and_keyed(parley: App, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ROWS)
    with pytest.raises(InputError, match="no actor: pass --actor ID or set PARLEY_ACTOR"):
        import_list(parley, path=path, kind="origin_list", actor=None)
    with pytest.raises(NotFound, match="actor nobody is not registered"):
        import_list(parley, path=path, kind="origin_list", actor="nobody")
    parley.keyring.path(ACTORS[UA]).unlink()
    parley.keyring._cache.clear()
    with pytest.raises(ConfigError, match="actor ua-coordination has no signing key"):
        import_list(parley, path=path, kind="origin_list", actor=ACTORS[UA])


def test_fix_and_reimport_release_rows_into_their_list(parley: App, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ROWS)
    summary = import_list(parley, path=path, kind="origin_list", actor=ACTORS[UA])
    entries = list_quarantined(parley, list_id=summary.list_id[:8])
    by_row = {e.row_number: e for e in entries}
    assert sorted(by_row) == [3, 4, 6]
    shown = show_quarantined(parley, by_row[4].id[:8])
    assert ("Дата народження", "birth_date", "31.02.1990") in shown.cells

    partial = fix_quarantined(parley, quarantine_id=by_row[3].id,
                              changes={"Примітка": "ще без імені"}, actor=ACTORS[UA])
    assert partial.released == [] and partial.still[0].problems[0].code == "no_name"
    fixed = fix_quarantined(parley, quarantine_id=by_row[4].id,
                            changes={"birth_date": "28.02.1990"}, actor=ACTORS[UA])
    assert fixed.released == [4]
    still = reimport_quarantined(parley, list_id=summary.list_id, actor=ACTORS[UA])
    assert still.released == [] and [e.row_number for e in still.still] == [3, 6]
    renamed = fix_quarantined(parley, quarantine_id=by_row[6].id, changes={"ID": "U-6"},
                              actor=ACTORS[UA])
    assert renamed.released == [6]

    with parley.read() as conn:
        listed = conn.execute(select(source_lists)).one()
        types = conn.execute(select(events.c.type).order_by(events.c.seq)).scalars().all()
        released = conn.execute(select(source_records).where(
            source_records.c.row_number == 4)).one()
    assert (listed.rows, listed.accepted, listed.quarantined) == (5, 4, 1)
    assert types.count("quarantine.released") == 2
    assert types.count("quarantine.corrected") == 3
    assert parley.cipher.open(released.sealed, row_id=released.id)["birth_date"] == "1990-02-28"
    assert [e.row_number for e in list_quarantined(parley)] == [3]
    assert {e.row_number for e in list_quarantined(parley, status="released")} == {4, 6}
    assert verify_ledger(parley).ok


def test_export_lists_persons_and_quarantine(parley: App, tmp_path: Path) -> None:
    # (CSV: a workbook written by openpyxl holds "=..." as a formula without a value)
    path = write_csv(tmp_path / "a.csv", ROWS)
    summary = import_list(parley, path=path, kind="visit_list", actor=ACTORS[UA])
    out = tmp_path / "records.csv"
    assert export_lists(parley, path=out, list_ids=[summary.list_id]).rows == 2
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["surname"] == "Мельник" and rows[0]["row"] == "2"
    assert rows[0]["notes"] == "'=HYPERLINK(\"x\")"

    record_list(parley, meta=ListMeta(source="seed", kind="origin_list", file_name="seed",
                                      file_sha256="1" * 64),
                records=[RecordInput(row_number=2, fields={"surname": "Бондар"})],
                actor=ACTORS[UA], one_person_per_record=True)
    persons_out = tmp_path / "persons.xlsx"
    assert export_persons(parley, path=persons_out).rows == 1
    ws = load_workbook(persons_out).active
    header, first = list(ws.iter_rows(values_only=True))[:2]
    assert header[:3] == ("person_id", "link_method", "link_probability")
    assert first[header.index("surname")] == "Бондар"

    q_out = tmp_path / "quarantine.csv"
    assert export_quarantine(parley, path=q_out).rows == 3
    assert len(list_lists(parley)) == 2


def test_no_personal_data_in_clear_in_the_database_file(sqlite_app: App, tmp_path: Path
                                                        ) -> None:
    register_three(sqlite_app)
    rows = [["Прізвище", "Ім'я", "Дата народження", "Особистий номер", "Рідне місто"],
            ["Мельниченко", "Богдан", "17.03.1993", "АБ918273", "Кременчук"],
            ["", "", "18.03.1994", "ВГ564738", "Конотоп"]]
    import_list(sqlite_app, path=write_csv(tmp_path / "a.csv", rows), kind="inquiry",
                actor=ACTORS[UA])
    sqlite_app.close()
    database = Path(sqlite_app.settings.database_url.removeprefix("sqlite:///"))
    raw = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    for secret in ("Мельниченко", "Богдан", "1993-03-17", "17.03.1993", "АБ918273",
                   "ВГ564738", "Конотоп", "Рідне місто"):
        assert secret.encode("utf-8") not in raw, secret


def test_reading_in_a_second_process_gives_the_same_list(parley: App, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    import parley.services.intake.imports as imports

    monkeypatch.setattr(imports, "_second_core", lambda size: True)
    rows = [ROWS[0], *[[f"P-{i}", f"Мельник{i}", "Петро", "01.02.1990", "", ""]
                       for i in range(1200)], ["P-7", "Бойко", "Олег", "1990", "", ""]]
    path = write_xlsx(tmp_path / "big.xlsx", rows)
    summary = import_list(parley, path=path, kind="origin_list", actor=ACTORS[UA])
    assert (summary.rows, summary.accepted, summary.quarantined) == (1201, 1200, 1)
    assert summary.errors[0].reason == "record id repeats row 9"
    assert [c.field for c in summary.columns][:2] == ["record_id", "surname"]
    with parley.read() as conn:
        assert conn.execute(select(func.count()).select_from(source_records)).scalar() == 1200


def test_an_error_in_the_second_process_is_raised_and_nothing_written(
        parley: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import parley.services.intake.imports as imports
    from parley.ingest import validate

    monkeypatch.setattr(imports, "_second_core", lambda size: True)
    original = validate.RowValidator.check

    def failing(self: validate.RowValidator, number: int, values: list[str]) -> object:
        if number == 900:
            raise InputError("big.csv: sheet damaged at row 900")
        return original(self, number, values)

    monkeypatch.setattr(validate.RowValidator, "check", failing)
    rows = [["Прізвище", "Ім'я"]] + [[f"Мельник{i}", "Петро"] for i in range(1500)]
    path = write_csv(tmp_path / "big.csv", rows)
    with pytest.raises(InputError, match=r"big\.csv: sheet damaged at row 900"):
        import_list(parley, path=path, kind="origin_list", actor=ACTORS[UA])
    assert _count(parley, source_lists) == 0


def test_a_headerless_list_is_refused_then_read_by_letter_with_every_row(
        parley: App, tmp_path: Path) -> None:
    rows = [["Мельник", "Олександр", "12.03.1985", "1234567.0"],
            ["Бойко", "Іван", "31.02.1990", "7654321"],
            ["Шевчeнкo", "Iван", "1979", "'0123456"]]
    path = write_csv(tmp_path / "bare.csv", rows, encoding="cp1251")
    with pytest.raises(InputError) as err:
        import_list(parley, path=path, kind="origin_list", actor=ACTORS[UA])
    assert str(err.value).endswith(
        "--map A=surname --map B=given_name --map C=birth_date --map D=service_number")
    assert _count(parley, source_lists) == 0
    mapping = {"A": "surname", "B": "given_name", "C": "birth_date", "D": "service_number"}
    summary = import_list(parley, path=path, kind="origin_list", actor=ACTORS[UA],
                          mapping=mapping)
    assert (summary.header_row, summary.rows, summary.accepted, summary.quarantined) == (
        0, 3, 2, 1)
    assert [(e.row, e.column, e.reason) for e in summary.errors] == [
        (2, "column C", "not a date (February 1990 has no day 31)")]
    with parley.read() as conn:
        records = conn.execute(select(source_records).order_by(source_records.c.row_number)
                               ).all()
    opened = [parley.cipher.open(r.sealed, row_id=r.id) for r in records]
    assert [(o["surname"], o["given_name"], o["service_number"]) for o in opened] == [
        ("Мельник", "Олександр", "1234567"), ("Шевченко", "Іван", "0123456")]
    (entry,) = list_quarantined(parley, list_id=summary.list_id)
    fixed = fix_quarantined(parley, quarantine_id=entry.id,
                            changes={"birth_date": "28.02.1990"}, actor=ACTORS[UA])
    assert fixed.released == [2]
