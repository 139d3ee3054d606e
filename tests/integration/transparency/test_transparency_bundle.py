"""The bundle: written, verified with nothing but its files, and any change caught."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.bootstrap import App
from parley.domain.events import Event
from parley.ledger.signing import sign
from parley.reports import bundle as names
from parley.reports import verify_bundle
from parley.reports.derive import DeriveError
from parley.services.publication.checkpoints import create_checkpoint
from parley.services.publication.publish import publish_bundle
from tests.integration.transparency.conftest import Published
from tests.integration.transparency.scenario import ACTORS, INT, build

FILES = (names.MANIFEST, *names.FILES)


def test_bundle_verifies_on_both_backends(app: App, tmp_path: Path) -> None:
    sc = build(app)
    result = publish_bundle(app, tmp_path / "bundle", k=3)
    verified = verify_bundle(tmp_path / "bundle")
    assert verified.ok, verified.failure
    assert verified.events == result.events
    assert verified.heads == 8 and verified.cosignatures == 24
    totals = json.loads((tmp_path / "bundle" / names.TOTALS).read_text())
    confirmed = {(r["stage"], r["direction"], r["category"]): r["confirmed"]
                 for r in totals["rows"]}
    # 6 persons per direction and stage, alternating categories; the last is not confirmed
    stage = sc.stages[0]
    assert confirmed[(stage, "RU->UA", "wounded")] == 3
    assert confirmed[(stage, "RU->UA", "young")] == "fewer than 3"


def test_bundle_holds_every_file_and_nothing_personal(published: Published) -> None:
    assert sorted(p.name for p in published.bundle.iterdir()) == sorted(FILES)
    text = "\n".join((published.bundle / name).read_text(encoding="utf-8")
                     for name in FILES)
    for fields in published.scenario.fields:
        for field in ("surname", "given_name", "patronymic", "birth_date",
                      "service_number"):
            assert fields[field] not in text, (field, fields[field])


def _copy(bundle: Path, into: Path) -> Path:
    target = into / "bundle"
    shutil.copytree(bundle, target)
    return target


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_single_byte_change_is_caught(published: Published, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(FILES), label="file")
    raw = (published.bundle / name).read_bytes()
    offset = data.draw(st.integers(min_value=0, max_value=len(raw) - 1), label="offset")
    value = data.draw(st.integers(min_value=0, max_value=255).filter(
        lambda b: b != raw[offset]), label="byte")
    with tempfile.TemporaryDirectory() as tmp:
        bundle = _copy(published.bundle, Path(tmp))
        (bundle / name).write_bytes(raw[:offset] + bytes([value]) + raw[offset + 1:])
        result = verify_bundle(bundle)
    assert not result.ok, f"{name} changed at byte {offset} still verifies"


def _resign(app: App, bundle: Path) -> None:
    """What an insider with the intermediary's key could do: re-hash and re-sign."""
    manifest = json.loads((bundle / names.MANIFEST).read_text())
    manifest["files"] = {n: names.file_sha256(bundle / n) for n in names.FILES}
    manifest["signature"] = sign(app.keyring.private(ACTORS[INT]),
                                 names.manifest_message(manifest))
    (bundle / names.MANIFEST).write_text(names.json_text(manifest))


DATA_FILES = (names.EVENTS, names.KEYS, names.CHECKPOINTS, names.STAGES, names.TOTALS,
              names.AGREEMENTS, names.STATEMENTS, names.DISCREPANCIES)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_even_the_intermediary_cannot_change_a_figure_and_re_sign(
        published: Published, data: st.DataObject) -> None:
    """With the manifest re-signed, the content checks alone still catch the change."""
    name = data.draw(st.sampled_from(DATA_FILES), label="file")
    raw = (published.bundle / name).read_bytes()
    # change a digit, hex digit or letter of the content (whitespace is not content)
    positions = [i for i, b in enumerate(raw) if chr(b).isalnum()]
    offset = data.draw(st.sampled_from(positions), label="offset")
    old = chr(raw[offset])
    pool = "0123456789abcdef" if old in "0123456789abcdef" else "xyzXYZ"
    new = data.draw(st.sampled_from([c for c in pool if c != old]), label="new")
    with tempfile.TemporaryDirectory() as tmp:
        bundle = _copy(published.bundle, Path(tmp))
        (bundle / name).write_bytes(raw[:offset] + new.encode() + raw[offset + 1:])
        _resign(published.app, bundle)
        result = verify_bundle(bundle)
    assert not result.ok, f"{name}: {old!r}->{new!r} at {offset} verifies after re-signing"


def test_failures_name_file_event_and_expectation(published: Published, tmp_path: Path) -> None:
    bundle = _copy(published.bundle, tmp_path)
    totals = json.loads((bundle / names.TOTALS).read_text())
    totals["rows"][0]["confirmed"] = 300
    (bundle / names.TOTALS).write_text(names.json_text(totals))
    _resign(published.app, bundle)
    failure = verify_bundle(bundle).failure
    assert failure is not None and failure.file == names.TOTALS
    assert "rows[0].confirmed is 300; expected 3" in str(failure)

    bundle = _copy(published.bundle, tmp_path / "again")
    lines = (bundle / names.EVENTS).read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if "handover.confirmed" in line)
    record = json.loads(lines[index])
    record["payload"] = record["payload"].replace('"role":"sending"', '"role":"receiving"')
    lines[index] = json.dumps(record, sort_keys=True, separators=(",", ":"),
                              ensure_ascii=False) + "\n"
    (bundle / names.EVENTS).write_text("".join(lines))
    failure = verify_bundle(bundle).failure
    assert failure is not None and failure.file == names.EVENTS
    assert failure.event == index + 1 and "hash mismatch" in failure.message


def test_report_csv_is_rendered_from_verified_totals(published: Published) -> None:
    csv = (published.bundle / names.FIGURES_CSV).read_text().splitlines()
    assert csv[1].startswith("#date,#meta+stage+num,#meta+stage+id,#org+sender+code")
    assert "#affected+returned" in csv[1] and "#org+name+confirmed" in csv[1]
    assert len(csv) == 2 + 8


def test_checkpoints_grow_with_consistency_proofs(tmp_path: Path, sqlite_app: App) -> None:
    build(sqlite_app, stages=1, per_party=6)
    first = create_checkpoint(sqlite_app)
    build_more(sqlite_app)
    publish_bundle(sqlite_app, tmp_path / "b")
    cps = json.loads((tmp_path / "b" / names.CHECKPOINTS).read_text())
    assert cps[0]["tree_size"] == first.tree_size and len(cps) == 2
    assert cps[1]["consistency"]
    assert verify_bundle(tmp_path / "b").ok
    cps[1]["consistency"][0] = "00" * 32
    (tmp_path / "b" / names.CHECKPOINTS).write_text(names.json_text(cps))
    _resign(sqlite_app, tmp_path / "b")
    failure = verify_bundle(tmp_path / "b").failure
    assert failure is not None and "consistency proof" in failure.message


def build_more(app: App) -> None:
    from parley.services.people.organisation import register_actor

    register_actor(app, actor="int-officer-2", party=INT, title="Officer", role="officer")


@pytest.mark.parametrize("workers", [1, 2])
def test_parallel_verification_finds_the_same_first_failure(
        published: Published, tmp_path: Path, workers: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from parley.reports import chain

    monkeypatch.setattr(chain, "PARALLEL_FROM", 10)
    assert verify_bundle(published.bundle, workers=workers).ok
    bundle = _copy(published.bundle, tmp_path)
    lines = (bundle / names.EVENTS).read_text().splitlines(keepends=True)
    target = len(lines) - 5
    record = json.loads(lines[target])
    sig = record["signature"]
    record["signature"] = ("0" if sig[0] != "0" else "1") + sig[1:]
    lines[target] = json.dumps(record, sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False) + "\n"
    (bundle / names.EVENTS).write_text("".join(lines))
    failure = verify_bundle(bundle, workers=workers).failure
    assert failure is not None and failure.event == target + 1
    assert "signature" in failure.message


def test_a_signed_but_malformed_payload_is_named(sqlite_app: App, tmp_path: Path) -> None:
    """A side that signs nonsense cannot make the publisher or verifier crash."""
    sc = build(sqlite_app, stages=1, per_party=6)
    with sqlite_app.uow() as uow:
        ev = uow.append(BrokenClose(stage_id=sc.stages[0]), actor=ACTORS[INT])
        uow.commit()
    with pytest.raises(DeriveError, match="payload not of the form") as raised:
        publish_bundle(sqlite_app, tmp_path / "b")
    assert raised.value.seq == ev.seq
    # and in a bundle (written by hand around the publisher), the verifier names it
    from parley.reports.derive import derive as real_derive

    def lenient(items: Any, policy: Any) -> Any:
        return real_derive([i for i in items if i.seq != ev.seq], policy)

    import parley.reports.writer as writer

    original = writer.derive
    writer.derive = lenient
    try:
        publish_bundle(sqlite_app, tmp_path / "b")
    finally:
        writer.derive = original
    failure = verify_bundle(tmp_path / "b").failure
    assert failure is not None and failure.file == names.EVENTS and failure.event == ev.seq


@dataclass(frozen=True)
class BrokenClose(Event):
    """A stage.closed without heads (never registered in the catalogue)."""

    name: ClassVar[str] = "stage.closed"
    stage_id: str


def test_missing_extra_and_foreign_files_are_named(published: Published, tmp_path: Path) -> None:
    bundle = _copy(published.bundle, tmp_path)
    (bundle / "notes.txt").write_text("an extra file")
    failure = verify_bundle(bundle).failure
    assert failure is not None and failure.file == "notes.txt"
    (bundle / "notes.txt").unlink()
    (bundle / names.STATEMENTS).unlink()
    failure = verify_bundle(bundle).failure
    assert failure is not None and failure.file == names.STATEMENTS
    assert "missing" in failure.message
    failure = verify_bundle(tmp_path / "nowhere").failure
    assert failure is not None and "not a directory" in failure.message
