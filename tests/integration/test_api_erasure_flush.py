"""An erasure through the API leaves none of the erased records' sealed bytes in SQLite's
database file or write-ahead log: the log is emptied once the answer is committed."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select

from parley.bootstrap import App
from parley.store.tables import record_links, source_records
from tests.api_server import build_exchange_world, serving


def _raw(app: App) -> bytes:
    database = Path(str(app.engine.url.database))
    wal = database.with_name(database.name + "-wal")
    return database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_an_api_erasure_leaves_no_old_page_versions(sqlite_app: App) -> None:
    app = sqlite_app
    world = build_exchange_world(app)
    person = world.held_by_ru
    with app.read() as conn:
        blobs = [r.sealed for r in conn.execute(
            select(source_records.c.sealed)
            .join(record_links, record_links.c.record_id == source_records.c.id)
            .where(record_links.c.person_id == person))]
    assert blobs and all(b in _raw(app) for b in blobs)  # the test can see them at all
    with serving(app) as srv, srv.client(
            token=world.tokens["int"], headers={"Idempotency-Key": str(uuid.uuid4())}) as int_:
        done = int_.post(f"/api/v1/persons/{person}/erasure",
                         json={"reason": "the family's request"})
        assert done.status_code == 200, done.text
        raw = _raw(app)
    assert [b for b in blobs if b in raw] == []
