"""An uploaded list keeps its file's name in any script as its source; what could trouble
a file system or a terminal does not survive."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from parley.bootstrap import App
from tests.api_server import ExchangeWorld, Served, build_exchange_world, serving

CSV = "surname,given_name,birth_date\nМельник,Олександр,01.02.1990\n".encode()


@pytest.fixture
def site(app: App) -> Iterator[tuple[Served, ExchangeWorld]]:
    world = build_exchange_world(app)
    with serving(app, secure_cookies=False) as srv:
        yield srv, world


@pytest.mark.parametrize(("file_name", "source"), [
    ("Список полонених 2025.csv", "Список полонених 2025"),
    ("../../etc/Ліст\x1b[31m.csv", "Ліст__31m"),
    ("Łódź—list.csv", "Łódź_list"),
])
def test_the_source_is_the_file_name_in_its_own_script(
        site: tuple[Served, ExchangeWorld], file_name: str, source: str) -> None:
    srv, world = site
    with srv.client(token=world.tokens["ua"],
                    headers={"Idempotency-Key": str(uuid.uuid4())}) as ua:
        done = ua.post("/api/v1/imports", files={"file": (file_name, CSV)},
                       data={"kind": "origin_list"})
    assert done.status_code == 201, done.text
    assert done.json()["source"] == source
