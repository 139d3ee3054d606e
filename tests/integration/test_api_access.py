"""Every route × every role × every object owner: exactly the allowed set gets through.

A denied object answers exactly like a missing one (same status, same body apart from
the id). The table must name every route the API has: a new route without a row fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from parley.bootstrap import App
from parley.services.users import csrf_token
from tests.api_server import Served, World, build_world, serving

CALLERS = ("public", "fam-a", "fam-b", "int", "ua", "ru")
ALL = set(CALLERS)
SIGNED = {"int", "ua", "ru"}

# (method, path template, {owner: (path params, allowed callers)}, body)
# The owner "-" marks a route without an object of its own.
Table = dict[str, tuple[dict[str, str], set[str]]]


def table(w: World) -> list[tuple[str, str, Table, dict[str, Any] | None]]:
    return [
        ("GET", "/api/v1/me", {"-": ({}, ALL)}, None),
        ("GET", "/api/v1/parties", {"-": ({}, ALL)}, None),
        ("GET", "/api/v1/parties/{code}", {"UA": ({"code": "UA"}, ALL)}, None),
        ("GET", "/api/v1/actors", {"-": ({}, ALL)}, None),
        ("GET", "/api/v1/ledger/head", {"-": ({}, SIGNED)}, None),
        ("GET", "/api/v1/ledger/events", {"-": ({}, {"int"})}, None),
        ("GET", "/api/v1/lists", {"-": ({}, SIGNED)}, None),
        ("GET", "/api/v1/lists/{list_id}", {
            "UA": ({"list_id": w.lists["UA"]}, {"int", "ua"}),
            "RU": ({"list_id": w.lists["RU"]}, {"int", "ru"})}, None),
        ("GET", "/api/v1/lists/{list_id}/records", {
            "UA": ({"list_id": w.lists["UA"]}, {"int", "ua"}),
            "RU": ({"list_id": w.lists["RU"]}, {"int", "ru"})}, None),
        ("GET", "/api/v1/inquiries", {"-": ({}, {"int"})}, None),
        ("GET", "/api/v1/inquiries/{inquiry_id}", {
            "fam-a": ({"inquiry_id": w.inquiries["fam-a"]}, {"int", "fam-a"}),
            "fam-b": ({"inquiry_id": w.inquiries["fam-b"]}, {"int", "fam-b"})}, None),
        ("POST", "/api/v1/inquiries", {"-": ({}, ALL)},
         {"surname": "Мельник", "given_name": "Андрій"}),
        ("POST", "/api/v1/tracking", {
            "fam-a": ({}, ALL)}, {"tracking_code": w.tracking["fam-a"]}),
        ("GET", "/api/v1/access-log", {"-": ({}, {"int"})}, None),
    ]


@pytest.fixture
def served(app: App) -> Iterator[tuple[Served, World]]:
    world = build_world(app)
    with serving(app, secure_cookies=False) as served:
        yield served, world


def _client(served: Served, world: World, caller: str) -> Any:
    if caller in world.tokens:
        return served.client(token=world.tokens[caller])
    if caller in world.family_cookies:
        cookie = world.family_cookies[caller]
        return served.client(cookie=cookie,
                             headers={"X-CSRF-Token": csrf_token(served.app, cookie)})
    return served.client()


def _missing(params: dict[str, str]) -> dict[str, str]:
    return {k: (str(uuid.uuid4()) if k.endswith("_id") else "ZZ") for k in params}


def test_every_route_is_in_the_table(served: tuple[Served, World]) -> None:
    srv, world = served
    with srv.client() as client:
        schema = client.get("/openapi.json").json()
    declared = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}
    covered = {(m, p) for m, p, _, _ in table(world)}
    assert declared - covered == set(), "routes without a row in the access table"


def test_route_role_owner_table(served: tuple[Served, World]) -> None:
    srv, world = served
    failures = []
    for method, template, owners, body in table(world):
        for owner, (params, allowed) in owners.items():
            path = template.format(**params)
            for caller in CALLERS:
                with _client(srv, world, caller) as client:
                    response = client.request(method, path, json=body)
                    ok = response.status_code < 400
                    if ok != (caller in allowed):
                        failures.append(f"{method} {path} [{owner}] as {caller}: "
                                        f"{response.status_code} {response.text[:120]}")
                    if not ok and caller not in allowed:
                        if response.status_code != 404:
                            failures.append(f"{method} {template} [{owner}] as {caller}: "
                                            f"denied with {response.status_code}, not 404")
                        if params:
                            ghost = template.format(**_missing(params))
                            missing = client.request(method, ghost, json=body)
                            same = (missing.status_code, _strip(missing.json(), ghost)) == (
                                response.status_code, _strip(response.json(), path))
                            if not same:
                                failures.append(f"{method} {template} as {caller}: a denied "
                                                "object answers unlike a missing one")
    assert failures == []


def _strip(body: dict[str, Any], path: str) -> dict[str, Any]:
    text = str(body)
    for part in path.split("/"):
        if len(part) == 36:
            text = text.replace(part, "<id>")
    return {"body": text}


def test_reads_of_personal_data_are_logged(served: tuple[Served, World]) -> None:
    srv, world = served
    with srv.client(token=world.tokens["ua"]) as ua:
        assert ua.get(f"/api/v1/lists/{world.lists['UA']}/records").status_code == 200
    with srv.client(cookie=world.family_cookies["fam-a"]) as fam:
        assert fam.get(f"/api/v1/inquiries/{world.inquiries['fam-a']}").status_code == 200
    with srv.client(token=world.tokens["int"]) as officer:
        log = officer.get("/api/v1/access-log", params={"limit": 1000}).json()
    kinds = {(e["principal"], e["object_kind"]) for e in log}
    assert ("ua-office", "record") in kinds
    assert any(p.startswith("family:") and k == "inquiry" for p, k in kinds)
    record_reads = [e for e in log if e["principal"] == "ua-office"]
    assert len(record_reads) == 2 and all(e["route"].startswith("GET /api/v1/lists/")
                                          for e in record_reads)
