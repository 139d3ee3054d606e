"""The quarantine page: an officer or the list's party corrects a held-back row in the
browser's form and it joins the list; the other party cannot reach the form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from parley.bootstrap import App
from parley.services.intake.quarantine import list_quarantined
from tests.api_server import ExchangeWorld, Served, add_quarantine, build_exchange_world, serving
from tests.integration.test_api_pages import csrf_of, sign_in


@pytest.fixture
def site(app: App, tmp_path: Path) -> Iterator[tuple[Served, ExchangeWorld]]:
    world = build_exchange_world(app)
    world.quarantine = add_quarantine(app, tmp_path)
    with serving(app, secure_cookies=False) as srv:
        yield srv, world


def _flash(page: str) -> str:
    found = re.search(r'<p class="flash" id="flash">([^<]*)</p>', page)
    assert found, page[:500]
    return found.group(1)


def test_the_party_fixes_its_row_in_the_form(site: tuple[Served, ExchangeWorld],
                                             app: App) -> None:
    srv, world = site
    list_id, row_id = world.quarantine.lists["UA"], world.quarantine.rows["UA"]
    page_path = f"/int/quarantine/{list_id}"
    with sign_in(srv, world.usernames["ua"], world.passwords["ua"]) as ua:
        page = ua.get(page_path)
        assert page.status_code == 200
        assert 'name="set:birth_date" value="31.02.1991"' in page.text
        form = {"csrf_token": csrf_of(page), "idempotency_key": "fix-once",
                "quarantine_id": row_id}
        still = ua.post(f"{page_path}/fix", data={**form, "set:birth_date": "30.02.1991"})
        assert still.status_code == 303
        assert _flash(ua.get(still.headers["location"]).text) == \
            "released rows none; still quarantined: 3"
        form["idempotency_key"] = "fix-twice"
        done = ua.post(f"{page_path}/fix", data={**form, "set:birth_date": "28.02.1991"})
        assert _flash(ua.get(done.headers["location"]).text) == \
            "released rows 3; still quarantined: none"
        again = ua.post(f"{page_path}/fix", data={**form, "set:birth_date": "28.02.1991"})
        assert _flash(ua.get(again.headers["location"]).text) == \
            "released rows 3; still quarantined: none"  # the same key answers as before
    assert [r.status for r in list_quarantined(app, list_id=list_id, status="all")] == \
        ["released"]
    with sign_in(srv, world.usernames["ru"], world.passwords["ru"]) as ru:
        assert ru.get(page_path).status_code == 404
        token = csrf_of(ru.get("/party"))
        refused = ru.post(f"{page_path}/fix", data={"csrf_token": token,
                                                    "quarantine_id": row_id,
                                                    "set:birth_date": "01.01.1990"})
        assert refused.status_code == 404


def test_the_officer_rechecks_every_open_row(site: tuple[Served, ExchangeWorld]) -> None:
    srv, world = site
    page_path = f"/int/quarantine/{world.quarantine.lists['RU']}"
    with sign_in(srv, world.usernames["int"], world.passwords["int"]) as officer:
        page = officer.get(f"{page_path}?lang=uk")
        assert "Перевірити знову всі відкриті рядки" in page.text
        done = officer.post(f"{page_path}/fix", data={"csrf_token": csrf_of(page),
                                                      "action": "recheck"})
        assert _flash(officer.get(done.headers["location"]).text) == \
            "released rows none; still quarantined: 3"
