"""Issue 16, neutral sources: where a fact came from is told to another party as "a list
from the detaining party, received 3 March 2025", never by the list's own sealed label;
the list's own party and the intermediary still see the label. Fails on the code before
the change (a party's status history quoted the other party's list labels)."""

from __future__ import annotations

import re

from sqlalchemy import select

from parley.bootstrap import App
from parley.services.registry.persons import neutral_source, person_status
from parley.store.sealed_text import ListSources
from parley.store.tables import source_lists
from tests.api_server import build_exchange_world
from tests.helpers import ACTORS, RU, UA


def _labels(app: App) -> dict[str, set[str]]:
    """Each party's list labels, opened as their own party would see them."""
    out: dict[str, set[str]] = {UA: set(), RU: set()}
    with app.read() as conn:
        sources = ListSources(app.cipher, conn)
        for row in conn.execute(select(source_lists)).all():
            if row.party_code in out:
                label = sources.meta(row.id, row.sealed_meta, source=row.source,
                                     file_name=row.file_name)[0]
                if label:
                    out[row.party_code].add(label)
    return out


def test_a_party_sees_the_other_partys_lists_only_as_neutral_sources(app: App) -> None:
    world = build_exchange_world(app)
    labels = _labels(app)
    seen_neutral = 0
    for person in world.on_stage:
        everyone = person_status(app, person)
        for party, other in ((UA, RU), (RU, UA)):
            mine = person_status(app, person, viewer=ACTORS[party])
            for step in mine.history:
                for label in labels[other]:
                    assert f"list {label}" not in step.source, (party, step)
                seen_neutral += bool(re.search(r"received \d{1,2} [A-Z][a-z]+ \d{4}",
                                               step.source))
        # The intermediary still sees where each fact came from, label and all.
        assert any(f"list {label}" in s.source for s in everyone.history
                   for labs in labels.values() for label in labs)
    assert seen_neutral > 0


def test_neutral_source_wording() -> None:
    assert neutral_source("capture_card", "2025-03-03T10:00:00Z") == \
        "a list from the detaining party, received 3 March 2025"
    assert neutral_source("origin_list", "") == "a list from the party of origin"
