"""A real uvicorn server on loopback over a test's Parley, and a small world to serve.

Used by the API integration tests, the schemathesis run and the browser tests:
``serving(app)`` starts uvicorn in a thread on 127.0.0.1 with a free port and stops it
afterwards; ``build_world(app)`` registers the intermediary and two parties, a user and
a token per role, one list per party and two families' inquiries.
"""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from parley.api import create_app
from parley.api.ratelimit import Rule
from parley.bootstrap import App
from parley.domain.records import RecordInput
from parley.services.inquiries import file_inquiry
from parley.services.lists import ListMeta, record_list
from parley.services.users import add_user, create_token, start_session
from tests.helpers import ACTORS, INT, RU, UA, register_three

GENEROUS = {name: Rule(per_minute=600_000, burst=100_000)
            for name in ("public", "family", "login", "tracking")}


@dataclass
class Served:
    base: str
    app: App
    api: FastAPI

    def set_clock(self, clock: Callable[[], datetime]) -> None:
        """Move the served application's clock (expiry tests)."""
        self.api.state.parley.app.clock = clock

    def client(self, token: str | None = None, cookie: str | None = None,
               **kwargs: Any) -> httpx.Client:
        headers = dict(kwargs.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if cookie:
            headers["Cookie"] = f"parley_session={cookie}"
        return httpx.Client(base_url=self.base, headers=headers, timeout=30, **kwargs)


@contextmanager
def serving(parley: App, **options: Any) -> Iterator[Served]:
    """uvicorn serving ``create_app(parley, **options)`` on 127.0.0.1 (a free port)."""
    options.setdefault("rate_limits", GENEROUS)
    api = create_app(parley, **options)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(api, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield Served(base=f"http://127.0.0.1:{port}", app=parley, api=api)
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


@dataclass
class World:
    """Who and what exists in the served Parley, by role and owner."""

    tokens: dict[str, str] = field(default_factory=dict)     # role name → API token
    passwords: dict[str, str] = field(default_factory=dict)  # role name → password
    usernames: dict[str, str] = field(default_factory=dict)
    lists: dict[str, str] = field(default_factory=dict)      # party → list id
    persons: dict[str, str] = field(default_factory=dict)    # party → a person id
    inquiries: dict[str, str] = field(default_factory=dict)  # family name → inquiry id
    tracking: dict[str, str] = field(default_factory=dict)   # family name → tracking code
    family_cookies: dict[str, str] = field(default_factory=dict)


PEOPLE = {
    UA: [{"record_id": "UA-1", "surname": "Коваленко", "given_name": "Олександр",
          "patronymic": "Петрович", "birth_date": "2001-03-05", "service_number": "АА123456"},
         {"record_id": "UA-2", "surname": "Бондаренко", "given_name": "Іван",
          "birth_date": "1999-11-30"}],
    RU: [{"record_id": "RU-1", "surname": "Смирнов", "given_name": "Алексей",
          "birth_date": "2000-01-02", "service_number": "ВС-778899"}],
}


def build_world(parley: App) -> World:
    world = World()
    register_three(parley)
    for name, role, party in (("officer", "intermediary", INT), ("ua-office", "party", UA),
                              ("ru-office", "party", RU)):
        password = f"{name}-password-long"
        add_user(parley, username=name, role=role, party=party, actor=ACTORS[party],
                 password=password)
        key = {"officer": "int", "ua-office": "ua", "ru-office": "ru"}[name]
        world.tokens[key] = create_token(parley, username=name).secret
        world.passwords[key] = password
        world.usernames[key] = name
    for party, people in PEOPLE.items():
        records = [RecordInput(row_number=i + 2, fields=p) for i, p in enumerate(people)]
        digest = hashlib.sha256(repr(people).encode()).hexdigest()
        recorded = record_list(parley, meta=ListMeta(
            source=f"{party.lower()}-list", kind="origin_list", file_name=f"{party}.csv",
            file_sha256=digest, party=party, rows=len(records)), records=records,
            actor=ACTORS[party], one_person_per_record=True)
        world.lists[party] = recorded.list_id
    from sqlalchemy import select

    from parley.store.tables import record_links, source_records
    with parley.read() as conn:
        for party, list_id in world.lists.items():
            world.persons[party] = conn.execute(
                select(record_links.c.person_id)
                .join(source_records, source_records.c.id == record_links.c.record_id)
                .where(source_records.c.list_id == list_id)
                .order_by(source_records.c.row_number)).scalars().first()
    for fam, fields in (("fam-a", {"surname": "Коваленко", "given_name": "Олександр"}),
                        ("fam-b", {"surname": "Петренко", "given_name": "Марія"})):
        filed = file_inquiry(parley, fields=fields)
        world.inquiries[fam] = filed.inquiry_id
        world.tracking[fam] = filed.tracking_code
        world.family_cookies[fam] = start_session(parley, inquiry_id=filed.inquiry_id)[0]
    return world
