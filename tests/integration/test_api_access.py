"""Every route × every role × every object owner: exactly the allowed set gets through.

A denied object answers exactly like a missing one (same status, same body apart from
the id). The table must name every route the API has: a new route without a row fails.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parley.bootstrap import App
from parley.services.people.users import csrf_token
from tests.api_server import (
    ExchangeWorld,
    Served,
    World,
    add_quarantine,
    build_exchange_world,
    serving,
)

CALLERS = ("public", "fam-a", "fam-b", "int", "ua", "ru")
ALL = set(CALLERS)
SIGNED = {"int", "ua", "ru"}

# (method, path template, {owner: (path params, allowed callers)}, body)
# The owner "-" marks a route without an object of its own. "Allowed" means the access
# check let the caller through: any answer but 404 (a service may still refuse a write
# with 409 or 422 for reasons of state). Denied is exactly 404, like a missing object.
Table = dict[str, tuple[dict[str, str], set[str]]]
PARTIES = {"int", "ua", "ru"}
UPLOAD = {"__files__": True}


def table(w: ExchangeWorld) -> list[tuple[str, str, Table, dict[str, Any] | None]]:
    a, s = {"agreement_id": w.agreement_id}, {"stage_id": w.stage_id}
    listed, q = w.on_stage[0], w.quarantine
    return [
        ("GET", "/api/v1/me", {"-": ({}, ALL)}, None),
        ("GET", "/api/v1/parties", {"-": ({}, ALL)}, None),
        ("GET", "/api/v1/parties/{code}", {"UA": ({"code": "UA"}, ALL)}, None),
        ("GET", "/api/v1/actors", {"-": ({}, ALL)}, None),
        ("POST", "/api/v1/actors", {"-": ({}, SIGNED)},
         {"actor": "new-officer", "title": "Officer", "public_key": "ab" * 32}),
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
        ("POST", "/api/v1/inquiries/{inquiry_id}/verification", {
            # fam-a's is verified already (409); UA's tracing office may verify it: the
            # person is on UA's origin list. fam-b's matches nobody: the intermediary's.
            "fam-a": ({"inquiry_id": w.inquiries["fam-a"]}, {"int", "ua"}),
            "fam-b": ({"inquiry_id": w.inquiries["fam-b"]}, {"int"})},
         {"identity_checked": True, "relationship_checked": True}),
        ("POST", "/api/v1/inquiries/{inquiry_id}/revocation", {
            "spare": ({"inquiry_id": w.spare_inquiry}, {"int"})}, None),
        ("GET", "/api/v1/access-log", {"-": ({}, {"int"})}, None),
        ("GET", "/api/v1/persons/{person_id}/status", {
            "UA list": ({"person_id": w.persons["UA"]}, {"int", "ua", "fam-a"}),
            "RU list": ({"person_id": w.persons["RU"]}, {"int", "ru"}),
            "held, unlisted": ({"person_id": w.held_by_ru}, {"int", "ru"}),
            "on the stage": ({"person_id": listed}, PARTIES)}, None),
        ("GET", "/api/v1/persons/{person_id}", {
            "UA list": ({"person_id": w.persons["UA"]}, {"int", "ua", "fam-a"}),
            "RU list": ({"person_id": w.persons["RU"]}, {"int", "ru"}),
            "on the stage": ({"person_id": listed}, PARTIES)}, None),
        ("GET", "/api/v1/persons/{person_id}/proof", {
            "UA list": ({"person_id": w.persons["UA"]}, {"int", "fam-a"}),
            "on the stage": ({"person_id": listed}, {"int"})}, None),
        ("GET", "/api/v1/agreements", {"-": ({}, PARTIES)}, None),
        ("GET", "/api/v1/agreements/{agreement_id}", {"UA-RU": (a, PARTIES)}, None),
        ("POST", "/api/v1/agreements/{agreement_id}/signatures", {"UA-RU": (a, PARTIES)},
         None),
        ("GET", "/api/v1/agreements/{agreement_id}/eligibility", {"UA-RU": (a, {"int"})},
         None),
        ("POST", "/api/v1/agreements/{agreement_id}/nominations", {"UA-RU": (a, PARTIES)},
         {"person_ids": [w.held_by_ru]}),
        ("POST", "/api/v1/agreements/{agreement_id}/identity-confirmations",
         {"UA-RU": (a, PARTIES)}, {"person_ids": [w.held_by_ru]}),
        ("POST", "/api/v1/agreements/{agreement_id}/eligibility-confirmations",
         {"UA-RU": (a, {"int"})}, {"person_ids": [w.held_by_ru]}),
        ("POST", "/api/v1/agreements/{agreement_id}/interviews", {"UA-RU": (a, {"int"})},
         {"person_id": w.held_by_ru, "outcome": "undecided"}),
        ("GET", "/api/v1/agreements/{agreement_id}/statements", {"UA-RU": (a, PARTIES)},
         None),
        ("POST", "/api/v1/agreements/{agreement_id}/statements", {"UA-RU": (a, PARTIES)},
         {"party": "UA", "stated_on": "2025-06-10", "source": "press release",
          "claims": {}}),
        ("GET", "/api/v1/agreements/{agreement_id}/stages", {"UA-RU": (a, PARTIES)}, None),
        ("GET", "/api/v1/stages/{stage_id}", {"UA-RU": (s, PARTIES)}, None),
        ("POST", "/api/v1/stages/{stage_id}/handover", {"UA-RU": (s, PARTIES)},
         {"person_ids": [listed]}),
        ("GET", "/api/v1/stages/{stage_id}/discrepancies", {"UA-RU": (s, PARTIES)}, None),
        ("POST", "/api/v1/stages/{stage_id}/checks", {"UA-RU": (s, {"int"})}, None),
        ("POST", "/api/v1/stages/{stage_id}/disputes", {"UA-RU": (s, PARTIES)},
         {"person_id": listed}),
        ("GET", "/api/v1/stages/{stage_id}/heads", {"UA-RU": (s, PARTIES)}, None),
        ("POST", "/api/v1/stages/{stage_id}/cosignatures", {"UA-RU": (s, PARTIES)},
         {"key": "0" * 16, "signatures": [{"head": {}, "signature": "0" * 128}]}),
        ("GET", "/api/v1/discrepancies", {"-": ({}, PARTIES)}, None),
        ("POST", "/api/v1/discrepancies/{discrepancy_id}/resolution",
         {"UA-RU": ({"discrepancy_id": w.discrepancy_id}, {"int"})},
         {"resolution": "identity_confirmed"}),
        ("POST", "/api/v1/discrepancies/{discrepancy_id}/carry",
         {"UA-RU": ({"discrepancy_id": w.discrepancy_id}, {"int"})},
         {"to_stage_id": w.stage_id}),
        ("POST", "/api/v1/stages/{stage_id}/remains", {"UA-RU": (s, PARTIES)},
         {"direction": "UA->RU", "category": "remains", "case_numbers": ["C-1"]}),
        ("GET", "/api/v1/agreements/{agreement_id}/remains", {"UA-RU": (a, PARTIES)}, None),
        ("POST", "/api/v1/agreements/{agreement_id}/remains-identifications",
         {"UA-RU": (a, PARTIES)}, {"case_number": "C-1", "person_id": w.persons["RU"]}),
        ("POST", "/api/v1/medical-findings", {"-": ({}, {"int"})},
         {"person_ids": [w.held_by_ru], "seriously_wounded_or_sick": False}),
        ("POST", "/api/v1/stages/{stage_id}/publication-hold", {"UA-RU": (s, {"int"})},
         {"until": "2030-01-01", "reason": "security"}),
        ("POST", "/api/v1/stages/{stage_id}/publication-release", {"UA-RU": (s, {"int"})},
         {"reason": "released"}),
        ("POST", "/api/v1/stages/{stage_id}/close", {"UA-RU": (s, {"int"})}, None),
        ("POST", "/api/v1/agreements/{agreement_id}/stages", {"UA-RU": (a, {"int"})},
         {"stage_date": "2025-06-12", "capacity": 5}),
        ("GET", "/api/v1/lists/{list_id}/quarantine", {
            "UA": ({"list_id": w.lists["UA"]}, {"int", "ua"}),
            "RU": ({"list_id": w.lists["RU"]}, {"int", "ru"})}, None),
        ("POST", "/api/v1/imports", {"-": ({}, PARTIES)}, UPLOAD),
        ("POST", "/api/v1/publications", {"-": ({}, {"int"})}, None),
        ("POST", "/api/v1/persons/{person_id}/erasure", {
            "RU list": ({"person_id": w.persons["RU"]}, {"int"})}, {"reason": "request"}),
        ("GET", "/api/v1/publications/latest", {"-": ({}, ALL)}, None),
        # A decision needs a pair in the queue; with none, everyone gets the same 404.
        ("GET", "/api/v1/reviews", {"-": ({}, {"int"})}, None),
        ("POST", "/api/v1/reviews/{review_id}/decision",
         {"none": ({"review_id": str(uuid.uuid4())}, set())}, {"decision": "same"}),
        ("GET", "/api/v1/quarantine/{quarantine_id}", {
            "UA": ({"quarantine_id": q.rows["UA"]}, {"int", "ua"}),
            "RU": ({"quarantine_id": q.rows["RU"]}, {"int", "ru"})}, None),
        ("POST", "/api/v1/quarantine/{quarantine_id}/fix", {
            "UA": ({"quarantine_id": q.rows["UA"]}, {"int", "ua"}),
            "RU": ({"quarantine_id": q.rows["RU"]}, {"int", "ru"})},
         {"set": {"birth_date": "28.02.1991"}}),
        ("POST", "/api/v1/lists/{list_id}/quarantine/reimport", {
            "UA": ({"list_id": q.lists["UA"]}, {"int", "ua"}),
            "RU": ({"list_id": q.lists["RU"]}, {"int", "ru"})}, {}),
        ("GET", "/api/v1/exports/lists", {"-": ({}, SIGNED)}, None),
        ("GET", "/api/v1/exports/lists?list_id={list_id}", {
            "UA": ({"list_id": w.lists["UA"]}, {"int", "ua"}),
            "RU": ({"list_id": w.lists["RU"]}, {"int", "ru"})}, None),
        ("GET", "/api/v1/exports/persons", {"-": ({}, {"int"})}, None),
        # A party names one of its lists (422 without); the intermediary may export all.
        ("GET", "/api/v1/exports/quarantine", {"-": ({}, SIGNED)}, None),
        ("GET", "/api/v1/exports/quarantine?list_id={list_id}", {
            "UA": ({"list_id": q.lists["UA"]}, {"int", "ua"}),
            "RU": ({"list_id": q.lists["RU"]}, {"int", "ru"})}, None),
        ("POST", "/api/v1/resolutions", {"-": ({}, {"int"})}, {}),
        ("GET", "/api/v1/persons", {"-": ({}, {"int", "ua", "ru", "fam-a", "fam-b"})}, None),
    ]


@pytest.fixture
def served(app: App, tmp_path: Path) -> Iterator[tuple[Served, ExchangeWorld]]:
    world = build_exchange_world(app)
    world.quarantine = add_quarantine(app, tmp_path)
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


def test_every_route_is_in_the_table(served: tuple[Served, ExchangeWorld]) -> None:
    srv, world = served
    with srv.client() as client:
        schema = client.get("/openapi.json").json()
    declared = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}
    covered = {(m, p.split("?")[0]) for m, p, _, _ in table(world)}
    assert declared - covered == set(), "routes without a row in the access table"


def test_route_role_owner_table(served: tuple[Served, ExchangeWorld]) -> None:
    srv, world = served
    failures = []
    for method, template, owners, body in table(world):
        for owner, (params, allowed) in owners.items():
            path = template.format(**params)
            for caller in CALLERS:
                with _client(srv, world, caller) as client:
                    response = _send(client, method, path, body, caller)
                    assert response.status_code < 500, (method, path, response.text)
                    ok = response.status_code != 404
                    if ok != (caller in allowed):
                        failures.append(f"{method} {path} [{owner}] as {caller}: "
                                        f"{response.status_code} {response.text[:120]}")
                    if not ok and caller not in allowed:
                        if response.status_code != 404:
                            failures.append(f"{method} {template} [{owner}] as {caller}: "
                                            f"denied with {response.status_code}, not 404")
                        if params:
                            ghost = template.format(**_missing(params))
                            missing = _send(client, method, ghost, body, caller)
                            same = (missing.status_code, _strip(missing.json(), ghost)) == (
                                response.status_code, _strip(response.json(), path))
                            if not same:
                                failures.append(f"{method} {template} as {caller}: a denied "
                                                "object answers unlike a missing one")
    assert failures == []


def _send(client: Any, method: str, path: str, body: dict[str, Any] | None,
          caller: str) -> Any:
    if body is UPLOAD:
        csv = f"record_id,surname,given_name,birth_date\n{caller}-1,Ткач,Павло,01.02.2000\n"
        return client.request(method, path, data={"kind": "origin_list"},
                              files={"file": (f"upload-{caller}.csv", csv.encode(),
                                              "text/csv")})
    return client.request(method, path, json=body)


def _strip(body: dict[str, Any], path: str) -> dict[str, Any]:
    text = str(body)
    for part in re.split(r"[/?=&]", path):
        if len(part) == 36:
            text = text.replace(part, "<id>")
    return {"body": text}


def test_reads_of_personal_data_are_logged(served: tuple[Served, ExchangeWorld]) -> None:
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
