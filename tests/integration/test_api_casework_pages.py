"""The intermediary's casework pages (remains, medical findings, publication holds,
erasure): what each shows in English and Ukrainian, that its form records through the
service, and that a party or a family gets the not-found page."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from parley.bootstrap import App
from parley.services.exchange import remains
from tests.api_server import ExchangeWorld, Served, build_exchange_world, serving
from tests.helpers import ACTORS, UA
from tests.integration.test_api_pages import csrf_of, sign_in

PAGES = ("/int/remains", "/int/medical", "/int/holds", "/int/erasure")


@pytest.fixture
def site(app: App) -> Iterator[tuple[Served, ExchangeWorld]]:
    world = build_exchange_world(app)
    remains.confirm_remains(app, stage_id=world.stage_id, direction="UA->RU",
                            category="remains", case_numbers=["UA-R-1", "UA-R-2"],
                            actor=ACTORS[UA])
    with serving(app, secure_cookies=False) as srv:
        yield srv, world


def _post(client: httpx.Client, page: str, data: dict[str, Any]) -> str:
    form = client.get(page)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form.text)
    assert key, form.text[:300]
    done = client.post(page, data={**data, "csrf_token": csrf_of(form),
                                   "idempotency_key": key.group(1)})
    assert done.status_code == 303, done.text[:300]
    return httpx.URL(done.headers["location"]).params.get("flash", "")


def _cells(html: str, table: str) -> list[list[str]]:
    """The text of each cell of each row of the table with ``id=table``."""
    body = html.split(f'<table id="{table}">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    out = []
    for row in rows[1:]:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        out.append([html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c))).strip()
                    for c in cells])
    return out


def test_remains_page_shows_counts_and_cases_and_records_a_witness(
        site: tuple[Served, ExchangeWorld]) -> None:
    srv, world = site
    with sign_in(srv, world.usernames["int"], world.passwords["int"]) as officer:
        page = officer.get("/int/remains").text
        assert _cells(page, "remains-istanbul-2025") == [
            ["1", "UA->RU", "remains", "2", "0", "0", "0"]]
        assert _cells(page, "remains-cases") == [
            ["UA-R-1", "istanbul-2025", "1", "UA->RU", "sending", "not yet identified"],
            ["UA-R-2", "istanbul-2025", "1", "UA->RU", "sending", "not yet identified"]]
        flash = _post(officer, "/int/remains", {
            "action": "confirm", "stage_id": world.stage_id, "direction": "UA->RU",
            "category": "remains", "case_numbers": "UA-R-1\nUA-R-2"})
        assert flash == "2 cases confirmed as intermediary"
        flash = _post(officer, "/int/remains", {
            "action": "confirm", "stage_id": world.stage_id, "direction": "UA->RU",
            "category": "remains", "case_numbers": "UA-R-9"})
        assert flash == "case UA-R-9 was not handed over by UA in stage 1"
        flash = _post(officer, "/int/remains", {
            "action": "identify", "agreement_id": world.agreement_id,
            "case_number": "UA-R-1", "person_id": world.persons["RU"]})
        assert flash == "case UA-R-1 identified"
        page = officer.get("/int/remains").text
        assert _cells(page, "remains-istanbul-2025") == [
            ["1", "UA->RU", "remains", "2", "0", "2", "1"]]
        assert _cells(page, "remains-cases")[0][4] == "sending intermediary"
        assert world.persons["RU"][:8] in page
        uk = officer.get("/int/remains", params={"lang": "uk"}).text
        assert "<h1>Останки</h1>" in uk and "Засвідчити передачу останків" in uk
        assert "сторона, що передає" in uk


def test_medical_page_records_and_lists_findings(site: tuple[Served, ExchangeWorld]) -> None:
    srv, world = site
    person = world.held_by_ru
    with sign_in(srv, world.usernames["int"], world.passwords["int"]) as officer:
        assert _cells(officer.get("/int/medical").text, "findings") == [["nothing yet"]]
        assert _post(officer, "/int/medical", {"person_ids": person, "finding": "yes"}) == \
            "1 findings recorded"
        rows = _cells(officer.get("/int/medical").text, "findings")
        assert rows[0][:3] == [person[:8], "Seriously wounded or sick", ACTORS["INT"]]
        assert _post(officer, "/int/medical", {"person_ids": person}) == \
            "give one or more person ids and a finding"
        uk = officer.get("/int/medical", params={"lang": "uk"}).text
        assert "<h1>Медичні висновки</h1>" in uk
        assert _cells(uk, "findings")[0][1] == "Тяжко поранений або хворий"


def test_holds_page_holds_and_releases_a_stage(site: tuple[Served, ExchangeWorld]) -> None:
    srv, world = site
    with sign_in(srv, world.usernames["int"], world.passwords["int"]) as officer:
        assert _cells(officer.get("/int/holds").text, "holds") == [
            ["istanbul-2025", "1", "2025-06-09", "published", "", ""]]
        flash = _post(officer, "/int/holds", {"action": "hold", "stage_id": world.stage_id,
                                              "until": "2099-01-01", "reason": "security"})
        assert flash == "held back until 2099-01-01"
        assert _cells(officer.get("/int/holds").text, "holds") == [
            ["istanbul-2025", "1", "2025-06-09", "held back", "2099-01-01", "security"]]
        assert _cells(officer.get("/int/holds", params={"lang": "uk"}).text, "holds")[0][3] \
            == "затримано"
        flash = _post(officer, "/int/holds", {"action": "release", "stage_id": world.stage_id,
                                              "reason": "the parties agreed"})
        assert flash == "released for publication"
        back_in_english = officer.get("/int/holds", params={"lang": "en"}).text
        assert _cells(back_in_english, "holds")[0][3:] == [
            "published", "", "the parties agreed"]
        flash = _post(officer, "/int/holds", {"action": "release", "stage_id": world.stage_id,
                                              "reason": "again"})
        assert flash == f"stage {world.stage_id} is not held; nothing to release"


def test_erasure_page_needs_the_box_ticked_and_logs_the_erasure(
        site: tuple[Served, ExchangeWorld]) -> None:
    srv, world = site
    person = world.persons["RU"]
    with sign_in(srv, world.usernames["int"], world.passwords["int"]) as officer:
        assert _post(officer, "/int/erasure", {"person_id": person, "reason": "ICRC-1"}) == \
            "tick the box to confirm: an erasure cannot be undone"
        assert _cells(officer.get("/int/erasure").text, "erasures") == [["nothing yet"]]
        assert _post(officer, "/int/erasure", {"person_id": person, "reason": "ICRC-1",
                                               "confirm": "yes"}) == \
            f"erased 1 records of person {person}"
        [row] = _cells(officer.get("/int/erasure").text, "erasures")
        assert row[1:5] == [person, "1", "ICRC-1", ACTORS["INT"]]
        log = officer.get("/int/access-log").text
        assert "erasure_reason" in log
        assert _post(officer, "/int/erasure", {"person_id": person, "reason": "again",
                                               "confirm": "yes"}) == \
            f"person {person} has no personal data left to erase"
        uk = officer.get("/int/erasure", params={"lang": "uk"}).text
        assert "<h1>Видалення даних</h1>" in uk
        assert "Я розумію, що видалення неможливо скасувати." in uk
        dashboard = officer.get("/int").text
        assert all(f'href="{p}"' in dashboard for p in PAGES)


def test_other_roles_get_not_found_and_strangers_sign_in(
        site: tuple[Served, ExchangeWorld]) -> None:
    srv, world = site
    with sign_in(srv, world.usernames["ua"], world.passwords["ua"]) as party:
        for path in PAGES:
            page = party.get(path)
            assert page.status_code == 404, path
            assert "This page does not exist, or you may not see it." in page.text
            form = party.get("/party")
            refused = party.post(path, data={"csrf_token": csrf_of(form)})
            assert refused.status_code == 404, path
    family = httpx.Client(base_url=srv.base, timeout=30,
                          cookies={"parley_session": world.family_cookies["fam-a"]})
    with family:
        for path in PAGES:
            assert family.get(path).status_code == 404, path
    with httpx.Client(base_url=srv.base, timeout=30) as anonymous:
        for path in PAGES:
            answer = anonymous.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"] == f"/login?next={path}"
