"""`parley agreement load` and `parley stage` as a user runs them: exact messages for bad
agreement files, exit code 2, and nothing recorded."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from tests.e2e.conftest import run_parley

Run = Callable[..., CompletedProcess[str]]
ISTANBUL = Path(__file__).resolve().parents[3] / "src/parley/synth/istanbul_2025.yaml"
TERMS = ISTANBUL.read_text()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("exchange-cli")
    env = {"PARLEY_DATA_DIR": str(data)}
    for args in (["int-tracing", "--party", "INT", "--party-title", "Neutral intermediary",
                  "--kind", "intermediary"],
                 ["ua-coordination", "--party", "UA", "--party-title", "Ukraine"],
                 ["ru-coordination", "--party", "RU", "--party-title", "Russia"]):
        result = run_parley(["keys", "init", *args], env=env)
        assert result.returncode == 0, result.stderr
    return env


def _agreements(env: dict[str, str]) -> int:
    with sqlite3.connect(Path(env["PARLEY_DATA_DIR"]) / "parley.db") as db:
        return int(db.execute("SELECT count(*) FROM agreements").fetchone()[0])


BAD = [
    ("unknown-category-rule", ("seriously_wounded_or_sick: true", "officer: true"),
     "categories[0] (wounded_sick): rule: unknown rule 'officer' (known: age, "
     "seriously_wounded_or_sick, civilian, deceased, named, listed_in, all, any, not)"),
    ("contradictory", ("- civilian: false", "- civilian: true\n        - civilian: false"),
     "categories[1] (young): rule: contradictory: civilian is required to be both true "
     "and false"),
    ("dates-in-wrong-order", ("to: 2025-12-31", "to: 2025-06-01"),
     "stages.to: 2025-06-01 is before stages.from 2025-06-09"),
    ("ages-in-wrong-order", ("from: 18, to: 25", "from: 25, to: 18"),
     "categories[1] (young): rule.all[0].age: from 25 to 18: the ages are in the wrong order"),
    ("ratio-cannot-be-met", ("ratio: 6000 for 6000", "ratio: 6000 for 5000"),
     "categories[2] (remains): ratio: '6000 for 5000' cannot be met: each side gives the "
     "same number (N for N) or use a rank scale"),
    ("unsigned", ("  RU: ru-coordination\n", ""),
     "signatories: the agreement is unsigned by RU: name its signing actor"),
]


@pytest.mark.parametrize(("name", "change", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_agreement_files(env: dict[str, str], tmp_path: Path, name: str,
                             change: tuple[str, str], message: str) -> None:
    text = TERMS.replace(*change)
    assert text != TERMS
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    result = run_parley(["agreement", "load", str(path), "--actor", "int-tracing"], env=env)
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"error: {path}: {message}\n"
    assert result.stdout == ""
    assert _agreements(env) == 0


def test_unknown_signatory_and_missing_file(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(TERMS.replace("RU: ru-coordination", "RU: ru-nobody"))
    result = run_parley(["agreement", "load", str(path)], env=env)
    assert result.returncode == 2
    assert result.stderr == (f"error: {path}: signatories.RU: actor ru-nobody is not a "
                             "registered actor of RU\n")
    missing = run_parley(["agreement", "load", str(tmp_path / "none.yaml")], env=env)
    assert missing.returncode == 2
    assert missing.stderr == f"error: {tmp_path / 'none.yaml'}: no such file\n"
    assert _agreements(env) == 0


def test_load_sign_plan(env: dict[str, str]) -> None:
    loaded = run_parley(["agreement", "load", str(ISTANBUL)], env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "awaiting UA, RU" in loaded.stdout
    early = run_parley(["stage", "plan", "--agreement", "istanbul-2025", "--date",
                        "2025-06-09", "--capacity", "10"], env=env)
    assert early.returncode == 5
    assert early.stderr == ("error: agreement istanbul-2025 is not active: awaiting the "
                            "signature of UA, RU\n")
    for actor in ("ua-coordination", "ru-coordination"):
        signed = run_parley(["agreement", "sign", "istanbul-2025", "--actor", actor], env=env)
        assert signed.returncode == 0, signed.stderr
    assert "active" in signed.stdout
    planned = run_parley(["stage", "plan", "--agreement", "istanbul-2025", "--date",
                          "2025-06-09", "--capacity", "10"], env=env)
    assert planned.returncode == 0, planned.stderr
    assert planned.stdout.startswith("stage 1 (2025-06-09) planned as ")
    stage_id = planned.stdout.split(" planned as ")[1].split(":")[0]
    wrong = run_parley(["stage", "confirm", stage_id, "someone", "--actor", "ua-coordination"],
                       env=env)
    assert wrong.returncode == 5
    assert wrong.stderr.startswith("error: person someone is not on the list of stage 1;")
    bad_date = run_parley(["stage", "plan", "--agreement", "istanbul-2025", "--date",
                           "2025-13-01", "--capacity", "10"], env=env)
    assert (bad_date.returncode, bad_date.stderr) == (
        2, "error: stage date '2025-13-01' is not a date (YYYY-MM-DD)\n")
