"""0008_privacy seals the operator-typed text that earlier revisions kept in clear."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from parley.bootstrap import App
from parley.errors import ConfigError
from parley.services.intake.imports import list_lists
from parley.services.intake.lists import ListMeta, RecordInput, record_list
from parley.services.publication.erasure import erase_person, erasure_reasons
from parley.store.migrate import current_revision, downgrade, head_revision, upgrade
from parley.store.tables import erasure_log, source_lists
from tests.helpers import ACTORS, INT, UA, register_three

FILE = "лист родини Мельник.csv"  # named after the family, not the person
REASON = "letter of Коваленко Ірина, 3 May"


def _downgrade(app: App, revision: str) -> None:
    downgrade(app.engine, revision, cipher=app.cipher)


def _populate(app: App) -> str:
    register_three(app)
    recorded = record_list(app, meta=ListMeta(
        source="ua-origin", kind="origin_list", file_name=FILE, file_sha256="1" * 64,
        party=UA), records=[RecordInput(row_number=2, fields={
            "record_id": "B-1", "surname": "Коваленко", "given_name": "Олександр"})],
        actor=ACTORS[UA], one_person_per_record=True)
    with app.read() as conn:
        from parley.store.tables import record_links

        person = conn.execute(select(record_links.c.person_id)).scalar_one()
    erase_person(app, person, reason=REASON, actor=ACTORS[INT])
    return recorded.list_id


def test_new_rows_are_sealed_and_read_back(app: App) -> None:
    list_id = _populate(app)
    with app.read() as conn:
        listed = conn.execute(select(source_lists)).one()
        logged = conn.execute(select(erasure_log)).one()
    assert (listed.file_name, logged.reason) == ("", "")
    assert FILE.encode() not in listed.sealed_meta and REASON.encode() not in logged.sealed_reason
    assert [(i.id, i.file_name) for i in list_lists(app)] == [(list_id, FILE)]
    assert [e["reason"] for e in erasure_reasons(app)] == [REASON]


def test_existing_rows_are_sealed_by_the_migration(app: App) -> None:
    list_id = _populate(app)
    _downgrade(app, "0007_reliability")
    with app.read() as conn:
        listed = conn.execute(select(source_lists.c.file_name)).scalar_one()
        logged = conn.execute(select(erasure_log.c.reason)).scalar_one()
    assert (listed, logged) == (FILE, REASON)
    # Without the data key a database with rows to seal is refused, and left as it was.
    with pytest.raises(ConfigError, match="data key"):
        upgrade(app.engine, cipher=None)
    assert current_revision(app.engine) == "0007_reliability"
    assert upgrade(app.engine, cipher=app.cipher) == ("0007_reliability", head_revision())
    with app.read() as conn:
        listed = conn.execute(select(source_lists.c.file_name)).scalar_one()
        logged = conn.execute(select(erasure_log.c.reason)).scalar_one()
    assert (listed, logged) == ("", "")
    assert [(i.id, i.file_name) for i in list_lists(app)] == [(list_id, FILE)]
    assert [e["reason"] for e in erasure_reasons(app)] == [REASON]
