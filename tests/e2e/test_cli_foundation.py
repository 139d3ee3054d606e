"""The foundation's commands as a user runs them: demo, ledger verify, clear failures."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

Run = Callable[..., CompletedProcess[str]]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.e2e.conftest import run_parley

    out = tmp_path_factory.mktemp("demo") / "demo"
    result = run_parley(["demo", "--out", str(out)])
    assert result.returncode == 0, result.stderr
    assert "ledger verified" in result.stdout
    return out


def _env(demo: Path) -> dict[str, str]:
    return {"PARLEY_DATABASE_URL": f"sqlite:///{demo / 'int' / 'parley.db'}",
            "PARLEY_KEY_DIR": str(demo / "int" / "keys")}


def test_ledger_verify_passes_on_demo_then_names_a_changed_event(
        parley: Run, demo_dir: Path, tmp_path: Path) -> None:
    ok = parley(["ledger", "verify"], env=_env(demo_dir))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("ledger verified:")

    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "parley.db").write_bytes((demo_dir / "int" / "parley.db").read_bytes())
    with sqlite3.connect(copy / "parley.db") as db:
        payload = db.execute("SELECT payload FROM events WHERE seq = 7").fetchone()[0]
        db.execute("UPDATE events SET payload = ? WHERE seq = 7",
                   (payload.replace('"', "'", 1),))
    env = {**_env(demo_dir), "PARLEY_DATABASE_URL": f"sqlite:///{copy / 'parley.db'}"}
    bad = parley(["ledger", "verify"], env=env)
    assert bad.returncode == 6
    assert bad.stderr.startswith("error: ledger does not verify: event 7 (")
    assert "Traceback" not in bad.stderr


def test_bad_database_url_is_one_clear_line(parley: Run) -> None:
    result = parley(["ledger", "verify"], env={"PARLEY_DATABASE_URL": "nonsense://"})
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "unsupported database 'nonsense'" in result.stderr or "not a database URL" in \
        result.stderr


def test_unreachable_postgres_is_one_clear_line(parley: Run) -> None:
    result = parley(["ledger", "verify"], env={
        "PARLEY_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    assert result.returncode == 3
    assert result.stderr.startswith("error: cannot use the database at postgresql+psycopg://")
    assert "Traceback" not in result.stderr


def test_uninitialised_database_says_what_to_run(parley: Run, tmp_path: Path) -> None:
    result = parley(["ledger", "verify"], env={
        "PARLEY_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
        "PARLEY_KEY_DIR": str(tmp_path / "keys")})
    assert result.returncode == 3
    assert "run `parley db upgrade`" in result.stderr


def test_corrupt_key_file_is_named(parley: Run, tmp_path: Path) -> None:
    env = {"PARLEY_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
           "PARLEY_KEY_DIR": str(tmp_path / "keys")}
    first = parley(["keys", "init", "int-tracing", "--party", "INT",
                    "--party-title", "Neutral intermediary", "--kind", "intermediary"], env=env)
    assert first.returncode == 0, first.stderr
    key = tmp_path / "keys" / "actors" / "int-tracing.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n")
    second = parley(["keys", "init", "int-officer-2", "--party", "INT"], env=env)
    assert second.returncode == 0, second.stderr  # a new actor does not need the old key
    third = parley(["keys", "init", "int-tracing", "--party", "INT"], env=env)
    assert third.returncode != 0
    assert f"key file {key} is not a valid private key" in third.stderr
    assert "Traceback" not in third.stderr


def test_db_upgrade_from_empty(parley: Run, tmp_path: Path) -> None:
    env = {"PARLEY_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    result = parley(["db", "upgrade"], env=env)
    assert result.returncode == 0, result.stderr
    assert "schema empty → " in result.stdout
