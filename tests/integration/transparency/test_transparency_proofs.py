"""Family proofs, erasure and publication holds."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from parley.bootstrap import App
from parley.errors import Conflict, InputError, NotFound
from parley.reports import bundle as names
from parley.reports import verify_bundle, verify_proof
from parley.services.publication.erasure import erase_person, erasure_reasons
from parley.services.publication.proofs import write_family_proof
from parley.services.publication.publish import hold_stage, publish_bundle, release_stage
from parley.store.tables import erasure_log, record_links, source_records
from tests.integration.transparency.conftest import Published
from tests.integration.transparency.scenario import build

_PROOFS: dict[tuple[str, str], Path] = {}


def _proof(pub: Published, person: str) -> Path:
    key = (str(pub.root), person)
    if key not in _PROOFS:
        path = pub.root / "proofs" / f"{person}.json"
        write_family_proof(pub.app, person, path)
        _PROOFS[key] = path
    return _PROOFS[key]


def test_a_family_proof_verifies_and_reveals_only_its_person(published: Published) -> None:
    person = published.scenario.handed[published.scenario.stages[0]][0]
    path = _proof(published, person)
    assert path.stat().st_mode & 0o777 == 0o600
    result = verify_proof(published.bundle, path)
    assert result.ok, result.failure
    assert any("handed over in stage 1" in note and "cosigned by INT, RU, UA" in note
               for note in result.notes)
    proof = json.loads(path.read_text())
    text = path.read_text()
    for fields in published.scenario.fields:
        for field in ("surname", "given_name", "birth_date", "service_number", "unit",
                      "rank", "place_of_birth"):
            if fields.get(field):
                assert fields[field] not in text, field
    assert set(proof) == {"format", "stage_head", "leaf", "index", "inclusion",
                          "issued_at", "issuer", "signature"}
    # the head names every figure of the stage alike; nothing says which is the person's
    figures = proof["stage_head"]["head"]["figures"]
    assert {f["category"] for f in figures} == {"wounded", "young", "*"}
    assert text.count('"category"') == len(figures)
    assert proof["stage_head"]["head"]["persons"]["size"] >= 64


def test_a_person_not_handed_over_has_no_proof(published: Published) -> None:
    sc = published.scenario
    handed = {p for persons in sc.handed.values() for p in persons}
    person = next(p for p, _ in sc.persons["UA"] if p not in handed)
    with pytest.raises(NotFound, match="not handed over"):
        write_family_proof(published.app, person, published.root / "none.json")


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_single_byte_change_in_a_proof_is_caught(published: Published,
                                                     data: st.DataObject) -> None:
    person = data.draw(st.sampled_from(published.scenario.handed[
        published.scenario.stages[1]]), label="person")
    raw = _proof(published, person).read_bytes()
    offset = data.draw(st.integers(min_value=0, max_value=len(raw) - 1), label="offset")
    value = data.draw(st.integers(min_value=0, max_value=255).filter(
        lambda b: b != raw[offset]), label="byte")
    with tempfile.NamedTemporaryFile(suffix=".json") as handle:
        handle.write(raw[:offset] + bytes([value]) + raw[offset + 1:])
        handle.flush()
        assert not verify_proof(published.bundle, handle.name).ok


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_one_exchange_never_verifies_anothers_proofs(published: Published, other: Published,
                                                     data: st.DataObject) -> None:
    source, target = data.draw(st.sampled_from([(published, other), (other, published)]))
    stage = data.draw(st.sampled_from(source.scenario.stages))
    person = data.draw(st.sampled_from(source.scenario.handed[stage]))
    path = _proof(source, person)
    assert verify_proof(source.bundle, path).ok
    assert not verify_proof(target.bundle, path).ok


def test_erasure_keeps_everything_verifiable(sqlite_app: App, tmp_path: Path) -> None:
    sc = build(sqlite_app)
    person = sc.handed[sc.stages[0]][1]
    before = tmp_path / "before.json"
    write_family_proof(sqlite_app, person, before)
    result = erase_person(sqlite_app, person, reason="request DP-2025-17")
    assert result.records == 1
    with sqlite_app.read() as conn:
        rows = conn.execute(
            select(source_records.c.sealed, source_records.c.salt, source_records.c.erased_at)
            .join(record_links, record_links.c.record_id == source_records.c.id)
            .where(record_links.c.person_id == person)).all()
        log = conn.execute(select(erasure_log.c.reason)).scalars().all()
    assert rows and all(r.sealed is None and r.salt is None and r.erased_at for r in rows)
    # The reason is sealed (it may name who asked); the log opens it.
    assert log == [""]
    assert [e["reason"] for e in erasure_reasons(sqlite_app)] == ["request DP-2025-17"]
    with pytest.raises(Conflict, match="erased"):
        write_family_proof(sqlite_app, person, tmp_path / "after.json")
    with pytest.raises(Conflict, match="no personal data left"):
        erase_person(sqlite_app, person, reason="again")
    publish_bundle(sqlite_app, tmp_path / "bundle", k=3)
    verified = verify_bundle(tmp_path / "bundle")
    assert verified.ok, verified.failure
    assert verified.stages == 2
    assert "request DP-2025-17" not in "".join(
        p.read_text() for p in (tmp_path / "bundle").iterdir())
    # the family's own copy still proves the handover
    assert verify_proof(tmp_path / "bundle", before).ok


def test_a_held_stage_is_published_without_figures_until_released(
        sqlite_app: App, tmp_path: Path) -> None:
    sc = build(sqlite_app)
    held = sc.stages[1]
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        hold_stage(sqlite_app, stage_id=held, until="1 July", reason="security")
    with pytest.raises(NotFound):
        hold_stage(sqlite_app, stage_id="no-such-stage", until=None, reason="security")
    hold_stage(sqlite_app, stage_id=held, until=None, reason="security of the handover")
    publish_bundle(sqlite_app, tmp_path / "held", k=3)
    bundle = tmp_path / "held"
    result = verify_bundle(bundle)
    assert result.ok, result.failure
    assert result.stages == 1
    stages = json.loads((bundle / names.STAGES).read_text())
    assert {"id": held, "held": stages[-1]["held"]} == stages[-1]
    assert held not in (bundle / names.TOTALS).read_text()
    report = (bundle / names.REPORT).read_text()
    assert "withheld until the parties decide" in report
    assert "security of the handover" in report
    assert f",,{held},,,,,,,,withheld" in (bundle / names.FIGURES_CSV).read_text()

    # A proof for a person of the held stage still holds against the cosigned head.
    person = sc.handed[held][0]
    proof = tmp_path / "held-proof.json"
    write_family_proof(sqlite_app, person, proof)
    checked = verify_proof(bundle, proof)
    assert checked.ok and any("withheld" in n for n in checked.notes)

    # Publishing a held stage's figures is caught.
    leaky = tmp_path / "leaky"
    publish_bundle(sqlite_app, tmp_path / "full", k=3, now=None)
    release_stage(sqlite_app, stage_id=held, reason="both parties agreed")
    publish_bundle(sqlite_app, tmp_path / "released", k=3)
    released = verify_bundle(tmp_path / "released")
    assert released.ok and released.stages == 2
    totals = json.loads((tmp_path / "released" / names.TOTALS).read_text())
    assert {r["stage"] for r in totals["rows"]} == set(sc.stages)
    shutil.copytree(bundle, leaky)
    section = next(s for s in json.loads((tmp_path / "released" / names.STAGES).read_text())
                   if s["id"] == held)
    (leaky / names.STAGES).write_text(names.json_text([*stages[:-1], section]))
    failure = verify_bundle(leaky).failure
    assert failure is not None and failure.file == names.STAGES


def test_a_hold_until_a_date_lapses(sqlite_app: App, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    sc = build(sqlite_app, stages=1, per_party=6)
    hold_stage(sqlite_app, stage_id=sc.stages[0], until="2099-01-01", reason="security")
    publish_bundle(sqlite_app, tmp_path / "now")
    assert verify_bundle(tmp_path / "now").stages == 0
    publish_bundle(sqlite_app, tmp_path / "later", now=datetime(2099, 1, 1, tzinfo=UTC))
    later = verify_bundle(tmp_path / "later")
    assert later.ok and later.stages == 1
