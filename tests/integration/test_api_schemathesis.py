"""Schemathesis against /openapi.json of a real server: no 500s, no schema violations,
and its object-level authorisation check between the two parties' tokens."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from parley.bootstrap import App
from tests.api_server import build_exchange_world, serving

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def run_schemathesis(base: str, tokens: dict[str, str], workdir: Path, *,
                     max_examples: int) -> subprocess.CompletedProcess[str]:
    """Run `schemathesis run` with every check, as each party in turn (WFC peers)."""
    wfc = {"auth": [
        {"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {token}"}]}
        for name, token in tokens.items()]}
    (workdir / "wfc.json").write_text(json.dumps(wfc))
    # A schema-valid body may still be refused for what it means (a statement dated
    # before its agreement, a party importing in another party's name): 422 there is
    # the right answer, so positive data may meet it. No 5xx is accepted anywhere.
    (workdir / "schemathesis.toml").write_text(
        '[auth.wfc]\npath = "wfc.json"\npeers = ["ua", "ru"]\n\n'
        '[checks.positive_data_acceptance]\n'
        'expected-statuses = ["2XX", "3XX", 401, 403, 404, 409, 422, 429]\n')
    return subprocess.run(
        [str(SCHEMATHESIS), "run", f"{base}/openapi.json", "--checks", "all",
         "--max-examples", str(max_examples), "--phases", "examples,coverage,fuzzing,stateful",
         "--workers", "1", "--seed", "8", "--warnings", "off", "--no-color"],
        cwd=workdir, capture_output=True, text=True, timeout=900, check=False)


@pytest.mark.slow
def test_schemathesis_finds_nothing(app: App, tmp_path: Path) -> None:
    world = build_exchange_world(app)
    tokens = {"ua": world.tokens["ua"], "ru": world.tokens["ru"], "int": world.tokens["int"]}
    with serving(app) as srv:
        result = run_schemathesis(srv.base, tokens, tmp_path, max_examples=25)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
