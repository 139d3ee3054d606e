"""Nobody let in: credentials of another deployment, replayed, revoked or expired ones,
families guessing tracking codes, and identifiers guessed in sequence.

The route × role × owner table of every endpoint is tests/integration/test_api_access.py;
these are the attacks around it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import String, select

from parley.api.ratelimit import DEFAULT_RULES
from parley.bootstrap import App, bootstrap
from parley.services.people.users import (
    TRACKING_ALPHABET,
    create_token,
    csrf_token,
    disable_user,
    end_session,
    get_user,
    new_tracking_code,
    revoke_token,
    start_session,
)
from parley.settings import Settings
from parley.store.tables import access_log, api_tokens, metadata
from tests.api_server import (
    ExchangeWorld,
    Served,
    World,
    build_exchange_world,
    build_world,
    serving,
)
from tests.helpers import UA

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture
def served(app: App) -> Iterator[tuple[Served, World]]:
    world = build_world(app)
    with serving(app, secure_cookies=False) as srv:
        yield srv, world


@pytest.fixture
def other_deployment(tmp_path: Path) -> Iterator[tuple[App, World]]:
    """A second Parley with the same parties, users and names, and its own data key."""
    other = bootstrap(Settings.for_directory(tmp_path / "elsewhere"))
    try:
        yield other, build_world(other)
    finally:
        other.close()


def _status(srv: Served, path: str, **client: Any) -> int:
    with srv.client(**client) as c:
        return c.get(path).status_code


def test_credentials_of_another_deployment_open_nothing(
        served: tuple[Served, World], other_deployment: tuple[App, World]) -> None:
    srv, world = served
    other, elsewhere = other_deployment
    mine = f"/api/v1/lists/{world.lists[UA]}"
    assert _status(srv, mine, token=world.tokens["ua"]) == 200
    for key in ("int", "ua", "ru"):
        assert _status(srv, "/api/v1/me", token=elsewhere.tokens[key]) == 401
        assert _status(srv, mine, token=elsewhere.tokens[key]) == 401
    # The same secret would not even hash alike: the keyed hash is per deployment.
    with srv.app.read() as conn:
        hashes = set(conn.execute(select(api_tokens.c.token_hash)).scalars())
    with other.read() as conn:
        assert hashes.isdisjoint(conn.execute(select(api_tokens.c.token_hash)).scalars())
    for fam in ("fam-a", "fam-b"):
        cookie = elsewhere.family_cookies[fam]
        assert _status(srv, f"/api/v1/inquiries/{world.inquiries[fam]}",
                       cookie=cookie) == 401
        with srv.client() as c:
            assert c.post("/api/v1/tracking", json={
                "tracking_code": elsewhere.tracking[fam]}).status_code == 404


def test_revoked_expired_and_disabled_credentials_are_refused_on_every_replay(
        served: tuple[Served, World]) -> None:
    srv, world = served
    app = srv.app
    me = "/api/v1/me"
    short = create_token(app, username="ru-office", days=1)
    assert _status(srv, me, token=short.secret) == 200
    revoked = create_token(app, username="ru-office")
    revoke_token(app, token_id=revoked.id)
    for _ in range(3):
        assert _status(srv, me, token=revoked.secret) == 401
    # Altered by one character, or of the right shape but random: nothing.
    tampered = world.tokens["ua"][:-1] + ("A" if world.tokens["ua"][-1] != "A" else "B")
    assert _status(srv, me, token=tampered) == 401
    assert _status(srv, me, token="parley_" + "x" * 43) == 401
    later = app.clock() + timedelta(days=2)
    srv.set_clock(lambda: later)
    assert _status(srv, me, token=short.secret) == 401
    assert _status(srv, me, token=world.tokens["ru"]) == 200   # no expiry: still good
    srv.set_clock(app.clock)
    user = get_user(app, "ua-office")
    cookie, _ = start_session(app, user=user)
    assert _status(srv, me, cookie=cookie) == 200
    end_session(app, cookie)
    for _ in range(2):
        assert _status(srv, me, cookie=cookie) == 401
    disable_user(app, username="ua-office")
    assert _status(srv, me, token=world.tokens["ua"]) == 401
    assert _status(srv, f"/api/v1/lists/{world.lists[UA]}", token=world.tokens["ua"]) == 401


def test_a_session_cookie_needs_its_own_csrf_token_to_write(
        served: tuple[Served, World]) -> None:
    srv, world = served
    mine, theirs = world.family_cookies["fam-a"], world.family_cookies["fam-b"]
    body = {"surname": "Мельник", "given_name": "Андрій"}
    for token in (None, csrf_token(srv.app, theirs), "0" * 64):
        headers = {"X-CSRF-Token": token} if token else {}
        with srv.client(cookie=mine, headers=headers) as c:
            assert c.post("/api/v1/inquiries", json=body).status_code == 403
    with srv.client(cookie=mine, headers={"X-CSRF-Token": csrf_token(srv.app, mine)}) as c:
        assert c.post("/api/v1/inquiries", json=body).status_code == 201


def test_a_family_guessing_tracking_codes_is_rate_limited_and_logged(sqlite_app: App) -> None:
    app = sqlite_app
    world = build_world(app)
    rule = DEFAULT_RULES["tracking"]
    with serving(app, rate_limits=dict(DEFAULT_RULES), secure_cookies=False) as srv:
        answers = []
        with srv.client() as c:
            for _ in range(rule.burst + 5):
                answers.append(c.post("/api/v1/tracking",
                                      json={"tracking_code": new_tracking_code()}))
            # Even the right code waits now: the limit is per client, not per code.
            right = c.post("/api/v1/tracking", json={"tracking_code": world.tracking["fam-a"]})
        codes = [a.status_code for a in answers]
        assert codes[:rule.burst] == [404] * rule.burst
        assert set(codes[rule.burst:]) == {429}
        assert right.status_code == 429
        assert all(int(a.headers["Retry-After"]) >= 1 for a in answers if a.status_code == 429)
        with srv.client(token=world.tokens["int"]) as officer:
            log = officer.get("/api/v1/access-log",
                              params={"object_id": "no-match", "limit": 1000}).json()
    tries = [e for e in log if e["object_kind"] == "tracking_code"]
    assert len(tries) == rule.burst
    assert {e["principal"] for e in tries} == {"public@127.0.0.1"}
    assert all(e["route"] == "POST /api/v1/tracking" for e in tries)
    # No code is kept, tried or real.
    with app.read() as conn:
        details = " ".join(r.detail + r.object_id for r in conn.execute(select(access_log)))
    assert world.tracking["fam-a"] not in details


def test_the_tracking_form_shares_the_limit_and_the_log(sqlite_app: App) -> None:
    app = sqlite_app
    world = build_world(app)
    rule = DEFAULT_RULES["tracking"]
    with serving(app, rate_limits=dict(DEFAULT_RULES), secure_cookies=False) as srv:
        with srv.client(follow_redirects=False) as c:
            page = c.get("/track")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            form = {"tracking_code": new_tracking_code()}
            if token:
                form["csrf_token"] = token.group(1)
            codes = [c.post("/track", data=form).status_code
                     for _ in range(rule.burst + 2)]
        assert 429 in codes and codes[0] != 429
        with srv.client(token=world.tokens["int"]) as officer:
            log = officer.get("/api/v1/access-log", params={"object_id": "no-match"}).json()
        assert len(log) == codes.count(404)


def test_tracking_codes_tokens_and_cookies_have_high_entropy(sqlite_app: App) -> None:
    app = sqlite_app
    codes = {new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000
    letters = "".join(codes).replace("-", "")
    assert set(letters) <= set(TRACKING_ALPHABET) and len(TRACKING_ALPHABET) >= 30
    assert all(len(c.replace("-", "")) >= 20 for c in codes)   # 30^20 ≈ 2^98
    build_world(app)
    secret = create_token(app, username="officer").secret
    assert len(secret.removeprefix("parley_")) >= 43             # 256 bits, base64url
    cookie, _ = start_session(app, user=get_user(app, "officer"))
    assert len(cookie) >= 43


def test_every_identifier_a_client_can_see_is_a_random_uuid(
        served: tuple[Served, World]) -> None:
    """Every String(36) key column holds uuid4 values: nothing to count up or down."""
    srv, _world = served
    with srv.client(headers={"Idempotency-Key": "k"}) as c:
        assert c.post("/api/v1/inquiries", json={"surname": "Мельник",
                                                 "given_name": "Андрій"}).status_code == 201
    checked = 0
    with srv.app.read() as conn:
        for table in metadata.sorted_tables:
            for column in table.columns:
                if not (isinstance(column.type, String) and column.type.length == 36):
                    continue
                if not (column.primary_key or column.name.endswith("id")):
                    continue
                for value in conn.execute(select(column)).scalars():
                    if value is None:
                        continue
                    assert UUID4.match(value), f"{table.name}.{column.name} = {value!r}"
                    checked += 1
    assert checked > 20


def _neighbours(identifier: str) -> list[str]:
    """Ids next to ``identifier`` in every sense a guesser might try."""
    number = uuid.UUID(identifier).int
    out = [str(uuid.UUID(int=(number + step) % 2**128)) for step in (-2, -1, 1, 2, 16, 256)]
    head, tail = identifier[:-1], identifier[-1]
    out += [head + c for c in "0123456789abcdef" if c != tail]
    return out


def test_ids_guessed_in_sequence_find_nothing(served: tuple[Served, World]) -> None:
    srv, world = served
    targets = {
        "/api/v1/lists/{}": world.lists[UA],
        "/api/v1/lists/{}/records": world.lists[UA],
        "/api/v1/persons/{}": world.persons[UA],
        "/api/v1/inquiries/{}": world.inquiries["fam-a"],
    }
    with srv.client(token=world.tokens["int"]) as officer:
        for template, real in targets.items():
            assert officer.get(template.format(real)).status_code == 200
            for guess in _neighbours(real):
                response = officer.get(template.format(guess))
                assert response.status_code in (404, 422), (template, guess,
                                                            response.status_code)


def test_responses_do_not_tell_a_forbidden_id_from_a_missing_one(
        served: tuple[Served, World]) -> None:
    srv, world = served
    theirs = world.lists["RU"]
    with srv.client(token=world.tokens["ua"]) as ua:
        forbidden = ua.get(f"/api/v1/lists/{theirs}")
        missing = ua.get(f"/api/v1/lists/{uuid.uuid4()}")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.headers.get("content-length") is not None
    strip = re.compile(r"[0-9a-f-]{36}")
    assert strip.sub("<id>", forbidden.text) == strip.sub("<id>", missing.text)


# --- the pages: every page × every caller ---------------------------------------------

PAGE_CALLERS = ("public", "fam-a", "fam-b", "int", "ua", "ru")
EVERYONE = set(PAGE_CALLERS)


def page_table(w: ExchangeWorld) -> dict[str, list[tuple[dict[str, str], set[str]]]]:
    """Page template → [(path parameters, callers who get the page)]."""
    lists = [({"list_id": w.lists["UA"]}, {"int", "ua"}),
             ({"list_id": w.lists["RU"]}, {"int", "ru"})]
    people = [({"person_id": w.persons["UA"]}, {"int", "ua"}),
              ({"person_id": w.persons["RU"]}, {"int", "ru"})]
    return {
        "/": [({}, {"public"})],            # everyone else is sent to their own start page
        "/login": [({}, EVERYONE)], "/inquiry": [({}, EVERYONE)],
        "/track": [({}, EVERYONE)], "/public": [({}, EVERYONE)],
        "/int": [({}, {"int"})], "/int/access-log": [({}, {"int"})],
        "/int/review": [({}, {"int"})],
        "/int/lists/{list_id}": lists, "/int/quarantine/{list_id}": lists,
        "/int/persons/{person_id}": [({"person_id": w.persons["UA"]}, set())],  # redirect
        "/party": [({}, {"ua", "ru"})],
        "/stages/{stage_id}": [({"stage_id": w.stage_id}, {"int", "ua", "ru"})],
        "/persons/{person_id}": people,
        "/family": [({}, {"fam-a", "fam-b"})],
        "/family/proof": [({}, set())],     # fam-a's relative is not yet returned
    }


@pytest.fixture
def exchange_served(sqlite_app: App
                    ) -> Iterator[tuple[Served, ExchangeWorld, dict[str, str | None]]]:
    app = sqlite_app
    world = build_exchange_world(app)
    cookies: dict[str, str | None] = {
        k: start_session(app, user=get_user(app, world.usernames[k]))[0]
        for k in ("int", "ua", "ru")}
    cookies.update(world.family_cookies)
    cookies["public"] = None
    with serving(app, secure_cookies=False) as srv:
        yield srv, world, cookies


def test_every_page_is_in_the_page_table(
        exchange_served: tuple[Served, ExchangeWorld, dict[str, str | None]]) -> None:
    srv, world, _ = exchange_served
    pages = {r.path for r in srv.api.routes
             if isinstance(r, APIRoute) and "GET" in r.methods and not r.include_in_schema
             and not r.path.startswith(("/static", "/public/bundle", "/api"))}
    assert pages - set(page_table(world)) == set(), "pages without a row in the table"


def test_each_page_opens_for_exactly_its_callers(
        exchange_served: tuple[Served, ExchangeWorld, dict[str, str | None]]) -> None:
    srv, world, cookies = exchange_served
    failures = []
    for template, rows in page_table(world).items():
        for params, allowed in rows:
            path = template.format(**params)
            for caller in PAGE_CALLERS:
                with srv.client(cookie=cookies[caller], follow_redirects=False) as c:
                    response = c.get(path)
                got = response.status_code == 200
                if got != (caller in allowed):
                    failures.append(f"{path} as {caller}: {response.status_code}")
                if not got and response.status_code not in (303, 404):
                    failures.append(f"{path} as {caller}: refused with "
                                    f"{response.status_code}, not 303 or 404")
                if not got and response.status_code == 303 and caller not in allowed:
                    # Sent to sign in (or to the tracking form), never into the page.
                    target = response.headers["location"]
                    if not target.startswith(("/login", "/track", "/int", "/party",
                                              "/family", "/persons/")):
                        failures.append(f"{path} as {caller}: sent to {target}")
    assert failures == [], "\n".join(failures)
