"""Nothing about a person reaches the public: one test per weakness of issue 16's "Why".

Each test publishes a bundle of an exchange run through the real services (a wounded
person, decliners, small counts, an erasure, an identified body) and attacks it the way
an outsider would. Before the public bundle v2 every one of them failed: the bundle
carried the event chain (``events.jsonl``) with every person id, medical and interview
event, erasure and identification; a direction total beside one "fewer than k" category
gave it away; running totals gave a hidden stage's count; a family proof said "leaf 6 of
7".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parley.bootstrap import App
from parley.domain.events import RemainsIdentified
from parley.domain.public_head import TOTAL
from parley.reports import bundle as names
from parley.reports import verify_bundle, verify_proof
from parley.reports.suppression import SMALL, Decision, audit
from parley.services.publication.erasure import erase_person
from parley.services.publication.proofs import write_family_proof
from parley.services.publication.publish import publish_bundle
from tests.helpers import ACTORS, INT
from tests.security.world import SecurityWorld, build_security_world

SENSITIVE_TYPES = ("medical.certified", "verification.recorded", "interview.recorded",
                   "person.nominated", "stage.planned", "stage.person_listed",
                   "handover.confirmed", "remains.identified", "remains.confirmed",
                   "person.erased", "identity.", "list.imported", "match.",
                   "discrepancy.", "stage.closed")


@pytest.fixture
def world(app: App) -> SecurityWorld:
    """On SQLite and PostgreSQL."""
    return build_security_world(app)


def _publish(app: App, out: Path, k: int = 5) -> str:
    publish_bundle(app, out, k=k)
    result = verify_bundle(out)
    assert result.ok, result.failure
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(out.iterdir()))


def test_the_event_chain_is_not_in_the_bundle(world: SecurityWorld, tmp_path: Path) -> None:
    text = _publish(world.ex.app, tmp_path / "b")
    assert not (tmp_path / "b" / "events.jsonl").exists()
    for event_type in SENSITIVE_TYPES:
        assert f'"type":"{event_type}' not in text, event_type
    for person in world.persons:
        assert person not in text
    for commitment in world.commitments:
        assert commitment not in text


def test_no_one_learns_who_was_certified_wounded_or_sick(world: SecurityWorld,
                                                          tmp_path: Path) -> None:
    text = _publish(world.ex.app, tmp_path / "b")
    assert "medical.certified" not in text and "seriously_wounded_or_sick\":true" not in text
    assert "verification.recorded" not in text
    assert world.wounded[0] not in text
    # the one wounded person's figure (1 < k) is withheld, and so is what would give it away
    totals = json.loads((tmp_path / "b" / names.TOTALS).read_text())
    row = next(r for r in totals["rows"] if r["stage"] == world.stages[0]
               and r["direction"] == "RU->UA" and r["category"] == "wounded_sick")
    assert row["confirmed"] is None and row["withheld"] == "withheld"


def test_decliners_cannot_be_derived(world: SecurityWorld, tmp_path: Path) -> None:
    """Persons interviewed but in no stage list were exactly the decliners: neither the
    interviews nor the lists are public, nor any person id to compare."""
    text = _publish(world.ex.app, tmp_path / "b")
    assert "interview.recorded" not in text and "stage.planned" not in text
    for person in world.decliners + world.handed:
        assert person not in text


def test_remains_and_erasure_are_not_visible(world: SecurityWorld, tmp_path: Path) -> None:
    app = world.ex.app
    erased = world.handed[0]
    erase_person(app, erased, reason="request DP-2025-17")
    with app.uow() as uow:
        uow.append(RemainsIdentified(agreement_id=world.ex.agreement.id, case_number="C-17",
                                     person_id=world.handed[1]), actor=ACTORS[INT])
        uow.commit()
    text = _publish(app, tmp_path / "b")
    assert not (tmp_path / "b" / "erasures.json").exists()
    for needle in ("person.erased", "remains.identified", "C-17", erased, world.handed[1],
                   "DP-2025-17"):
        assert needle not in text, needle


def _published_tables(bundle: Path) -> dict[str, dict[str, dict[str, int | None]]]:
    totals = json.loads((bundle / names.TOTALS).read_text())
    tables: dict[str, dict[str, dict[str, int | None]]] = {}
    for row in [*totals["rows"], *totals["by_direction"]]:
        tables.setdefault(row["stage"], {}).setdefault(row["direction"], {})[
            row.get("category", TOTAL)] = row["confirmed"]
    return tables


def test_subtraction_gives_no_withheld_figure(world: SecurityWorld, tmp_path: Path) -> None:
    """A direction total minus its shown categories must not give a withheld one: the
    audit solves, from the published figures alone, the range of every withheld one."""
    _publish(world.ex.app, tmp_path / "b")
    tables = _published_tables(tmp_path / "b")
    stage1 = tables[world.stages[0]]["RU->UA"]
    assert stage1["wounded_sick"] is None and stage1[TOTAL] is not None
    for stage, table in tables.items():
        # what the reader can tell: a withheld total was small unless it protects;
        # assume the stronger reading (small) wherever the total is withheld
        withheld = {(d, c): SMALL for d, row in table.items()
                    for c, n in row.items() if n is None}
        # the attacker's table: withheld cells are unknowns; 0 stands in (audit reads
        # only the published cells' values)
        known = {d: {c: (n if n is not None else 0) for c, n in row.items()}
                 for d, row in table.items()}
        for direction, row in table.items():
            hidden = [c for c, n in row.items() if n is None and c != TOTAL]
            if row.get(TOTAL) is not None:
                assert len(hidden) != 1, (stage, direction)
        assert audit(known, Decision(withheld), k=5) == []


def test_running_totals_give_no_withheld_stage_figure(world: SecurityWorld,
                                                      tmp_path: Path) -> None:
    _publish(world.ex.app, tmp_path / "b")
    totals = json.loads((tmp_path / "b" / names.TOTALS).read_text())
    shown: dict[tuple[str, str, str], int | None] = {}
    for row in [*totals["rows"], *totals["by_direction"]]:
        shown[(row["stage"], row["direction"], row.get("category", TOTAL))] = \
            row["confirmed"]
    for running in totals["cumulative"]:
        so_far, withheld = 0, 0
        for value in running["values"]:
            count = shown[(value["stage"], running["direction"], running["category"])]
            so_far += count or 0
            withheld += count is None
            # each running total is the sum of published figures only
            assert value == {"stage": value["stage"], "published": so_far,
                             "withheld_stages": withheld}


def test_a_family_proof_shows_no_stage_size(world: SecurityWorld, tmp_path: Path) -> None:
    app = world.ex.app
    _publish(app, tmp_path / "b")
    proof_file = tmp_path / "proof.json"
    write_family_proof(app, world.wounded[0], proof_file)
    result = verify_proof(tmp_path / "b", proof_file)
    assert result.ok, result.failure
    proof = json.loads(proof_file.read_text())
    text = proof_file.read_text()
    for gone in ("leaf_index", "tree_size", "record", "wounded_sick\",\"count",
                 "\"count\""):
        assert gone not in text, gone
    persons = proof["stage_head"]["head"]["persons"]
    stage_total = 6 + 6 + 1
    assert persons["size"] >= max(64, 2 * stage_total)
    assert not any(" of " in note and "leaf" in note for note in result.notes)
