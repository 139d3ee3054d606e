"""Schemathesis against /openapi.json of a real server: no 500s, no schema violations,
and its object-level authorisation check between the two parties' tokens."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.services.people import access
from parley.services.people.access import Principal
from tests.api_server import build_exchange_world, serving

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def run_schemathesis(base: str, tokens: dict[str, str], workdir: Path, *,
                     max_examples: int, user: str | None = None, checks: str = "all",
                     only_paths: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `schemathesis run` with every check, as each party in turn (WFC peers).

    The object-level authorisation check replays a read of an object one peer owns (one
    its own listing shows and the other peer's does not, or one it created) as the other
    peer, and fails when that peer gets the same object. Unpinned, every operation keeps
    the first identity that is not refused with 401/403 (ours answer 404), so ``ua`` owns
    and ``ru`` probes; ``user`` pins the owner to run the other way round.
    """
    wfc = {"auth": [
        {"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {token}"}]}
        for name, token in tokens.items()]}
    (workdir / "wfc.json").write_text(json.dumps(wfc))
    pinned = f'user = "{user}"\n' if user else ""
    # A schema-valid body may still be refused for what it means (a statement dated
    # before its agreement, a party importing in another party's name): 422 there is
    # the right answer, so positive data may meet it; so is 428 for a party's write whose
    # key is on the party's own machine (docs/protocol.md). No 5xx is accepted anywhere.
    (workdir / "schemathesis.toml").write_text(
        f'[auth.wfc]\npath = "wfc.json"\npeers = ["ua", "ru"]\n{pinned}\n'
        '[checks.positive_data_acceptance]\n'
        'expected-statuses = ["2XX", "3XX", 401, 403, 404, 409, 422, 428, 429]\n')
    only = ["--include-path-regex", only_paths] if only_paths else []
    return subprocess.run(
        [str(SCHEMATHESIS), "run", f"{base}/openapi.json", "--checks", checks,
         "--max-examples", str(max_examples), "--phases", "examples,coverage,fuzzing,stateful",
         "--workers", "1", "--seed", "8", "--warnings", "off", "--no-color", *only],
        cwd=workdir, capture_output=True, text=True, timeout=900, check=False)


@pytest.mark.slow
def test_schemathesis_finds_nothing(app: App, tmp_path: Path) -> None:
    world = build_exchange_world(app)
    tokens = {"ua": world.tokens["ua"], "ru": world.tokens["ru"], "int": world.tokens["int"]}
    with serving(app) as srv:
        result = run_schemathesis(srv.base, tokens, tmp_path, max_examples=25)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def _any_party_sees_any_list(viewer: Principal, list_party: str | None) -> bool:
    """A bug to plant: the list check forgets whose list it is."""
    return viewer.role in ("intermediary", "party")


def _any_party_sees_any_person(conn: Connection, viewer: Principal,
                               person_ids: Sequence[str]) -> set[str]:
    """A bug to plant: the person check lets every party through."""
    return set(person_ids) if viewer.role in ("intermediary", "party") else set()


LEAKS = {"lists": ("may_see_list", _any_party_sees_any_list, "List"),
         "persons": ("visible_person_ids", _any_party_sees_any_person, "PersonRef")}


# Every leak in both directions; the sound runs as `ru` only (unpinned, the full run
# above has `ua` own every object).
CASES = [(resource, owner, peer, True) for resource in sorted(LEAKS)
         for owner, peer in (("ua", "ru"), ("ru", "ua"))] + \
        [(resource, "ru", "ua", False) for resource in sorted(LEAKS)]


@pytest.mark.parametrize("resource,owner,peer,planted", CASES,
                         ids=[f"{r}-{o}-{'leak' if p else 'sound'}" for r, o, _, p in CASES])
def test_the_object_level_check_catches_a_leak_between_the_parties(
        sqlite_app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, resource: str,
        owner: str, peer: str, planted: bool) -> None:
    """With one object check broken, schemathesis reports that one party received the
    other's object, in both directions; without the bug, the same run finds nothing.
    Lists and persons are where parties own objects the other may not see: a party's
    listing shows its own only."""
    world = build_exchange_world(sqlite_app)
    check, broken, name = LEAKS[resource]
    if planted:
        monkeypatch.setattr(access, check, broken)
    tokens = {"ua": world.tokens["ua"], "ru": world.tokens["ru"], "int": world.tokens["int"]}
    with serving(sqlite_app) as srv:
        result = run_schemathesis(srv.base, tokens, tmp_path, max_examples=10, user=owner,
                                  checks="object_level_authorization",
                                  only_paths=f"^/api/v1/{resource}")
    output = result.stdout + result.stderr
    if planted:
        assert result.returncode == 1, output[-4000:]
        assert "Object-level authorization bypass" in output
        assert f"`{peer}` received the `{name}` that `{owner}` owns" in output
    else:
        assert result.returncode == 0, output[-4000:]
        assert "Object-level authorization bypass" not in output
