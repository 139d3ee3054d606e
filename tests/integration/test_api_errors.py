"""Bad input and bad credentials: 4xx with a JSON error naming the field, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from parley.api.ratelimit import Rule
from parley.bootstrap import App
from parley.services.people.users import (
    create_token,
    csrf_token,
    disable_user,
    revoke_token,
    start_session,
)
from parley.store import utc_now
from tests.api_server import Served, World, build_world, serving


@pytest.fixture
def served(app: App) -> Iterator[tuple[Served, World]]:
    world = build_world(app)
    with serving(app, secure_cookies=False) as srv:
        yield srv, world


def _error(response: object) -> dict[str, object]:
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}, body
    return body["error"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(("body", "field"), [
    (b'{"surname": "A", ', "body"),
    (b'{"surname": 5, "given_name": "B"}', "body.surname"),
    (b'{"surname": "A", "given_name": "B", "shoe_size": 44}', "body.shoe_size"),
    (b'["not", "an", "object"]', "body"),
    (b'{"surname": "A", "given_name": "B", "language": "fr"}', "body.language"),
    (b'{"surname": "' + b"x" * 300 + b'", "given_name": "B"}', "body.surname"),
])
def test_malformed_bodies_name_the_field(served: tuple[Served, World], body: bytes,
                                         field: str) -> None:
    srv, _ = served
    with srv.client() as client:
        r = client.post("/api/v1/inquiries", content=body,
                        headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert _error(r)["field"] == field


def test_service_errors_name_the_field(served: tuple[Served, World]) -> None:
    srv, _ = served
    with srv.client() as client:
        r = client.post("/api/v1/inquiries", json={"notes": "no name at all"})
    assert r.status_code == 422
    assert "surname" in str(_error(r)["message"])


def test_oversized_bodies_are_refused(served: tuple[Served, World]) -> None:
    srv, _ = served
    big = b'{"notes": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    with srv.client() as client:
        r = client.post("/api/v1/inquiries", content=big,
                        headers={"Content-Type": "application/json"})
        assert r.status_code == 413
        assert _error(r)["field"] == "header.Content-Length"

        def chunks() -> Iterator[bytes]:
            for _ in range(40):
                yield b"x" * 65536

        streamed = client.post("/api/v1/inquiries", content=chunks(),
                               headers={"Content-Type": "application/json"})
        assert streamed.status_code == 413
        assert _error(streamed)["field"] == "body"


def test_bad_parameters_name_the_parameter(served: tuple[Served, World]) -> None:
    srv, world = served
    with srv.client(token=world.tokens["int"]) as client:
        r = client.get("/api/v1/lists", params={"limit": "many"})
        assert r.status_code == 422 and _error(r)["field"] == "query.limit"
        r = client.get("/api/v1/lists/not-a-uuid")
        assert r.status_code == 422 and _error(r)["field"] == "path.list_id"
        r = client.delete("/api/v1/lists")
        assert r.status_code == 405 and _error(r)["code"] == "method_not_allowed"
        r = client.get("/api/v1/nothing-here")
        assert r.status_code == 404


@pytest.mark.parametrize("header", [
    "Bearer parley_not-a-real-token", "Bearer", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 500,
])
def test_bad_tokens_are_refused(served: tuple[Served, World], header: str) -> None:
    srv, _ = served
    with srv.client(headers={"Authorization": header}) as client:
        r = client.get("/api/v1/me")
    assert r.status_code == 401
    assert _error(r)["field"] == "header.Authorization"


def test_revoked_expired_and_disabled_tokens_stop_at_once(served: tuple[Served, World]
                                                          ) -> None:
    srv, world = served
    issued = create_token(srv.app, username="ua-office", label="to revoke")
    with srv.client(token=issued.secret) as client:
        assert client.get("/api/v1/me").json()["party"] == "UA"
        revoke_token(srv.app, token_id=issued.id)
        assert client.get("/api/v1/me").status_code == 401
    short = create_token(srv.app, username="ru-office", days=1)
    srv.set_clock(lambda: utc_now() + timedelta(days=2))
    try:
        with srv.client(token=short.secret) as client:
            assert client.get("/api/v1/me").status_code == 401
    finally:
        srv.set_clock(utc_now)
    disable_user(srv.app, username="ru-office")
    with srv.client(token=world.tokens["ru"]) as client:
        assert client.get("/api/v1/me").status_code == 401


def test_a_token_of_another_deployment_matches_nothing(served: tuple[Served, World],
                                                       tmp_path: object) -> None:
    from parley.bootstrap import bootstrap
    from parley.settings import Settings

    srv, _world = served
    other = bootstrap(Settings.for_directory(tmp_path / "other"))  # type: ignore[operator]
    try:
        build_world(other)
        foreign = create_token(other, username="officer").secret
    finally:
        other.close()
    with srv.client(token=foreign) as client:
        assert client.get("/api/v1/me").status_code == 401


def test_expired_and_unknown_sessions_and_csrf(served: tuple[Served, World]) -> None:
    srv, world = served
    secret, _ = start_session(srv.app, inquiry_id=world.inquiries["fam-a"], hours=1)
    with srv.client(cookie=secret) as client:
        assert client.get("/api/v1/me").json()["role"] == "family"
        body = {"surname": "Гончар", "given_name": "Олесь"}
        r = client.post("/api/v1/inquiries", json=body)
        assert r.status_code == 403 and _error(r)["field"] == "header.X-CSRF-Token"
        r = client.post("/api/v1/inquiries", json=body, headers={"X-CSRF-Token": "0" * 64})
        assert r.status_code == 403
        ok = client.post("/api/v1/inquiries", json=body,
                         headers={"X-CSRF-Token": csrf_token(srv.app, secret)})
        assert ok.status_code == 201
    srv.set_clock(lambda: utc_now() + timedelta(hours=2))
    try:
        with srv.client(cookie=secret) as client:
            r = client.get("/api/v1/me")
            assert r.status_code == 401 and _error(r)["code"] == "session_expired"
            assert _error(r)["field"] == "cookie.parley_session"
    finally:
        srv.set_clock(utc_now)
    with srv.client(cookie="made-up") as client:
        assert client.get("/api/v1/me").status_code == 401


def test_tracking_codes_are_rate_limited(app: App) -> None:
    world = build_world(app)
    limits = {"tracking": Rule(per_minute=1, burst=3), "public": Rule(600, 100),
              "family": Rule(600, 100), "login": Rule(600, 100)}
    with serving(app, rate_limits=limits) as srv, srv.client() as client:
        codes = [client.post("/api/v1/tracking",
                             json={"tracking_code": f"AAAA-BBBB-CCCC-DDDD-EEE{i}"}).status_code
                 for i in range(2, 7)]
        assert codes[:3] == [404, 404, 404]
        assert codes[3:] == [429, 429]
        r = client.post("/api/v1/tracking",
                        json={"tracking_code": world.tracking["fam-a"]})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1


def test_connections_cut_by_the_database_cost_one_retry_not_a_500(
        served: tuple[Served, World], app: App) -> None:
    # Pooled connections are not pinged before use: when the server drops them (a
    # restart), the requests on them are answered 503 and the pool is renewed.
    if app.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's connections only")
    srv, world = served
    from sqlalchemy import create_engine, text

    with srv.client(token=world.tokens["int"]) as int_:
        assert int_.get("/api/v1/lists").status_code == 200
        admin = create_engine(app.engine.url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                cut = conn.execute(text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")
                ).scalar()
        finally:
            admin.dispose()
        assert cut and cut >= 1
        answers = [int_.get("/api/v1/lists").status_code for _ in range(4)]
    assert set(answers) <= {200, 503}, answers
    assert answers[-1] == 200, answers
