"""`parley demo` ends with a verified bundle whose report names no demo person."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from sqlalchemy import select

from parley.bootstrap import bootstrap
from parley.reports import bundle as names
from parley.reports import verify_bundle
from parley.settings import Settings
from parley.store.tables import source_records

Run = Callable[..., CompletedProcess[str]]
PERSONAL = ("surname", "given_name", "patronymic", "full_name", "birth_date",
            "service_number")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.e2e.conftest import run_parley

    out = tmp_path_factory.mktemp("demo") / "demo"
    result = run_parley(["demo", "--out", str(out)])
    assert result.returncode == 0, result.stderr
    assert "bundle published to" in result.stdout and "verified" in result.stdout
    assert "family proof for person" in result.stdout
    assert "erased" in result.stdout and "no proof can be made any more" in result.stdout
    return out


def _demo_people(demo: Path) -> list[dict[str, str]]:
    """Every demo record's personal fields, opened with the demo's data key."""
    app = bootstrap(Settings.for_directory(demo / "int"), migrate=False)
    try:
        with app.read() as conn:
            rows = conn.execute(select(source_records.c.id, source_records.c.sealed)
                                .where(source_records.c.sealed.is_not(None))).all()
        return [app.cipher.open(r.sealed, row_id=r.id) for r in rows]
    finally:
        app.close()


def test_demo_bundle_verifies_and_names_nobody(demo: Path) -> None:
    bundle = demo / "bundle"
    assert (bundle / names.REPORT).is_file()
    result = verify_bundle(bundle)
    assert result.ok, result.failure
    assert result.stages > 0 and result.figures > 0
    people = _demo_people(demo)
    assert people
    texts = {name: (bundle / name).read_text(encoding="utf-8")
             for name in (names.REPORT, names.FIGURES_CSV, names.TOTALS, names.STAGES,
                          names.STATEMENTS, names.EVENTS)}
    human = (names.REPORT, names.FIGURES_CSV)
    for record in people:
        for field in PERSONAL:
            value = record.get(field)
            if not value:
                continue
            # whole words only: a birth year "2004" inside a hash is no leak; a bare year
            # is looked for where people read (it would collide with counts elsewhere)
            pattern = re.compile(rf"(?<!\w){re.escape(value)}(?!\w)")
            where = human if value.isdigit() else tuple(texts)
            for name in where:
                text = texts[name]
                assert value not in text or not pattern.search(text), \
                    f"{field} {value!r} of a demo person is in {name}"


def test_demo_bundle_changed_byte_is_caught(parley: Run, demo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "bundle"
    shutil.copytree(demo / "bundle", copy)
    raw = bytearray((copy / names.EVENTS).read_bytes())
    raw[len(raw) // 2] ^= 0x01
    (copy / names.EVENTS).write_bytes(bytes(raw))
    failed = parley(["verify", str(copy)], env={})
    assert failed.returncode == 6 and "events.jsonl" in failed.stderr


def test_demo_family_proof_verifies_against_the_final_bundle(parley: Run, demo: Path) -> None:
    checked = parley(["verify", str(demo / "bundle"), "--proof",
                      str(demo / "family-proof.json")], env={})
    assert checked.returncode == 0, checked.stderr
    assert "proof verified" in checked.stdout
    assert "handed over in stage" in checked.stdout


def test_a_family_of_the_dead_gets_a_proof_for_the_remains(parley: Run, demo: Path,
                                                           tmp_path: Path) -> None:
    from parley.store.tables import remains_cases

    app = bootstrap(Settings.for_directory(demo / "int"), migrate=False)
    try:
        with app.read() as conn:
            person = conn.execute(select(remains_cases.c.person_id)
                                  .where(remains_cases.c.person_id.is_not(None))
                                  .order_by(remains_cases.c.case_number)).scalars().first()
    finally:
        app.close()
    assert person is not None
    env = {"PARLEY_DATABASE_URL": f"sqlite:///{demo / 'int' / 'parley.db'}",
           "PARLEY_KEY_DIR": str(demo / "int" / "keys")}
    proof = tmp_path / "remains-proof.json"
    made = parley(["proof", person, "--out", str(proof)], env=env)
    assert made.returncode == 0, made.stderr
    # the proof says "handed over in stage N" and nothing else: not even "remains" (the
    # head lists every category of the stage alike)
    opened = {k: v for k, v in json.loads(proof.read_text()).items() if k != "stage_head"}
    assert "handed over in stage" in made.stdout and "remains" not in json.dumps(opened)
    checked = parley(["verify", str(demo / "bundle"), "--proof", str(proof)], env={})
    assert checked.returncode == 0, checked.stderr
