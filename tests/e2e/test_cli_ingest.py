"""`parley import`, `quarantine`, `export` and `lists` as a user runs them."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from tests.ingest_files import encrypted_xlsx, truncated_xlsx, write_csv, write_xlsx

Run = Callable[..., CompletedProcess[str]]
ROWS = [["Список полонених"], [],
        ["№ з/п", "П.І.Б.", "Дата народження", "Особистий номер", "Телефон"],
        ["1", "Петренко Іван Іванович", "01.02.1990", "1234567", "+380501112233"],
        ["2", "", "03.04.1985", "", ""],
        ["3", "Коваль Ольга Петрівна", "31.02.1990", "", ""],
        [], ["Всього: 3"]]


def _environment(directory: Path) -> dict[str, str]:
    from tests.e2e.conftest import run_parley

    environment = {"PARLEY_DATABASE_URL": f"sqlite:///{directory / 'p.db'}",
                   "PARLEY_KEY_DIR": str(directory / "keys")}
    made = run_parley(["keys", "init", "ua-coordination", "--party", "UA", "--party-title",
                       "Ukraine"], env=environment)
    assert made.returncode == 0, made.stderr
    return {**environment, "PARLEY_ACTOR": "ua-coordination"}


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return _environment(tmp_path)


@pytest.fixture(scope="module")
def shared_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One database for the tests that must write nothing to it."""
    return _environment(tmp_path_factory.mktemp("shared"))


def test_import_prints_counts_problems_and_where_to_look(parley: Run, env: dict[str, str],
                                                         tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ua.csv", ROWS, encoding="cp1251")
    result = parley(["import", str(path), "--kind", "origin_list", "--party", "UA"], env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    list_id = lines[0].split(" as list ")[1].split(":")[0]
    assert lines == [
        f"imported ua.csv as list {list_id}: 3 rows, 1 accepted, 2 quarantined",
        "  read as CSV, cp1251, delimiter ';'; header on row 3: № з/п→list_number, "
        "П.І.Б.→full_name, Дата народження→birth_date, Особистий номер→service_number, "
        "Телефон→extra",
        "  skipped 2 non-data rows: 7 blank, 8 footer",
        "  quarantined:",
        "    row 5, П.І.Б.: no name (surname, given name and full name are all empty)",
        lines[5],
        f"  review them: parley quarantine list --list {list_id}",
    ]
    assert lines[5].startswith("    row 6, Дата народження '31.02.1990': not a date")

    again = parley(["import", str(path), "--kind", "origin_list", "--json"], env=env)
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert summary["already_imported"] is True and summary["list_id"] == list_id
    plain = parley(["import", str(path), "--kind", "origin_list"], env=env)
    assert plain.stdout.startswith(f"ua.csv: already imported as list {list_id} (ua, ")
    assert plain.stdout.rstrip().endswith("3 rows, 1 accepted, 2 quarantined; nothing changed")


def test_json_summary(parley: Run, env: dict[str, str], tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "ua.xlsx", [row or [None] for row in ROWS])
    result = parley(["import", str(path), "--kind", "capture_card", "--source", "RU bureau",
                     "--json"], env=env)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert {k: summary[k] for k in ("rows", "accepted", "quarantined", "sheet", "format",
                                    "source")} == {
        "rows": 3, "accepted": 1, "quarantined": 2, "sheet": "Лист1", "format": "xlsx",
        "source": "RU bureau"}
    assert summary["errors"][0] == {
        "row": 5, "column": "П.І.Б.", "value": "",
        "reason": "no name (surname, given name and full name are all empty)"}
    assert summary["errors"][1]["row"] == 6 and summary["errors"][1]["value"] == "31.02.1990"
    assert len(summary["file_sha256"]) == 64 and len(summary["list_id"]) == 36


@pytest.mark.parametrize(("name", "build", "message"), [
    ("empty.csv", lambda p, t: p.write_bytes(b""), "error: empty.csv: the file is empty"),
    ("header.csv", lambda p, t: p.write_text("ПІБ;Дата народження\n", encoding="utf-8"),
     "error: header.csv: the header is on row 1 but no data rows follow it"),
    ("noname.csv", lambda p, t: p.write_text("Телефон;Адреса\n1;2\n", encoding="utf-8"),
     "error: noname.csv: no column for names found (no header names a surname, given name "
     "or full name); row 1 has 'Телефон', 'Адреса'; name one with --map COLUMN=full_name"),
    ("bare.csv", lambda p, t: p.write_text("Мельник;Олександр;12.03.1985\n", encoding="utf-8"),
     "error: bare.csv: no header row: row 1 is already data ('Мельник', 'Олександр', "
     "'12.03.1985'); add a header row naming the columns (Прізвище, Ім'я, Дата народження, "
     "…), or name them by letter to read every row as data: --map A=surname "
     "--map B=given_name --map C=birth_date"),
    ("scan.pdf", lambda p, t: p.write_bytes(b"%PDF-1.7\n"),
     "error: scan.pdf: not a spreadsheet (a PDF document)"),
    ("locked.xlsx", lambda p, t: encrypted_xlsx(p),
     "error: locked.xlsx: the workbook is protected by a password; open it in Excel, remove "
     "the password (File › Info › Protect Workbook) and save it again"),
    ("cut.xlsx", lambda p, t: truncated_xlsx(p, t),
     "error: cut.xlsx: the workbook is damaged or truncated (not a complete XLSX/ZIP file)"),
])
def test_bad_input_is_one_line_exit_2_nothing_written(parley: Run, shared_env: dict[str, str],
                                                      tmp_path: Path, name: str,
                                                      build: Callable[[Path, Path], object],
                                                      message: str) -> None:
    path = tmp_path / name
    build(path, tmp_path)
    result = parley(["import", str(path), "--kind", "origin_list"], env=shared_env)
    assert result.returncode == 2
    assert result.stderr.strip() == message
    assert result.stdout == ""
    lists = parley(["lists", "--json"], env=shared_env)
    assert json.loads(lists.stdout) == []


def test_actor_errors(parley: Run, shared_env: dict[str, str], tmp_path: Path) -> None:
    env = shared_env
    path = write_csv(tmp_path / "a.csv", ROWS)
    no_actor = {k: v for k, v in env.items() if k != "PARLEY_ACTOR"}
    result = parley(["import", str(path), "--kind", "origin_list"], env=no_actor)
    assert result.returncode == 2
    assert result.stderr.strip() == ("error: no actor: pass --actor ID or set PARLEY_ACTOR "
                                     "(see `parley keys list`)")
    unknown = parley(["import", str(path), "--kind", "origin_list", "--actor", "ghost"],
                     env=env)
    assert unknown.returncode == 4
    assert unknown.stderr.strip() == ("error: actor ghost is not registered; register it "
                                      "with `parley keys init`")
    kind = parley(["import", str(path), "--kind", "gossip"], env=env)
    assert kind.returncode == 2
    assert kind.stderr.strip() == ("error: list kind 'gossip' must be one of capture_card, "
                                   "origin_list, visit_list, inquiry, remains")


def test_quarantine_fix_then_export(parley: Run, env: dict[str, str], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ua.csv", ROWS)
    assert parley(["import", str(path), "--kind", "origin_list"], env=env).returncode == 0
    listed = json.loads(parley(["quarantine", "list", "--json"], env=env).stdout)
    assert [e["row"] for e in listed] == [5, 6]
    bad_date = listed[1]["id"]
    shown = parley(["quarantine", "show", bad_date[:8]], env=env)
    assert "  Дата народження (birth_date): '31.02.1990'" in shown.stdout.splitlines()
    fixed = parley(["quarantine", "fix", bad_date[:8], "--set",
                    "Дата народження=28.02.1990"], env=env)
    assert fixed.returncode == 0, fixed.stderr
    assert fixed.stdout.strip() == "released 1 row(s) into their list: rows 6"
    again = parley(["quarantine", "fix", bad_date[:8], "--set", "B=x"], env=env)
    assert again.returncode == 2
    assert again.stderr.strip() == (f"error: quarantined row {bad_date[:8]} (row 6) is "
                                    "already released")
    remaining = parley(["quarantine", "list"], env=env)
    assert remaining.stdout.count("\n") == 1 and " row 5 [open]: " in remaining.stdout

    out = tmp_path / "export.csv"
    exported = parley(["export", "list", "--out", str(out)], env=env)
    assert exported.stdout.strip() == f"wrote 2 records to {out} (csv)"
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["row"] for r in rows] == ["4", "6"]
    assert rows[0]["Телефон"] == "'+380501112233"  # neutralised against formulas
    assert rows[1]["birth_date"] == "1990-02-28"
    verify = parley(["ledger", "verify"], env=env)
    assert verify.returncode == 0, verify.stderr


def test_a_headerless_list_imported_with_columns_named_by_letter(
        parley: Run, env: dict[str, str], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bare.csv", [["Мельник", "Олександр", "12.03.1985"],
                                             ["Бойко", "Іван", "1979"]])
    result = parley(["import", str(path), "--kind", "origin_list", "--map", "A=surname",
                     "--map", "B=given_name", "--map", "C=birth_date"], env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith(": 2 rows, 2 accepted, 0 quarantined")
    assert lines[1] == ("  read as CSV, utf-8, delimiter ';'; no header row, every row read "
                        "as data: column A→surname, column B→given_name, column C→birth_date")
