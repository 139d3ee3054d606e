"""Idempotency keys: a retry acts once and gets the first answer; the key, the write and the
answer commit together or not at all; concurrent retries act once."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from bench.crash_faults import IgnoreIdempotencyKeys
from sqlalchemy import func, select

from parley.bootstrap import App
from parley.errors import InputError
from parley.runtime import idempotency
from parley.runtime.idempotency import IdempotencyMismatch, SecondUnitOfWork
from parley.runtime.transactions import service_app
from parley.services.registry.inquiries import file_inquiry
from parley.store.tables import chain_head, checkpoints, idempotency_keys, source_lists
from tests.api_server import build_world, serving
from tests.helpers import register_three

BODY = {"surname": "Ткаченко", "given_name": "Богдан", "birth_date": "12.04.2001"}


def _count(app: App, table: Any) -> int:
    with app.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_retry_with_the_same_key_acts_once_and_replays(app: App) -> None:
    build_world(app)
    with serving(app) as srv, srv.client(headers={"Idempotency-Key": "abc-1"}) as client:
        before = _count(app, source_lists)
        first = client.post("/api/v1/inquiries", json=BODY)
        second = client.post("/api/v1/inquiries", json=BODY)
        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()
        assert second.headers.get("Idempotent-Replayed") == "true"
        assert _count(app, source_lists) == before + 1
        other = client.post("/api/v1/inquiries", json={**BODY, "given_name": "Остап"})
        assert other.status_code == 409
        assert other.json()["error"]["field"] == "header.Idempotency-Key"
        assert _count(app, source_lists) == before + 1


def test_keys_belong_to_their_caller(app: App) -> None:
    world = build_world(app)
    with serving(app) as srv:
        with srv.client(token=world.tokens["ua"], headers={"Idempotency-Key": "k"}) as ua:
            a = ua.post("/api/v1/inquiries", json=BODY)
        with srv.client(token=world.tokens["ru"], headers={"Idempotency-Key": "k"}) as ru:
            b = ru.post("/api/v1/inquiries", json=BODY)
    assert a.status_code == b.status_code == 201
    assert a.json()["tracking_code"] != b.json()["tracking_code"]


def test_a_bad_key_is_refused_naming_the_header(app: App) -> None:
    build_world(app)
    with serving(app) as srv, srv.client() as client:
        r = client.post("/api/v1/inquiries", json=BODY, headers={"Idempotency-Key": "x" * 201})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "header.Idempotency-Key"


def test_failure_after_the_write_leaves_neither_write_nor_key(app: App) -> None:
    """The answer is stored in the write's own transaction: if rendering the answer fails,
    the write rolls back too, so a retry cannot find a write without its key."""
    register_three(app)
    served = service_app(app)
    before = _count(app, source_lists)

    def broken_render(_: Any) -> tuple[int, Any]:
        raise RuntimeError("the process died before the answer was kept")

    with pytest.raises(RuntimeError):
        idempotency.run(served, owner="u", key="k1", request_fingerprint="f",
                        operation=lambda: file_inquiry(served, fields=BODY, match=False),
                        render=broken_render)
    assert _count(app, source_lists) == before
    assert _count(app, idempotency_keys) == 0
    answer = idempotency.run(served, owner="u", key="k1", request_fingerprint="f",
                             operation=lambda: file_inquiry(served, fields=BODY, match=False),
                             render=lambda f: (201, {"code": f.tracking_code}))
    again = idempotency.run(served, owner="u", key="k1", request_fingerprint="f",
                            operation=lambda: file_inquiry(served, fields=BODY, match=False),
                            render=lambda f: (201, {"code": f.tracking_code}))
    assert again.replayed and again.body == answer.body
    assert _count(app, source_lists) == before + 1
    with pytest.raises(IdempotencyMismatch):
        idempotency.run(served, owner="u", key="k1", request_fingerprint="other",
                        operation=lambda: file_inquiry(served, fields=BODY, match=False),
                        render=lambda f: (201, {}))


def test_a_failed_write_keeps_no_key(app: App) -> None:
    register_three(app)
    served = service_app(app)
    with pytest.raises(InputError):
        idempotency.run(served, owner="u", key="k2", request_fingerprint="f",
                        operation=lambda: file_inquiry(served, fields={"notes": "?"}, match=False),
                        render=lambda f: (201, {}))
    assert _count(app, idempotency_keys) == 0


def test_concurrent_retries_act_once(app: App) -> None:
    register_three(app)
    served = service_app(app)
    before = _count(app, source_lists)
    answers: list[Any] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def attempt() -> None:
        start.wait()
        try:
            answers.append(idempotency.run(
                served, owner="u", key="same", request_fingerprint="f",
                operation=lambda: file_inquiry(served, fields=BODY, match=False),
                render=lambda f: (201, {"code": f.tracking_code})))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({a.body["code"] for a in answers}) == 1
    assert sum(1 for a in answers if not a.replayed) == 1
    assert _count(app, source_lists) == before + 1


def test_disabled_idempotency_acts_twice(app: App) -> None:
    """The deliberately broken build (for the crash harness, bench/crash_faults.py) really
    is broken."""
    build_world(app)
    before = _count(app, source_lists)
    with serving(app, wrap=IgnoreIdempotencyKeys) as srv, \
            srv.client(headers={"Idempotency-Key": "k"}) as client:
        for _ in range(2):
            assert client.post("/api/v1/inquiries", json=BODY).status_code == 201
    assert _count(app, source_lists) == before + 2


def test_a_service_with_two_transactions_keeps_its_answer(app: App) -> None:
    """Filing and matching an inquiry are two transactions: the first is settled before
    the second begins (no wait on its own lock), and the answer is still replayed.
    (The deployed server's lenient mode; strict, the tests' default, refuses it: below.)"""
    register_three(app)
    served = service_app(app, strict=False)
    calls: list[int] = []

    def two_transactions() -> Any:
        calls.append(1)
        filed = file_inquiry(served, fields=BODY, match=False)
        file_inquiry(served, fields={**BODY, "given_name": "Тарас"}, match=False)
        return filed

    first = idempotency.run(served, owner="u", key="two", request_fingerprint="f",
                            operation=two_transactions,
                            render=lambda f: (201, {"code": f.tracking_code}))
    again = idempotency.run(served, owner="u", key="two", request_fingerprint="f",
                            operation=two_transactions,
                            render=lambda f: (201, {"code": f.tracking_code}))
    assert again.replayed and again.body == first.body and calls == [1]


def test_a_second_unit_of_work_in_a_once_only_request_fails_loudly(app: App) -> None:
    """Strict (the tests' mode): the second unit of work is refused before it begins, and
    the first rolls back with its key, so nothing is half done."""
    register_three(app)
    served = service_app(app)
    before = _count(app, source_lists)

    def two_transactions() -> Any:
        filed = file_inquiry(served, fields=BODY, match=False)
        file_inquiry(served, fields={**BODY, "given_name": "Тарас"}, match=False)
        return filed

    with pytest.raises(SecondUnitOfWork, match="second unit of work"):
        idempotency.run(served, owner="u", key="two", request_fingerprint="f",
                        operation=two_transactions,
                        render=lambda f: (201, {"code": f.tracking_code}))
    assert _count(app, source_lists) == before
    assert _count(app, idempotency_keys) == 0


def test_a_once_only_publication_answers_with_the_checkpoint_it_signs(app: App,
                                                                     tmp_path: Path) -> None:
    """Signing the checkpoint is the request's one unit of work, whose commit waits for the
    answer: what the publication reads after it must not depend on that commit."""
    world = build_world(app)
    with app.read() as conn:
        head = conn.execute(select(chain_head.c.seq)).scalar_one()
    with serving(app, publish_dir=tmp_path / "published") as srv, \
            srv.client(token=world.tokens["int"], headers={"Idempotency-Key": "pub-1"}) as c:
        first = c.post("/api/v1/publications")
        again = c.post("/api/v1/publications")
    assert first.status_code == 201, first.text
    assert first.json()["tree_size"] == head
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert _count(app, checkpoints) == 1
