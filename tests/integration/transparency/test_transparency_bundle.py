"""The bundle (v2): written, verified with nothing but its files, and any change caught."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parley.bootstrap import App
from parley.ledger.signing import sign
from parley.reports import bundle as names
from parley.reports import verify_bundle
from parley.services.publication.publish import publish_bundle
from tests.integration.transparency.conftest import Published
from tests.integration.transparency.scenario import ACTORS, INT, build

FILES = (names.MANIFEST, *names.FILES)


def test_bundle_verifies_on_both_backends(app: App, tmp_path: Path) -> None:
    sc = build(app)
    result = publish_bundle(app, tmp_path / "bundle", k=3)
    verified = verify_bundle(tmp_path / "bundle")
    assert verified.ok, verified.failure
    assert verified.events == result.public_events
    assert verified.stages == 2 and verified.cosignatures == 6
    totals = json.loads((tmp_path / "bundle" / names.TOTALS).read_text())
    confirmed = {(r["stage"], r["direction"], r["category"]): (r["confirmed"], r["withheld"])
                 for r in totals["rows"]}
    by_direction = {(r["stage"], r["direction"]): r["confirmed"]
                    for r in totals["by_direction"]}
    # 6 persons per direction and stage, alternating categories; the last is not
    # confirmed: 3 wounded, 2 young. k = 3: young is small, wounded withheld with it
    # because the direction's total (5) is shown.
    stage = sc.stages[0]
    assert confirmed[(stage, "RU->UA", "young")] == (None, "withheld")
    assert confirmed[(stage, "RU->UA", "wounded")] == (None, "withheld")
    assert by_direction[(stage, "RU->UA")] == 5
    # with k = 1 nothing is small: everything is shown and adds up
    publish_bundle(app, tmp_path / "k1", k=1)
    assert verify_bundle(tmp_path / "k1").ok
    rows = json.loads((tmp_path / "k1" / names.TOTALS).read_text())["rows"]
    shown = {(r["stage"], r["direction"], r["category"]): r["confirmed"] for r in rows}
    assert shown[(stage, "RU->UA", "wounded")] == 3 and shown[(stage, "RU->UA", "young")] == 2


def test_bundle_holds_every_file_and_nothing_personal(published: Published) -> None:
    assert sorted(p.name for p in published.bundle.iterdir()) == sorted(FILES)
    text = "\n".join((published.bundle / name).read_text(encoding="utf-8")
                     for name in FILES)
    for fields in published.scenario.fields:
        for field in ("surname", "given_name", "patronymic", "birth_date",
                      "service_number"):
            assert fields[field] not in text, (field, fields[field])
    for persons in published.scenario.persons.values():
        for person, commitment in persons:
            assert person not in text and commitment not in text


def _copy(bundle: Path, into: Path) -> Path:
    target = into / "bundle"
    shutil.copytree(bundle, target)
    return target


@settings(max_examples=80, deadline=None,
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


DATA_FILES = (names.EVENTS, names.KEYS, names.CHECKPOINT, names.STAGES, names.TOTALS,
              names.AGREEMENTS, names.STATEMENTS)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_even_the_intermediary_cannot_change_a_figure_and_re_sign(
        published: Published, data: st.DataObject) -> None:
    """With the manifest re-signed, the content checks alone still catch the change."""
    name = data.draw(st.sampled_from(DATA_FILES), label="file")
    raw = (published.bundle / name).read_bytes()
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


def _edit_stages(bundle: Path, edit: object) -> None:
    stages = json.loads((bundle / names.STAGES).read_text())
    edit(stages)  # type: ignore[operator]
    (bundle / names.STAGES).write_text(names.json_text(stages))


def test_failures_name_the_first_figure_that_no_longer_holds(
        published: Published, tmp_path: Path) -> None:
    cases = {
        "leaf": lambda s: s[0]["figures"][0]["leaves"].__setitem__(0, "0" * 64),
        "count": lambda s: s[0]["figures"][0].__setitem__("count", 6),
        "head": lambda s: s[0]["head"]["head"].__setitem__("date", "2025-06-15"),
        "signature": lambda s: s[0]["head"]["cosignatures"][1].__setitem__(
            "signature", "0" * 128),
        "withheld": lambda s: s[0]["withheld"].pop(),
    }
    expected = {"leaf": "figure RU->UA *", "count": "figure RU->UA *", "head": "head:",
                "signature": "does not verify", "withheld": "neither shown nor listed"}
    for what, edit in cases.items():
        bundle = _copy(published.bundle, tmp_path / what)
        _edit_stages(bundle, edit)
        _resign(published.app, bundle)
        failure = verify_bundle(bundle).failure
        assert failure is not None and failure.file == names.STAGES, (what, failure)
        assert "stage 1 (" in failure.message and expected[what] in failure.message, \
            (what, failure.message)

    bundle = _copy(published.bundle, tmp_path / "totals")
    totals = json.loads((bundle / names.TOTALS).read_text())
    totals["by_direction"][0]["confirmed"] = 300
    (bundle / names.TOTALS).write_text(names.json_text(totals))
    _resign(published.app, bundle)
    failure = verify_bundle(bundle).failure
    assert failure is not None and failure.file == names.TOTALS
    assert "by_direction[0].confirmed is 300; expected 5" in str(failure)

    bundle = _copy(published.bundle, tmp_path / "event")
    lines = (bundle / names.EVENTS).read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if "statement.recorded" in line)
    record = json.loads(lines[index])
    record["payload"] = record["payload"].replace('"source":"press', '"source":"Press')
    lines[index] = json.dumps(record, sort_keys=True, separators=(",", ":"),
                              ensure_ascii=False) + "\n"
    (bundle / names.EVENTS).write_text("".join(lines))
    failure = verify_bundle(bundle).failure
    assert failure is not None and failure.file == names.EVENTS
    assert failure.event == record["seq"] and "hash" in failure.message


def test_report_csv_is_rendered_from_verified_totals(published: Published) -> None:
    csv = (published.bundle / names.FIGURES_CSV).read_text().splitlines()
    assert csv[1].startswith("#date,#meta+stage+num,#meta+stage+id,#org+sender+code")
    assert "#affected+returned" in csv[1] and "#org+name+confirmed" in csv[1]
    # 2 stages x 2 directions x (2 categories + the total)
    assert len(csv) == 2 + 12
    assert sum(line.endswith(",withheld") for line in csv) == 8


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


def test_a_bundle_from_another_exchange_does_not_verify_with_swapped_stages(
        published: Published, other: Published, tmp_path: Path) -> None:
    bundle = _copy(published.bundle, tmp_path)
    shutil.copy(other.bundle / names.STAGES, bundle / names.STAGES)
    _resign(published.app, bundle)
    failure = verify_bundle(bundle).failure
    assert failure is not None and failure.file == names.STAGES
