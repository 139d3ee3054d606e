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
from parley.services.intake.lists import ListMeta, record_list
from parley.services.people.users import add_user, create_token, start_session
from parley.services.registry.inquiries import file_inquiry
from tests.helpers import ACTORS, INT, RU, UA, register_three

GENEROUS = {name: Rule(per_minute=600_000, burst=100_000)
            for name in ("public", "family", "login", "tracking", "family-target",
                         "tracking-code", "family-person")}


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
def serving(parley: App, *, wrap: Callable[[FastAPI], Any] | None = None,
            **options: Any) -> Iterator[Served]:
    """uvicorn serving ``create_app(parley, **options)`` on 127.0.0.1 (a free port),
    wrapped by ``wrap`` (an ASGI middleware, e.g. a fault of ``bench/crash_faults.py``)."""
    options.setdefault("rate_limits", GENEROUS)
    api = create_app(parley, **options)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(wrap(api) if wrap else api, log_level="warning",
                            access_log=False, lifespan="on")
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
    spare_inquiry: str = ""


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
        filed = file_inquiry(parley, fields=fields, match=False)
        world.inquiries[fam] = filed.inquiry_id
        world.tracking[fam] = filed.tracking_code
        world.family_cookies[fam] = start_session(parley, inquiry_id=filed.inquiry_id)[0]
    # A third inquiry, never followed, for the routes that revoke one.
    world.spare_inquiry = file_inquiry(parley, fields={"surname": "Бондар",
                                                       "given_name": "Ігор"},
                                       match=False).inquiry_id
    return world


@dataclass
class Quarantine:
    """Per party: a list imported from a file and its one quarantined row."""

    lists: dict[str, str] = field(default_factory=dict)      # party → list id
    rows: dict[str, str] = field(default_factory=dict)       # party → quarantined row id


@dataclass
class ExchangeWorld(World):
    """The world plus the Istanbul agreement, a planned stage and a disputed identity."""

    agreement_id: str = ""
    stage_id: str = ""
    on_stage: list[str] = field(default_factory=list)      # persons listed in the stage
    held_by_ru: str = ""                                    # a UA soldier, not nominated
    discrepancy_id: str = ""
    disputed: str = ""                                      # on the stage, identity disputed
    ua_people: list[str] = field(default_factory=list)      # held by RU
    ru_people: list[str] = field(default_factory=list)      # held by UA
    quarantine: Quarantine = field(default_factory=Quarantine)  # see add_quarantine


def build_exchange_world(parley: App) -> ExchangeWorld:
    """``build_world`` plus an exchange: RU holds three young UA soldiers and UA three
    young RU soldiers; two of each are ready and planned into stage 1; the receiving
    party disputes one identity. Fam-a's inquiry is linked to UA's first person."""

    from parley.services.exchange.agreements import load_agreement, sign_agreement
    from parley.services.exchange.handover import dispute_identity
    from parley.services.exchange.stages import plan_stage
    from tests.integration.exchange.builders import (
        ISTANBUL,
        YOUNG,
        Exchange,
        capture_cards,
        ready,
    )

    base = build_world(parley)
    world = ExchangeWorld(**base.__dict__)
    ua_people = capture_cards(parley, holder=RU, births=[YOUNG] * 3, tag="ua")
    ru_people = capture_cards(parley, holder=UA, births=[YOUNG] * 3, tag="ru")
    agreement = load_agreement(parley, path=ISTANBUL, actor=ACTORS[INT])
    sign_agreement(parley, agreement_id=agreement.id, actor=ACTORS[UA])
    agreement = sign_agreement(parley, agreement_id=agreement.id, actor=ACTORS[RU])
    ex = Exchange(app=parley, agreement=agreement, ua_people=ua_people, ru_people=ru_people)
    ready(ex, ua_people[:2])
    ready(ex, ru_people[:2])
    result = plan_stage(parley, agreement_id=agreement.id, stage_date="2025-06-09",
                        capacity=10, actor=ACTORS[INT])
    world.agreement_id = agreement.id
    world.stage_id = result.stage.id
    world.on_stage = [s.person_id for s in result.plan.selected]
    world.held_by_ru = ua_people[2]
    world.discrepancy_id = dispute_identity(parley, stage_id=result.stage.id,
                                            person_id=ua_people[1], actor=ACTORS[UA]).id
    world.disputed = ua_people[1]
    world.ua_people, world.ru_people = ua_people, ru_people
    # Fam-a's inquiry is about UA's first person: a reviewer says so.
    link_inquiry(parley, world, "fam-a", UA)
    return world


def link_inquiry(parley: App, world: World, family: str, party: str) -> None:
    """Decide that a family's inquiry record and a party's first record are one person."""
    from sqlalchemy import select

    from parley.services.people.access import Principal
    from parley.services.registry.identity import decide, person_of_record
    from parley.services.registry.inquiries import verify_inquirer
    from parley.store.tables import inquiries, source_records

    with parley.read() as conn:
        inquiry_record = conn.execute(select(inquiries.c.record_id).where(
            inquiries.c.id == world.inquiries[family])).scalar_one()
        first = conn.execute(select(source_records.c.id).where(
            source_records.c.list_id == world.lists[party])
            .order_by(source_records.c.row_number)).scalars().first()
    decide(parley, decision="same", actor=ACTORS[INT], records=(first, inquiry_record))
    # An officer has checked who the family is: the inquiry now releases the status.
    officer = Principal(role="intermediary", name="officer", actor=ACTORS[INT])
    verify_inquirer(parley, officer, inquiry_id=world.inquiries[family],
                    actor=ACTORS[INT])
    person = person_of_record(parley, first)
    assert person is not None
    world.persons[party] = person



def add_quarantine(parley: App, workdir: Any) -> Quarantine:
    """Each party imports a file whose second row has an impossible birth date."""
    from pathlib import Path

    from parley.services.intake.imports import import_list
    from parley.services.intake.quarantine import list_quarantined

    found = Quarantine()
    for party, surname in ((UA, "Гнатюк"), (RU, "Орлов")):
        path = Path(workdir) / f"{party.lower()}-visit.csv"
        path.write_text("record_id,surname,given_name,birth_date\n"
                        f"{party}-Q1,{surname},Петро,01.02.1990\n"
                        f"{party}-Q2,{surname},Олег,31.02.1991\n", encoding="utf-8")
        summary = import_list(parley, path=path, kind="origin_list", actor=ACTORS[party],
                              party=party, source=f"{party.lower()}-visit")
        found.lists[party] = summary.list_id
        found.rows[party] = list_quarantined(parley, list_id=summary.list_id)[0].id
    return found
