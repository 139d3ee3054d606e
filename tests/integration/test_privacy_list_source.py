"""A list's source is kept only sealed: a file named after a person names nobody at rest.

The source of an imported list is by default its file name without the extension, and
officers name files after people (``Коваленко Олександр.csv``). The list is imported
through the API, resolved, exported, listed and shown by every reader of list sources;
each shows the source exactly as typed, while no clear column of any table (both
backends) and, on SQLite, no byte of the database file or its write-ahead log holds it.
``0009_list_source`` empties the clear column of lists recorded before it.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, update

from parley.bootstrap import App
from parley.cli import main
from parley.errors import ConfigError, Conflict
from parley.services.intake.export import export_lists
from parley.services.intake.imports import import_list, list_lists
from parley.services.intake.lists import ListMeta, RecordInput, record_list
from parley.services.intake.quarantine import list_quarantined, show_quarantined
from parley.services.registry.identity import person_records, resolve_list
from parley.services.registry.persons import person_status
from parley.store.migrate import current_revision, head_revision, upgrade
from parley.store.tables import record_links, source_lists, source_records
from tests.api_server import build_world, serving
from tests.helpers import ACTORS, INT, UA, register_three
from tests.integration.test_privacy_migration import _downgrade
from tests.integration.test_reliability_at_rest import (
    logical_hits,
    needles,
    raw_files,
    raw_hits,
)

NAME = "Коваленко Олександр"
FILE = f"{NAME}.csv"
# Nobody in the file is called Коваленко: only the file name carries the name.
ROWS = [{"record_id": "K-1", "surname": "Шевчук", "given_name": "Андрій",
         "birth_date": "11.11.2001", "service_number": "ШМ771234"},
        {"record_id": "K-2", "surname": "Ткаченко", "given_name": "Богдан",
         "birth_date": "31.02.2001", "service_number": "ТБ445566"}]
WANTED = needles([{"full_name": NAME, "surname": "Коваленко"}])


def _csv() -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(ROWS[0]))
    writer.writeheader()
    writer.writerows(ROWS)
    return out.getvalue().encode("utf-8")


def _cli(app: App, args: list[str], capsys: pytest.CaptureFixture[str],
         monkeypatch: pytest.MonkeyPatch) -> str:
    """``parley ARGS`` in process against the test's database and keys."""
    monkeypatch.setenv("PARLEY_DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("PARLEY_KEY_DIR", str(app.settings.key_dir))
    monkeypatch.setattr(sys, "argv", ["parley", *args])
    capsys.readouterr()
    code: int | str | None = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    assert code in (0, None), captured.err
    return captured.out


def test_a_list_named_after_a_person_is_shown_but_not_stored_in_clear(
        app: App, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    world = build_world(app)
    answer = json.loads(_cli(app, ["import", str(_write(tmp_path / FILE)), "--kind",
                                   "origin_list", "--party", UA, "--actor", ACTORS[UA],
                                   "--json"], capsys, monkeypatch))
    list_id = answer["list_id"]
    assert (answer["source"], answer["quarantined"]) == (NAME, 1)
    resolve_list(app, list_id=list_id, actor=ACTORS[INT])
    with serving(app, secure_cookies=False) as srv:
        with app.read() as conn:
            person = conn.execute(
                select(record_links.c.person_id)
                .join(source_records, source_records.c.id == record_links.c.record_id)
                .where(source_records.c.list_id == list_id)).scalar_one()
        with srv.client(token=world.tokens["int"]) as officer:
            page = officer.get("/api/v1/lists").json()["lists"]
            one = officer.get(f"/api/v1/lists/{list_id}").json()
            held = officer.get(f"/api/v1/lists/{list_id}/quarantine").json()
            row = officer.get(f"/api/v1/quarantine/{held[0]['id']}").json()
            shown = officer.get(f"/api/v1/persons/{person}").json()
    assert {v["id"]: (v["source"], v["file_name"]) for v in page}[list_id] == (NAME, FILE)
    assert (one["source"], one["file_name"]) == (NAME, FILE)
    assert [q["row_number"] for q in held] == [3] and row["source"] == NAME
    assert [r["list_source"] for r in shown["records"]] == [NAME]
    assert shown["status"]["source"] == f"list {NAME} (origin_list); no detaining party's record"

    # Every service reader shows the source exactly as typed.
    assert {i.id: (i.source, i.file_name) for i in list_lists(app)}[list_id] == (NAME, FILE)
    assert person_status(app, person).source.startswith(f"list {NAME} ")
    assert [r.source for r in person_records(app, person)] == [NAME]
    entries = list_quarantined(app, list_id=list_id)
    assert [e.source for e in entries] == [NAME]
    assert show_quarantined(app, entries[0].id).source == NAME
    again = import_list(app, path=_write(tmp_path / "copy.csv"), kind="origin_list",
                        actor=ACTORS[UA], party=UA)
    assert (again.already_imported, again.list_id, again.source) == (True, list_id, NAME)
    with pytest.raises(Conflict, match=f"as list {list_id} \\({NAME}\\)"):
        record_list(app, meta=ListMeta(source="other", kind="origin_list", file_name="x.csv",
                                       file_sha256=again.file_sha256, party=UA),
                    records=[], actor=ACTORS[UA])
    out = tmp_path / "records.csv"
    export_lists(app, path=out, list_ids=[list_id])
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert {r["source"] for r in csv.DictReader(handle)} == {NAME}
    listed = _cli(app, ["lists"], capsys, monkeypatch)
    assert f"{list_id}  {NAME} (origin_list, UA)" in listed and FILE in listed
    as_json = json.loads(_cli(app, ["lists", "--json"], capsys, monkeypatch))
    assert {i["id"]: i["source"] for i in as_json}[list_id] == NAME

    # ... and nothing holds it in clear.
    with app.read() as conn:
        clear = conn.execute(select(source_lists.c.source, source_lists.c.file_name)).all()
    assert {tuple(r) for r in clear} == {("", "")}
    assert logical_hits(app, WANTED) == []
    if app.engine.dialect.name == "sqlite":
        assert raw_hits(raw_files(app), WANTED) == []


def _write(path: Path) -> Path:
    path.write_bytes(_csv())
    return path


def test_the_migration_empties_the_clear_source_of_existing_lists(app: App) -> None:
    register_three(app)
    recorded = record_list(app, meta=ListMeta(
        source=NAME, kind="origin_list", file_name=FILE, file_sha256="2" * 64, party=UA),
        records=[RecordInput(row_number=2, fields=ROWS[0])], actor=ACTORS[UA],
        one_person_per_record=True)
    shown = [(recorded.list_id, NAME, FILE)]
    _downgrade(app, "0008_privacy")
    with app.read() as conn:
        assert conn.execute(select(source_lists.c.source)).scalar_one() == NAME
    # Every row is sealed already: no data key is needed to empty the clear column.
    assert upgrade(app.engine, cipher=None) == ("0008_privacy", head_revision())
    with app.read() as conn:
        assert conn.execute(select(source_lists.c.source)).scalar_one() == ""
    assert [(i.id, i.source, i.file_name) for i in list_lists(app)] == shown

    # A row without a sealed value is sealed first, which needs the key.
    _downgrade(app, "0008_privacy")
    with app.engine.begin() as conn:
        conn.execute(update(source_lists).values(sealed_meta=None, file_name=FILE))
    with pytest.raises(ConfigError, match="data key"):
        upgrade(app.engine, cipher=None)
    assert current_revision(app.engine) == "0008_privacy"
    assert upgrade(app.engine, cipher=app.cipher) == ("0008_privacy", head_revision())
    with app.read() as conn:
        row = conn.execute(select(source_lists)).one()
    assert (row.source, row.file_name, row.sealed_meta is not None) == ("", "", True)
    assert [(i.id, i.source, i.file_name) for i in list_lists(app)] == shown
    assert logical_hits(app, WANTED) == []
