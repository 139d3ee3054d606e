"""Every page renders for the roles that may see it, in both languages, and its forms work
with their CSRF tokens; other roles are sent to sign in or get the not-found page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from parley.bootstrap import App
from tests.api_server import ExchangeWorld, Served, build_exchange_world, serving


@pytest.fixture
def site(app: App) -> Iterator[tuple[Served, ExchangeWorld]]:
    world = build_exchange_world(app)
    with serving(app, secure_cookies=False) as srv:
        yield srv, world


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


@contextmanager
def sign_in(srv: Served, username: str, password: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=srv.base, timeout=30) as client:
        form = client.get("/login")
        done = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": csrf_of(form)})
        assert done.status_code == 303, done.text[:300]
        yield client


def pages(w: ExchangeWorld) -> dict[str, list[str]]:
    a, s = w.agreement_id, w.stage_id
    shared = [f"/agreements/{a}", f"/stages/{s}", f"/persons/{w.on_stage[0]}", "/public"]
    return {
        "int": ["/int", "/int/review", "/int/access-log", f"/agreements/{a}/eligibility",
                f"/int/lists/{w.lists['UA']}", f"/int/quarantine/{w.lists['RU']}", *shared],
        "ua": ["/party", f"/int/lists/{w.lists['UA']}", *shared],
    }


def test_pages_render_for_their_roles_in_both_languages(
        site: tuple[Served, ExchangeWorld]) -> None:
    srv, world = site
    for role, paths in pages(world).items():
        with sign_in(srv, world.usernames[role], world.passwords[role]) as client:
            for path in paths:
                for lang in ("en", "uk"):
                    page = client.get(path, params={"lang": lang})
                    assert page.status_code == 200, (role, path, page.text[:300])
                    assert f'<html lang="{lang}">' in page.text
                    assert "Traceback" not in page.text


def test_other_roles_do_not_get_in(site: tuple[Served, ExchangeWorld]) -> None:
    srv, world = site
    with sign_in(srv, world.usernames["ua"], world.passwords["ua"]) as party:
        for path in ("/int", "/int/review", "/int/access-log",
                     f"/agreements/{world.agreement_id}/eligibility"):
            assert party.get(path).status_code == 303, path
        assert party.get(f"/int/lists/{world.lists['RU']}").status_code == 404
        assert party.get(f"/persons/{world.held_by_ru}").status_code == 404
    with httpx.Client(base_url=srv.base) as anonymous:
        for path in ("/int", "/party", f"/stages/{world.stage_id}", "/family"):
            assert anonymous.get(path).status_code == 303, path


def _act(client: httpx.Client, page: str, action: str, data: dict[str, Any]) -> str:
    form = client.get(page)
    done = client.post(action, data={**data, "csrf_token": csrf_of(form)})
    assert done.status_code == 303, done.text[:300]
    return httpx.URL(done.headers["location"]).params.get("flash", "")


def test_forms_act_with_their_tokens_and_refuse_without(
        site: tuple[Served, ExchangeWorld]) -> None:
    srv, world = site
    stage_page = f"/stages/{world.stage_id}"
    person = next(p for p in world.on_stage if p != world.disputed)
    with sign_in(srv, world.usernames["ua"], world.passwords["ua"]) as party:
        assert _act(party, stage_page, f"{stage_page}/handover",
                    {"person_id": person}) == "1 confirmations recorded"
        refused = party.post(f"{stage_page}/handover", data={"person_id": person,
                                                             "csrf_token": "forged"})
        assert refused.status_code == 403
        nul = party.post(f"{stage_page}/handover",
                         data={"person_id": person[:8] + "\x00",
                               "csrf_token": csrf_of(party.get(stage_page))})
        assert nul.status_code == 303, nul.text[:300]
        assert "is not a person id" in party.get(nul.headers["location"]).text
    with httpx.Client(base_url=srv.base, timeout=30) as anyone:
        form = anyone.get("/login")
        odd = anyone.post("/login", data={"username": "ua\x00", "password": "x",
                                          "csrf_token": csrf_of(form)})
        assert odd.status_code == 422, odd.text[:300]
        assert "username: a NUL character is not text" in odd.text
    with sign_in(srv, world.usernames["int"], world.passwords["int"]) as officer:
        flash = _act(officer, stage_page, f"{stage_page}/act",
                     {"action": "resolve", "discrepancy": world.discrepancy_id,
                      "resolution": "identity_confirmed"})
        assert flash == "discrepancy resolved"
        agreement = f"/agreements/{world.agreement_id}"
        flash = _act(officer, agreement, f"{agreement}/act",
                     {"action": "interview", "person": world.held_by_ru,
                      "outcome": "undecided"})
        assert "not nominated" in flash or flash == "interview recorded"
        log = officer.get("/int/access-log").text
        assert "ua-office" in log
