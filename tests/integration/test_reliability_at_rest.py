"""Personal data at rest: a database read without the data key names nobody.

A Parley is populated through the service the way it is used (a party uploads a list
with bad rows, families file inquiries, officers read records, persons are nominated,
interviewed and handed over, a quarantined row is corrected), every write with an
Idempotency-Key so stored answers are there too. Then:

- every column of every table (both backends) is searched for every person's surname,
  given name, patronymic, birth date and service number: as given, upper and lower
  case, transliterated, ISO, and JSON-escaped;
- on SQLite the raw bytes of the database file and its write-ahead log are searched
  for the same values in UTF-8, UTF-16-LE and UTF-16-BE.

Values shorter than four characters (and birth years alone) are not searched: random
ciphertext and identifiers contain any short byte string by chance.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import ahocorasick
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from translitua import translit

from parley.bootstrap import App
from parley.services.exchange.stages import plan_stage
from parley.services.intake.quarantine import fix_quarantined, list_quarantined
from parley.store.tables import metadata
from tests.api_server import PEOPLE, build_world, serving
from tests.helpers import ACTORS, INT, RU, UA
from tests.integration.exchange.builders import ISTANBUL, YOUNG, capture_cards, ready

MIN_CHARS = 4
PERSONAL = ("surname", "given_name", "patronymic", "full_name", "birth_date",
            "service_number")

UPLOAD = [
    {"record_id": "U-1", "surname": "Гнатюк", "given_name": "Ярослав",
     "patronymic": "Богданович", "birth_date": "14.07.1998", "service_number": "ЯР445566"},
    {"record_id": "U-2", "surname": "Литвиненко", "given_name": "Тарас",
     "birth_date": "1997-02-11", "service_number": "ТЛ990011"},
    # Quarantined: an impossible date; its cells (and the problem's value) are personal.
    {"record_id": "U-3", "surname": "Данильченко", "given_name": "Святослав",
     "birth_date": "31.02.1996", "service_number": "СД778800"},
    {"record_id": "U-4", "surname": "Остапчук", "given_name": "Мирослав",
     "birth_date": "32.13.1995", "service_number": "МО123987"},
]
INQUIRY = {"surname": "Кравчишин", "given_name": "Всеволод", "patronymic": "Ігорович",
           "birth_date": "03.09.2000", "service_number": "ВК564738",
           "notes": "Last call from Кравчишин on 2025-05-01"}


def _upload_csv() -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["record_id", "surname", "given_name",
                                             "patronymic", "birth_date", "service_number"])
    writer.writeheader()
    writer.writerows(UPLOAD)
    return out.getvalue().encode("utf-8")


def populate(app: App) -> list[dict[str, str]]:
    """Use Parley as its people do; returns every person's fields that went in."""
    world = build_world(app)
    people: list[dict[str, str]] = [p for group in PEOPLE.values() for p in group]
    people += [{"surname": "Коваленко", "given_name": "Олександр"},
               {"surname": "Петренко", "given_name": "Марія"}, INQUIRY, *UPLOAD]
    with serving(app, secure_cookies=False) as srv:
        key = {"Idempotency-Key": str(uuid.uuid4())}
        with srv.client(token=world.tokens["ua"], headers=key) as ua:
            imported = ua.post("/api/v1/imports", files={"file": ("ua.csv", _upload_csv())},
                               data={"kind": "origin_list"})
            assert imported.status_code == 201, imported.text
            assert ua.post("/api/v1/imports", files={"file": ("ua.csv", _upload_csv())},
                           data={"kind": "origin_list"}).status_code == 201
            list_id = imported.json()["list_id"]
            assert imported.json()["quarantined"] == 2
        with srv.client(headers={"Idempotency-Key": str(uuid.uuid4())}) as public:
            filed = public.post("/api/v1/inquiries", json=INQUIRY)
            assert filed.status_code == 201, filed.text
            code = filed.json()["tracking_code"]
            assert public.post("/api/v1/tracking", json={"tracking_code": code}
                               ).status_code == 200
        with srv.client(token=world.tokens["int"]) as officer:
            for lst in (list_id, world.lists[UA], world.lists[RU]):
                assert officer.get(f"/api/v1/lists/{lst}/records").status_code == 200
            assert officer.get(f"/api/v1/lists/{list_id}/quarantine").status_code == 200
            for person in world.persons.values():
                assert officer.get(f"/api/v1/persons/{person}").status_code == 200
    held = list_quarantined(app, list_id=list_id)
    fix_quarantined(app, quarantine_id=held[0].id, changes={"birth_date": "28.02.1996"},
                    actor=ACTORS[UA])
    people.append({"birth_date": "28.02.1996"})
    # The exchange: capture cards, the agreement, verification, interviews, a stage.
    from parley.services.exchange.agreements import load_agreement, sign_agreement

    ua_people = capture_cards(app, holder=RU, births=[YOUNG] * 2, tag="ua")
    ru_people = capture_cards(app, holder=UA, births=[YOUNG] * 2, tag="ru")
    agreement = load_agreement(app, path=ISTANBUL, actor=ACTORS[INT])
    sign_agreement(app, agreement_id=agreement.id, actor=ACTORS[UA])
    sign_agreement(app, agreement_id=agreement.id, actor=ACTORS[RU])
    from tests.integration.exchange.builders import Exchange

    ex = Exchange(app=app, agreement=agreement, ua_people=ua_people, ru_people=ru_people)
    ready(ex, ua_people)
    ready(ex, ru_people, outcome="declines")
    plan_stage(app, agreement_id=agreement.id, stage_date="2025-06-09", capacity=5,
               actor=ACTORS[INT])
    for tag in ("ua", "ru"):
        people += [{"surname": f"Surname{tag}{i}", "service_number": f"{tag}{i:06d}"}
                   for i in range(2)]
    return people


def needles(people: Iterable[dict[str, str]]) -> dict[str, str]:
    """Every searchable form of every personal value → the value it came from."""
    out: dict[str, str] = {}
    for person in people:
        for name in PERSONAL:
            value = person.get(name)
            if not value:
                continue
            forms = {value, value.upper(), value.lower(), translit(value),
                     translit(value).upper(), translit(value).lower()}
            if name == "birth_date" and value[2:3] == ".":
                forms.add(f"{value[6:]}-{value[3:5]}-{value[:2]}")
            for form in list(forms):
                forms.add(json.dumps(form)[1:-1])  # \u-escaped, as json.dumps writes it
            for form in forms:
                # A birth year alone is searched nowhere: it is not a birth date, and
                # four digits turn up in every identifier.
                if len(form) >= MIN_CHARS and not (name == "birth_date" and len(form) < 8):
                    out[form] = f"{name} {value!r}"
    return out


class Scanner:
    """Finds any searched form of any personal value in bytes, in three encodings, in one
    pass (Aho-Corasick over the bytes, each byte read as one Latin-1 character)."""

    ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")

    def __init__(self, wanted: dict[str, str]) -> None:
        self.wanted = wanted
        self._automaton = ahocorasick.Automaton()
        for needle in wanted:
            for encoding in self.ENCODINGS:
                self._automaton.add_word(needle.encode(encoding).decode("latin-1"),
                                         (needle, encoding))
        self._automaton.make_automaton()

    def hits(self, data: bytes, where: str) -> list[str]:
        return [f"{where}: {self.wanted[needle]} (as {needle!r} in {encoding})"
                for _, (needle, encoding) in self._automaton.iter(data.decode("latin-1"))]


def logical_hits(app: App, wanted: dict[str, str]) -> list[str]:
    """Clear personal values in any column of any table."""
    scanner = Scanner(wanted)
    hits = []
    with app.read() as conn:
        for table in metadata.sorted_tables:
            columns: dict[str, list[bytes]] = {}
            for row in conn.execute(select(table)):
                for column, value in row._mapping.items():
                    if isinstance(value, str):
                        value = value.encode("utf-8")
                    if isinstance(value, bytes):
                        columns.setdefault(column, []).append(value)
            for column, values in columns.items():
                hits += scanner.hits(b"\0".join(values), f"{table.name}.{column}")
    return sorted(set(hits))


def raw_files(app: App) -> Iterator[Path]:
    database = Path(make_url(app.settings.database_url).database or "")
    for suffix in ("", "-wal", "-journal"):
        path = database.with_name(database.name + suffix)
        if path.exists():
            yield path


def raw_hits(paths: Iterable[Path], wanted: dict[str, str]) -> list[str]:
    scanner = Scanner(wanted)
    hits = []
    for path in paths:
        hits += scanner.hits(path.read_bytes(), path.name)
    return sorted(set(hits))


def test_no_personal_value_is_stored_in_clear(app: App) -> None:
    people = populate(app)
    wanted = needles(people)
    assert len(wanted) > 60
    assert logical_hits(app, wanted) == []
    if app.engine.dialect.name == "sqlite":
        files = list(raw_files(app))
        assert any(p.name.endswith("-wal") for p in files), "expected an open WAL"
        assert raw_hits(files, wanted) == []


@pytest.mark.parametrize("value", ["Гнатюк", "ЯР445566"])
def test_the_scan_finds_a_value_stored_in_clear(sqlite_app: App, value: str) -> None:
    """The scanner itself works: a clear value planted in a column is found."""
    from sqlalchemy import update

    from parley.store.tables import access_log

    populate(sqlite_app)
    with sqlite_app.engine.begin() as conn:
        first = conn.execute(select(access_log.c.id).limit(1)).scalar_one()
        conn.execute(update(access_log).where(access_log.c.id == first)
                     .values(detail=f"read {value}"))
    wanted = needles([{"surname": value}])
    assert logical_hits(sqlite_app, wanted)
    assert raw_hits(raw_files(sqlite_app), wanted)


@pytest.mark.slow
def test_the_demo_database_names_nobody(tmp_path: Path) -> None:
    """Every person of the demo's lists, searched in the demo's database file and WAL
    (while the demo's connections are open, and again after they closed)."""
    from parley.bootstrap import bootstrap
    from parley.services.demo import run_demo
    from parley.settings import Settings

    out = tmp_path / "demo"
    out.mkdir()
    app = bootstrap(Settings.for_directory(out))
    try:
        run_demo(app, out, records=400)
        people: list[dict[str, Any]] = []
        for path in sorted((out / "lists").glob("*.csv")):
            with path.open(encoding="utf-8-sig", newline="") as handle:
                people.extend(csv.DictReader(handle))
        assert len(people) > 300
        wanted = needles(people)
        assert logical_hits(app, wanted) == []
        assert raw_hits(raw_files(app), wanted) == []
    finally:
        app.close()
    assert raw_hits(raw_files(app), wanted) == []
