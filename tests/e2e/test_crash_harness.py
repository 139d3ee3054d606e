"""The crash harness, short: a real `parley serve` killed with SIGKILL under concurrent
imports, handover confirmations and inquiries; nothing acknowledged is lost, nothing is
done twice, and the harness catches the two deliberately broken builds.

The longer run (50 kills and more on each database) is `bench/crash.py`; its figures
are in the README and docs/reliability.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bench.crash import Config, Report, run


def _admin_postgres() -> str:
    url = os.environ.get("PARLEY_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("PARLEY_REQUIRE_POSTGRES"):
            pytest.fail("PARLEY_REQUIRE_POSTGRES is set but PARLEY_TEST_POSTGRES_URL is not")
        pytest.skip("PostgreSQL not configured (set PARLEY_TEST_POSTGRES_URL)")
    return url


def _explain(report: Report) -> str:
    return "\n".join(report.lines())


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_kills_lose_nothing_and_duplicate_nothing(backend: str, tmp_path: Path) -> None:
    postgres = _admin_postgres() if backend == "postgres" else None
    report = run(Config(kills=3, clients=4, persons=12, min_up=0.4, max_up=1.2,
                        postgres=postgres, workdir=tmp_path / "crash", seed=3))
    assert report.ok, _explain(report)
    assert report.kills == 3
    assert set(report.acked) == {"import", "confirm", "inquiry"}, _explain(report)
    assert report.events > 0


@pytest.mark.slow
def test_harness_catches_answers_sent_before_the_commit(tmp_path: Path) -> None:
    # Killed right after an acknowledgement, as the bench does half the time.
    report = run(Config(kills=6, clients=4, persons=12, min_up=0.6, max_up=1.2,
                        after_ack=1.0, broken="ack-before-commit", stop_on_failure=True,
                        workdir=tmp_path / "crash", seed=4))
    assert not report.ok
    assert report.findings.lost, _explain(report)


@pytest.mark.slow
def test_harness_catches_ignored_idempotency_keys(tmp_path: Path) -> None:
    report = run(Config(kills=6, clients=4, persons=12, min_up=0.6, max_up=1.2,
                        abandon=0.35, broken="no-idempotency", stop_on_failure=True,
                        workdir=tmp_path / "crash", seed=5))
    assert not report.ok
    assert report.findings.duplicated or report.findings.wrong_answers, _explain(report)
