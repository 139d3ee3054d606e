"""The API over quarantine correction, exports and identity resolution: what each
answers, for whom, and that reads of personal data are logged."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from parley.bootstrap import App
from tests.api_server import ExchangeWorld, Served, add_quarantine, build_exchange_world, serving


@pytest.fixture
def served(app: App, tmp_path: Path) -> Iterator[tuple[Served, ExchangeWorld]]:
    world = build_exchange_world(app)
    world.quarantine = add_quarantine(app, tmp_path)
    with serving(app, secure_cookies=False) as srv:
        yield srv, world


def test_a_party_reads_and_fixes_its_quarantined_row(
        served: tuple[Served, ExchangeWorld]) -> None:
    srv, world = served
    row_id, list_id = world.quarantine.rows["UA"], world.quarantine.lists["UA"]
    with srv.client(token=world.tokens["ua"]) as ua:
        row = ua.get(f"/api/v1/quarantine/{row_id}").json()
        assert (row["list_id"], row["row_number"], row["status"]) == (list_id, 3, "open")
        cells = {c["column"]: c["value"] for c in row["cells"]}
        assert cells["surname"] == "Гнатюк" and cells["birth_date"] == "31.02.1991"
        assert [p["column"] for p in row["problems"]] == ["birth_date"]

        wrong = ua.post(f"/api/v1/quarantine/{row_id}/fix", json={"set": {"nickname": "x"}})
        assert wrong.status_code == 422
        assert wrong.json()["error"]["message"].startswith("row 3 has no column 'nickname'")

        fixed = ua.post(f"/api/v1/quarantine/{row_id}/fix",
                        json={"set": {"birth_date": "28.02.1991"}},
                        headers={"Idempotency-Key": "fix-1"})
        assert fixed.status_code == 200
        assert fixed.json() == {"released": [3], "still_quarantined": []}
        again = ua.post(f"/api/v1/quarantine/{row_id}/fix",
                        json={"set": {"birth_date": "28.02.1991"}},
                        headers={"Idempotency-Key": "fix-1"})
        assert again.json() == fixed.json()
        assert again.headers["Idempotent-Replayed"] == "true"
        listed = ua.get(f"/api/v1/lists/{list_id}").json()
        assert (listed["accepted"], listed["quarantined"]) == (2, 0)
        refused = ua.post(f"/api/v1/quarantine/{row_id}/fix",
                          json={"set": {"birth_date": "28.02.1991"}})
        assert refused.status_code == 422
        assert refused.json()["error"]["message"] == (
            f"quarantined row {row_id} (row 3) is already released")
    with srv.client(token=world.tokens["ru"]) as ru:
        hidden = ru.get(f"/api/v1/quarantine/{row_id}")
        assert hidden.status_code == 404
        assert hidden.json()["error"]["message"] == f"no quarantined row {row_id}"


def test_reimport_keeps_a_row_that_still_fails(served: tuple[Served, ExchangeWorld]) -> None:
    srv, world = served
    row_id, list_id = world.quarantine.rows["RU"], world.quarantine.lists["RU"]
    with srv.client(token=world.tokens["int"]) as officer:
        answer = officer.post(f"/api/v1/lists/{list_id}/quarantine/reimport")
        assert answer.status_code == 200
        body = answer.json()
        assert body["released"] == []
        assert [(s["id"], s["row_number"]) for s in body["still_quarantined"]] == [
            (row_id, 3)]
        assert body["still_quarantined"][0]["problems"][0]["column"] == "birth_date"
        unknown = officer.post(f"/api/v1/lists/{list_id}/quarantine/reimport",
                               json={"ids": ["0" * 8 + "-0000-4000-8000-" + "0" * 12]})
        assert unknown.status_code == 404
        extra = officer.post(f"/api/v1/lists/{list_id}/quarantine/reimport",
                             json={"ids": [], "all": True})
        assert extra.status_code == 422 and extra.json()["error"]["field"] == "body.all"


def _table(response: object) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text)))


def test_exports_give_each_caller_its_own_rows(served: tuple[Served, ExchangeWorld]) -> None:
    srv, world = served
    with srv.client(token=world.tokens["ua"]) as ua:
        mine = ua.get("/api/v1/exports/lists")
        assert mine.status_code == 200
        assert mine.headers["content-type"] == "text/csv; charset=utf-8"
        rows = _table(mine)
        assert rows[0][:5] == ["list_id", "source", "kind", "row", "record_id"]
        assert {r[0] for r in rows[1:]} == _party_lists(srv, world, "ua")
        assert {"ua-list", "ua-visit"} <= {r[1] for r in rows[1:]}
        assert "Смирнов" not in mine.text
        assert int(mine.headers["X-Parley-Rows"]) == len(rows) - 1
        one = ua.get("/api/v1/exports/lists", params={"list_id": world.lists["UA"],
                                                        "format": "xlsx"})
        assert one.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        assert one.content[:2] == b"PK" and one.headers["X-Parley-Rows"] == "2"
        other = ua.get("/api/v1/exports/lists", params={"list_id": world.lists["RU"]})
        assert other.status_code == 404
        assert ua.get("/api/v1/exports/persons").status_code == 404
        unnamed = ua.get("/api/v1/exports/quarantine")
        assert unnamed.status_code == 422
        assert unnamed.json()["error"]["field"] == "query.list_id"
        held = _table(ua.get("/api/v1/exports/quarantine",
                             params={"list_id": world.quarantine.lists["UA"]}))
        assert held[0][:5] == ["quarantine_id", "list_id", "source", "row", "problems"]
        assert [(r[0], r[3]) for r in held[1:]] == [(world.quarantine.rows["UA"], "3")]
        bad = ua.get("/api/v1/exports/lists", params={"format": "pdf"})
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "query.format"
    with srv.client(token=world.tokens["int"]) as officer:
        persons = _table(officer.get("/api/v1/exports/persons"))
        assert persons[0][:3] == ["person_id", "link_method", "link_probability"]
        assert world.persons["RU"] in {r[0] for r in persons[1:]}
        log = officer.get("/api/v1/access-log", params={"limit": 1000}).json()
    exports = sorted((e["principal"], e["object_kind"]) for e in log
                     if e["object_kind"].endswith("_export"))
    assert ("officer", "person_export") in exports
    assert ("ua-office", "list_export") in exports
    assert ("ua-office", "quarantine_export") in exports


def _party_lists(srv: Served, world: ExchangeWorld, caller: str) -> set[str]:
    with srv.client(token=world.tokens[caller]) as client:
        return {v["id"] for v in client.get("/api/v1/lists").json()["lists"]}


def test_resolutions_run_for_the_intermediary_only(
        served: tuple[Served, ExchangeWorld]) -> None:
    srv, world = served
    with srv.client(token=world.tokens["int"]) as officer:
        pending = officer.post("/api/v1/resolutions", json={})
        assert pending.status_code == 200
        resolved = {r["list_id"]: r for r in pending.json()["resolutions"]}
        for party in ("UA", "RU"):
            done = resolved[world.quarantine.lists[party]]
            assert (done["scope"], done["records"]) == ("list", 1)
        assert officer.post("/api/v1/resolutions", json={}).json() == {"resolutions": []}
        one = officer.post("/api/v1/resolutions", json={"list_id": world.lists["UA"]})
        assert one.status_code == 200
        [summary] = one.json()["resolutions"]
        assert (summary["scope"], summary["list_id"], summary["records"]) == (
            "list", world.lists["UA"], 0)
        wrong = officer.post("/api/v1/resolutions", json={"retrain": True})
        assert wrong.status_code == 422
        assert wrong.json()["error"] == {
            "code": "invalid", "field": "body.retrain", "errors": [],
            "message": "retrain: goes with all (a new model re-resolves everything)"}
        missing = officer.post("/api/v1/resolutions",
                               json={"list_id": "0" * 8 + "-0000-4000-8000-" + "0" * 12})
        assert missing.status_code == 404
    with srv.client(token=world.tokens["ua"]) as ua:
        assert ua.post("/api/v1/resolutions", json={}).status_code == 404


def test_each_caller_lists_exactly_the_persons_it_may_read(
        served: tuple[Served, ExchangeWorld]) -> None:
    srv, world = served
    with srv.client(token=world.tokens["int"]) as officer:
        page = officer.get("/api/v1/persons", params={"limit": 1000}).json()
    everyone = [p["id"] for p in page["persons"]]
    assert page["total"] == len(everyone) and everyone == sorted(everyone)
    assert {world.persons["UA"], world.persons["RU"], world.held_by_ru} <= set(everyone)
    for caller in ("ua", "ru"):
        with srv.client(token=world.tokens[caller]) as party:
            listed = {p["id"] for p in party.get("/api/v1/persons",
                                                 params={"limit": 1000}).json()["persons"]}
            readable = {pid for pid in everyone
                        if party.get(f"/api/v1/persons/{pid}/status").status_code == 200}
        assert listed == readable, caller
        assert set(world.on_stage) <= listed
    with srv.client(token=world.tokens["ua"]) as ua:
        mine = {p["id"] for p in ua.get("/api/v1/persons").json()["persons"]}
    assert world.persons["UA"] in mine and world.held_by_ru not in mine
    with srv.client(cookie=world.family_cookies["fam-a"]) as family:
        assert family.get("/api/v1/persons").json()["persons"] == [{"id": world.persons["UA"]}]
    with srv.client() as public:
        assert public.get("/api/v1/persons").status_code == 404
