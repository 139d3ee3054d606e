"""Issue 16, families: an anonymous or unverified inquirer learns nothing about a person.

Each test names the weakness it guards against; each failed on the code before the
change (an inquiry was matched in the request, and its tracking code then showed the
person id, the status and the inquiry fields to anyone holding it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from parley.bootstrap import App
from parley.services.people.access import Principal
from parley.services.registry.inquiries import (
    match_queued,
    queued_inquiry_lists,
    verify_inquirer,
)
from tests.api_server import PEOPLE, Served, World, build_world, serving
from tests.helpers import ACTORS, INT, UA

# A person on UA's list, asked about as a stranger would: name and birth date.
KNOWN = {"surname": "Коваленко", "given_name": "Олександр", "birth_date": "2001-03-05"}
# Nobody of that name and birth date is on any list.
UNKNOWN = {"surname": "Шевчук", "given_name": "Богдан", "birth_date": "1990-07-14"}
OFFICER = Principal(role="intermediary", name="officer", actor=ACTORS[INT])


@pytest.fixture
def served(app: App) -> Iterator[tuple[Served, World]]:
    world = build_world(app)
    with serving(app, secure_cookies=False) as srv:
        yield srv, world


def _file(srv: Served, fields: dict[str, str]) -> Any:
    with srv.client() as client:
        return client.post("/api/v1/inquiries", json=fields)


def _track(srv: Served, code: str) -> Any:
    with srv.client() as client:
        return client.post("/api/v1/tracking", json={"tracking_code": code})


def _shape(body: dict[str, Any]) -> dict[str, Any]:
    """An answer with its per-inquiry values (ids, codes, times) blanked out."""
    blank = {"inquiry_id", "tracking_code", "received_at"}
    return {k: ("*" if k in blank else v) for k, v in body.items()}


def test_an_anonymous_inquiry_is_not_matched_in_the_request(
        served: tuple[Served, World]) -> None:
    """Weakness: matching ran in the request (its time told whether anyone matched, and
    an anonymous caller could keep the exclusive write lock busy)."""
    srv, _ = served
    srv.api.state.parley.matcher.stop()  # nothing matches behind the test's back
    filed = _file(srv, KNOWN)
    assert filed.status_code == 201
    with srv.app.read() as conn:
        from sqlalchemy import select

        from parley.store.tables import inquiries, record_links
        record = conn.execute(select(inquiries.c.record_id).where(
            inquiries.c.id == filed.json()["inquiry_id"])).scalar_one()
        assert conn.execute(select(record_links).where(
            record_links.c.record_id == record)).first() is None
    assert filed.json()["inquiry_id"] in {
        i for i in _inquiry_ids(srv.app, queued_inquiry_lists(srv.app))}
    assert match_queued(srv.app) >= 1
    assert queued_inquiry_lists(srv.app) == []


def _inquiry_ids(app: App, list_ids: list[str]) -> list[str]:
    from sqlalchemy import select

    from parley.store.tables import inquiries
    with app.read() as conn:
        return [str(i) for i in conn.execute(select(inquiries.c.id).where(
            inquiries.c.list_id.in_(list_ids))).scalars()]


def test_anonymous_answers_are_indistinguishable_match_or_not(
        served: tuple[Served, World]) -> None:
    """Weakness: an anonymous inquiry revealed whether a person matched, the status and
    the history. The receipt and the tracking answer for a person on a list and for
    nobody at all are the same, field by field, before and after matching."""
    srv, _ = served
    known, unknown = _file(srv, KNOWN), _file(srv, UNKNOWN)
    assert known.status_code == unknown.status_code == 201
    assert _shape(known.json()) == _shape(unknown.json())
    assert set(known.json()) == {"inquiry_id", "tracking_code", "received_at"}
    match_queued(srv.app)
    a, b = _track(srv, known.json()["tracking_code"]), _track(srv, unknown.json()["tracking_code"])
    assert a.status_code == b.status_code == 200
    assert _shape(a.json()) == _shape(b.json())
    assert a.json()["status"] is None and a.json()["verified"] is False
    text = a.text + b.text
    for person in [p for people in PEOPLE.values() for p in people]:
        for value in person.values():
            assert value not in text


def test_status_is_released_only_after_an_officer_verified_the_inquirer(
        served: tuple[Served, World]) -> None:
    """Weakness: the tracking code alone opened the status. Now only once an officer
    has verified the inquirer (an event naming no one), and then only status, date and
    next steps: no person id, label, unit, service number, rank or place."""
    srv, _ = served
    filed = _file(srv, KNOWN).json()
    match_queued(srv.app)
    assert _track(srv, filed["tracking_code"]).json()["status"] is None
    done = verify_inquirer(srv.app, OFFICER, inquiry_id=filed["inquiry_id"],
                           actor=ACTORS[INT])
    answer = _track(srv, filed["tracking_code"])
    assert answer.status_code == 200
    body = answer.json()
    assert body["verified"] is True and body["status"] == "missing"
    assert body["status_date"] and body["next_steps"]
    assert set(body) == {"inquiry_id", "received_at", "verified", "status", "status_date",
                         "next_steps"}
    for value in ("АА123456", "ua-list", "UA-1", "origin_list", "person_id"):
        assert value not in answer.text
    with srv.app.read() as conn:
        from sqlalchemy import select

        from parley.store.tables import events
        payload = conn.execute(select(events.c.payload, events.c.actor).where(
            events.c.seq == done.event_seq)).one()
    assert payload.actor == ACTORS[INT]
    for value in KNOWN.values():
        assert value not in payload.payload


def test_only_the_intermediary_or_the_persons_own_party_may_verify(
        served: tuple[Served, World]) -> None:
    """The other party's office, a family or the public cannot verify an inquirer (404,
    as for an inquiry that does not exist); UA's office may for a UA person."""
    srv, world = served
    filed = _file(srv, KNOWN).json()
    match_queued(srv.app)
    body = {"identity_checked": True, "relationship_checked": True}
    path = f"/api/v1/inquiries/{filed['inquiry_id']}/verification"
    with srv.client(token=world.tokens["ru"]) as ru:
        assert ru.post(path, json=body).status_code == 404
    with srv.client() as anyone:
        assert anyone.post(path, json=body).status_code == 404
    with srv.client(token=world.tokens["ua"]) as ua:
        partial = ua.post(path, json={"identity_checked": True,
                                      "relationship_checked": False})
        assert partial.status_code == 422
        assert "relationship_checked" in partial.text
        assert ua.post(path, json=body).status_code == 200
    assert _track(srv, filed["tracking_code"]).json()["status"] == "missing"


def test_a_revoked_code_answers_like_an_unknown_one(served: tuple[Served, World]) -> None:
    """Weakness: a code reused after revocation still opened the inquiry."""
    srv, world = served
    filed = _file(srv, KNOWN).json()
    match_queued(srv.app)
    verify_inquirer(srv.app, OFFICER, inquiry_id=filed["inquiry_id"], actor=ACTORS[INT])
    with srv.client(token=world.tokens["int"]) as officer:
        assert officer.post(f"/api/v1/inquiries/{filed['inquiry_id']}/revocation"
                            ).status_code == 204
    revoked = _track(srv, filed["tracking_code"])
    guessed = _track(srv, "ABCD-EFGH-JKMN-PQRS-TVWX")
    assert revoked.status_code == guessed.status_code == 404
    assert revoked.json() == guessed.json()
    with srv.client(token=world.tokens["int"]) as officer:
        log = officer.get("/api/v1/access-log", params={"limit": 1000}).json()
    assert sum(e["object_kind"] == "tracking_code" for e in log) >= 2


def test_a_family_session_sees_no_person_before_verification(
        served: tuple[Served, World]) -> None:
    """Weakness: a family's session read the matched person (status, records) at once."""
    srv, world = served
    from parley.services.people.users import start_session

    filed = _file(srv, KNOWN).json()
    match_queued(srv.app)
    cookie, _ = start_session(srv.app, inquiry_id=filed["inquiry_id"])
    with srv.client(cookie=cookie) as fam:
        assert fam.get("/api/v1/persons").json()["persons"] == []
        assert fam.get(f"/api/v1/persons/{world.persons[UA]}/status").status_code == 404
        mine = fam.get(f"/api/v1/inquiries/{filed['inquiry_id']}").json()
        assert mine["person_id"] is None


def test_rate_limits_per_target_and_per_code(app: App) -> None:
    """Many addresses asking about one person, or trying one code, are limited by the
    person and by the code, not only by address."""
    from parley.api.ratelimit import Rule

    world = build_world(app)
    rules = {"family": Rule(per_minute=600_000, burst=100_000),
             "tracking": Rule(per_minute=600_000, burst=100_000),
             "family-target": Rule(per_minute=1, burst=2),
             "tracking-code": Rule(per_minute=1, burst=2),
             "family-person": Rule(per_minute=1, burst=2)}
    with serving(app, secure_cookies=False, rate_limits=rules) as srv:
        codes = [_file(srv, {**KNOWN, "given_name": v}).status_code
                 for v in ("Олександр", "олександр ", "ОЛЕКСАНДР")]
        assert codes == [201, 201, 429]
        assert _file(srv, UNKNOWN).status_code == 201
        tries = [_track(srv, world.tracking["fam-b"]).status_code for _ in range(3)]
        assert tries == [200, 200, 429]
