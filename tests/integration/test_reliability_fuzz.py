"""Hostile input: arbitrary bytes into the importer and into every endpoint.

- The importer (the service behind `parley import` and `POST /api/v1/imports`) given
  arbitrary bytes, behind any magic number and under any file name, either imports a
  consistent list or refuses with one clear line, and a refusal or an interruption
  leaves the database exactly as it was (no partial writes).
- Every endpoint of a real server, as every kind of caller, given arbitrary bodies under
  any content type and arbitrary query strings: never a 5xx, always a JSON error.
- Schemathesis as the public (no credentials), complementing the service's run with
  the parties' tokens (tests/integration/test_api_schemathesis.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from parley.bootstrap import App
from parley.errors import ParleyError
from parley.services.intake.imports import import_list
from parley.services.ledger import verify_ledger
from parley.store.tables import (
    events,
    list_imports,
    quarantined_rows,
    source_lists,
    source_records,
)
from tests.api_server import Served, World, build_world, serving
from tests.helpers import ACTORS, UA, register_three

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
TABLES = (source_lists, source_records, quarantined_rows, list_imports, events)

MAGIC = [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xff\xfe", b"\xfe\xff",
         b"\xef\xbb\xbf", b"record_id,surname,given_name,birth_date\n",
         "Прізвище;Ім'я;Дата народження\n".encode("cp1251"), b"<?xml version='1.0'?>"]
CELLS = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)


@st.composite
def files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A file name and content: raw bytes, or rows of arbitrary cells, behind a magic."""
    name = draw(st.sampled_from(["list.csv", "list.xlsx", "list.xls", "list.txt", "list",
                                 "list.CSV", "списки.csv"]))
    if draw(st.booleans()):
        body = draw(st.binary(max_size=1500))
    else:
        rows = draw(st.lists(st.lists(CELLS, min_size=1, max_size=6), max_size=8))
        sep = draw(st.sampled_from([",", ";", "\t", "|"]))
        text = "\n".join(sep.join(r) for r in rows)
        body = text.encode(draw(st.sampled_from(["utf-8", "utf-16", "cp1251"])),
                           errors="replace")
    return name, draw(st.sampled_from(MAGIC)) + body


def counts(app: App) -> tuple[int, ...]:
    with app.read() as conn:
        return tuple(int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                     for t in TABLES)


def assert_lists_whole(app: App) -> None:
    """Every list has exactly the records and quarantined rows its counts say."""
    with app.read() as conn:
        for lst in conn.execute(select(source_lists)):
            records = conn.execute(select(func.count()).select_from(source_records)
                                   .where(source_records.c.list_id == lst.id)).scalar()
            held = conn.execute(select(func.count()).select_from(quarantined_rows)
                                .where(quarantined_rows.c.list_id == lst.id)).scalar()
            assert (records, held) == (lst.accepted, lst.quarantined), lst.file_name


def test_importer_given_arbitrary_bytes_is_all_or_nothing(app: App, tmp_path: Path) -> None:
    register_three(app)

    @FUZZ
    @given(file=files())
    def attempt(file: tuple[str, bytes]) -> None:
        name, content = file
        path = tmp_path / name
        path.write_bytes(content)
        before = counts(app)
        try:
            summary = import_list(app, path=path, kind="capture_card", actor=ACTORS[UA],
                                  party=UA)
        except ParleyError as exc:
            assert str(exc) and "\n" not in str(exc)
            assert counts(app) == before, "a refused import left rows behind"
            return
        after = counts(app)
        if summary.already_imported:
            assert after == before
            return
        assert after[0] == before[0] + 1 and after[4] == before[4] + 1
        assert summary.accepted + summary.quarantined == summary.rows

    attempt()
    assert_lists_whole(app)
    assert verify_ledger(app).ok


def test_an_import_interrupted_midway_leaves_nothing(app: App, tmp_path: Path) -> None:
    register_three(app)
    path = tmp_path / "long.csv"
    rows = ["record_id,surname,given_name,birth_date"] + [
        f"r{i},Коваленко{i},Іван,{1 + i % 28:02d}.03.1990" for i in range(2500)]
    path.write_text("\n".join(rows), encoding="utf-8")
    before = counts(app)

    def stop(_progress: float, seen: int) -> None:
        if seen >= 2000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_list(app, path=path, kind="capture_card", actor=ACTORS[UA], party=UA,
                    on_progress=stop)
    assert counts(app) == before
    done = import_list(app, path=path, kind="capture_card", actor=ACTORS[UA], party=UA)
    assert done.accepted == 2500 and not done.already_imported
    assert_lists_whole(app)


# --- every endpoint, every caller, arbitrary bodies -------------------------------------


@pytest.fixture
def served(sqlite_app: App) -> Iterator[tuple[Served, World, list[tuple[str, str]]]]:
    world = build_world(sqlite_app)
    with serving(sqlite_app, secure_cookies=False) as srv:
        schema = httpx.get(f"{srv.base}/openapi.json").json()
        operations = sorted((m.upper(), p) for p, ops in schema["paths"].items() for m in ops)
        yield srv, world, operations


def _fill(template: str, world: World, choice: int) -> str:
    """Path parameters: a real object's id, a random UUID, or junk."""
    real = {"list_id": world.lists[UA], "person_id": world.persons[UA],
            "inquiry_id": world.inquiries["fam-a"], "code": UA,
            "agreement_id": "istanbul-2025"}
    out = template
    while "{" in out:
        start, end = out.index("{"), out.index("}")
        name = out[start + 1:end]
        value = [real.get(name, "00000000-0000-4000-8000-000000000000"),
                 "0f0f0f0f-0000-4000-8000-000000000000", "..%2f..%2fetc", "%00", "ǅ" * 40,
                 "-1"][choice % 6]
        out = out[:start] + value + out[end + 1:]
    return out


CONTENT_TYPES = ["application/json", "multipart/form-data; boundary=xyz",
                 "application/x-www-form-urlencoded", "text/plain", "application/xml",
                 "application/json; charset=utf-16", "", "*/*; q=0.1"]
BODIES = st.one_of(
    st.binary(max_size=600),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | CELLS,
                 lambda inner: st.lists(inner, max_size=4) |
                 st.dictionaries(CELLS, inner, max_size=4),
                 max_leaves=12).map(lambda v: json.dumps(v).encode()),
)


def test_no_endpoint_answers_5xx_to_arbitrary_requests(
        served: tuple[Served, World, list[tuple[str, str]]]) -> None:
    srv, world, operations = served
    callers: dict[str, dict[str, str]] = {
        "public": {},
        "party": {"Authorization": f"Bearer {world.tokens['ua']}"},
        "intermediary": {"Authorization": f"Bearer {world.tokens['int']}"},
        "bad-token": {"Authorization": "Bearer parley_" + "A" * 43},
        "family": {"Cookie": f"parley_session={world.family_cookies['fam-a']}"},
    }
    failures: list[str] = []

    @settings(max_examples=120, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(op=st.sampled_from(operations), caller=st.sampled_from(sorted(callers)),
           body=BODIES, content_type=st.sampled_from(CONTENT_TYPES),
           query=st.dictionaries(st.sampled_from(["limit", "offset", "after", "status",
                                                  "object_id", "x"]),
                                 st.sampled_from(["-1", "0", "1e9", "abc", "", "9" * 30,
                                                  "open", "\u0000"]), max_size=3),
           choice=st.integers(0, 5), key=st.sampled_from([None, "k1", "ζ" * 3, " "]))
    def request(op: tuple[str, str], caller: str, body: bytes, content_type: str,
                query: dict[str, str], choice: int, key: str | None) -> None:
        method, template = op
        headers = dict(callers[caller])
        if content_type:
            headers["Content-Type"] = content_type
        if key is not None:
            headers["Idempotency-Key"] = key
        path = _fill(template, world, choice)
        try:
            response = client.request(method, path, params=query, content=body,
                                      headers=headers)
        except (httpx.InvalidURL, httpx.LocalProtocolError, UnicodeEncodeError):
            return  # the client refuses to send it; nothing reached the server
        if response.status_code >= 500:
            failures.append(f"{method} {path} as {caller} ({content_type}): "
                            f"{response.status_code} {response.text[:200]}")
        elif response.status_code >= 400 and path.startswith("/api/"):
            if not response.headers.get("content-type", "").startswith("application/json"):
                failures.append(f"{method} {path} as {caller}: {response.status_code} "
                                f"is not JSON: {response.text[:200]}")
                return
            error = response.json().get("error", {})
            if not error.get("message"):
                failures.append(f"{method} {path} as {caller}: {response.status_code} "
                                f"without an error message: {response.text[:200]}")

    with httpx.Client(base_url=srv.base, timeout=30) as client:
        request()
    assert failures == []


def test_uploads_of_arbitrary_bytes_never_fail_the_server(
        served: tuple[Served, World, list[tuple[str, str]]]) -> None:
    srv, world, _ = served
    app = srv.app
    failures: list[str] = []

    @FUZZ
    @given(file=files(), kind=st.sampled_from(["capture_card", "origin_list", "bogus", ""]))
    def upload(file: tuple[str, bytes], kind: str) -> None:
        before = counts(app)
        with srv.client(token=world.tokens["ua"]) as client:
            response = client.post("/api/v1/imports", files={"file": file},
                                   data={"kind": kind})
        if response.status_code >= 500:
            failures.append(f"{file[0]} {file[1][:40]!r}: {response.text[:200]}")
        elif response.status_code >= 400:
            assert counts(app) == before

    upload()
    assert failures == []
    assert_lists_whole(app)


@pytest.mark.slow
def test_schemathesis_as_the_public_finds_nothing(
        served: tuple[Served, World, list[tuple[str, str]]], tmp_path: Path) -> None:
    srv, _, _ = served
    result = subprocess.run(
        [str(SCHEMATHESIS), "run", f"{srv.base}/openapi.json", "--checks", "all",
         "--max-examples", "8", "--phases", "coverage,fuzzing", "--workers", "1",
         "--seed", "9", "--warnings", "off", "--no-color"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
