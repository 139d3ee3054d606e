"""Three machines, three processes: the hub's `parley serve` and two party nodes with
their own data directories and keys run a whole stage, from signing the agreement to
cosigned stage heads. No party's private key is ever on the hub."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from parley.bootstrap import bootstrap
from parley.domain.records import RecordInput
from parley.services.exchange.agreements import load_agreement
from parley.services.exchange.handover import close_stage, confirm_handover
from parley.services.exchange.stages import plan_stage
from parley.services.exchange.verification import confirm_eligibility, record_interview
from parley.services.intake.lists import ListMeta, record_list
from parley.services.people.organisation import add_party, register_party
from parley.services.people.users import add_user, create_token
from parley.settings import Settings
from tests.e2e.conftest import PARLEY, run_parley
from tests.integration.exchange.builders import ISTANBUL, YOUNG

INT_ACTOR = "int-tracing"
ACTORS = {"UA": "ua-coordination", "RU": "ru-coordination"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _people(hub: Settings, *, holder: str, tag: str) -> list[str]:
    from sqlalchemy import select

    from parley.store.tables import record_links

    records = [RecordInput(row_number=i + 2, fields={
        "record_id": f"{tag}-{i}", "surname": f"Surname{tag}{i}", "given_name": "Ivan",
        "birth_date": YOUNG, "service_number": f"{tag}{i:06d}", "rank": "soldier",
        "status": "captured"}) for i in range(2)]
    with bootstrap(hub) as app:
        recorded = record_list(app, meta=ListMeta(
            source=f"{tag}-capture-cards", kind="capture_card", file_name=f"{tag}.csv",
            file_sha256=tag * 32, party=holder, rows=2), records=records, actor=INT_ACTOR,
            one_person_per_record=True)
        with app.read() as conn:
            links = {r.record_id: r.person_id for r in conn.execute(select(record_links))}
    return [links[r] for r in recorded.record_ids]


@pytest.fixture
def hub(database_url: str, tmp_path: Path) -> Iterator[tuple[Settings, str, dict[str, Path]]]:
    """The intermediary's hub: its own key only, the parties registered without actors,
    a party office user and token each; served by a real `parley serve`."""
    settings = Settings(database_url=database_url, key_dir=tmp_path / "int" / "keys")
    tokens: dict[str, Path] = {}
    with bootstrap(settings) as app:
        register_party(app, code="INT", title="Neutral intermediary", kind="intermediary",
                       actor=INT_ACTOR)
        for code, title in (("UA", "Ukraine"), ("RU", "Russian Federation")):
            add_party(app, code=code, title=title, kind="party", by=INT_ACTOR)
            add_user(app, username=f"{code.lower()}-office", role="party", party=code)
            path = tmp_path / f"{code.lower()}.token"
            path.write_text(create_token(app, username=f"{code.lower()}-office").secret)
            tokens[code] = path
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env.update(PARLEY_DATABASE_URL=database_url, PARLEY_KEY_DIR=str(settings.key_dir))
    log = (tmp_path / "hub.log").open("wb")
    proc = subprocess.Popen([str(PARLEY), "serve", "--port", str(port)], env=env,
                            stdout=log, stderr=log, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "hub.log").read_text()
            try:
                httpx.get(f"{base}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the hub did not start"
                time.sleep(0.2)
        yield settings, base, tokens
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _node(tmp_path: Path, code: str) -> dict[str, str]:
    return {"PARLEY_DATA_DIR": str(tmp_path / code.lower())}


def _ok(args: list[str], env: dict[str, str]) -> str:
    done = run_parley(args, env=env)
    assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    assert "Traceback" not in done.stderr
    return done.stdout


def test_a_stage_on_three_machines(hub: tuple[Settings, str, dict[str, Path]],
                                   tmp_path: Path) -> None:
    settings, base, tokens = hub
    nodes = {code: _node(tmp_path, code) for code in ("UA", "RU")}
    for code, env in nodes.items():
        out = _ok(["node", "init", "--hub", base, "--token-file", str(tokens[code]),
                   "--actor", ACTORS[code]], env)
        assert f"node of {code}" in out
    ua_people = _people(settings, holder="RU", tag="ua")
    ru_people = _people(settings, holder="UA", tag="ru")
    with bootstrap(settings) as app:
        agreement = load_agreement(app, path=ISTANBUL, actor=INT_ACTOR).id

    for code, env in nodes.items():
        assert "signed agreement.signed" in _ok(["node", "sign-agreement", agreement], env)
    own = {"UA": ua_people, "RU": ru_people}
    for code, env in nodes.items():
        _ok(["node", "nominate", agreement, *own[code]], env)
        _ok(["node", "verify-identity", agreement, *own[code]], env)
    with bootstrap(settings) as app:
        everyone = ua_people + ru_people
        confirm_eligibility(app, agreement_id=agreement, person_ids=everyone, actor=INT_ACTOR)
        for pid in everyone:
            record_interview(app, agreement_id=agreement, person_id=pid, outcome="wishes",
                             actor=INT_ACTOR)
        stage = plan_stage(app, agreement_id=agreement, stage_date="2025-06-10", capacity=10,
                           actor=INT_ACTOR).stage.id
        confirm_handover(app, stage_id=stage, person_ids=everyone, actor=INT_ACTOR)
    # Each party confirms sending its captives and receiving its own people, at the
    # crossing's time (occurred_at), signed on its node.
    for code, env in nodes.items():
        out = _ok(["node", "confirm", stage, *ua_people, *ru_people, "--occurred-at",
                   "2025-06-10T09:30:00.000000Z"], env)
        assert "signed handover.confirmed" in out
    _ok(["node", "statement", agreement, "--date", "2025-06-10", "--source", "press",
         "--claims", json.dumps({"RU->UA": {"young": 2}}), "--stage", "1"], nodes["UA"])

    with bootstrap(settings) as app:
        first = close_stage(app, stage_id=stage, actor=INT_ACTOR)
        assert first.awaiting == ["RU", "UA"] and first.event_seq == 0
    for env in nodes.values():
        assert "cosigned" in _ok(["node", "cosign", stage], env)
    with bootstrap(settings) as app:
        closed = close_stage(app, stage_id=stage, actor=INT_ACTOR)
    assert not closed.awaiting and closed.event_seq > 0
    for item in closed.heads:
        assert {c["party"] for c in item["cosignatures"]} == {"INT", "RU", "UA"}

    hub_env = {"PARLEY_DATABASE_URL": settings.database_url,
               "PARLEY_KEY_DIR": str(settings.key_dir)}
    _ok(["ledger", "verify"], hub_env)
    keys = json.loads(_ok(["keys", "list", "--json"], hub_env))
    private = {k["actor"]: k["private"] for k in keys}
    assert private == {INT_ACTOR: True, ACTORS["UA"]: False, ACTORS["RU"]: False}
    # Each machine holds its own key and no other.
    assert sorted(p.name for p in (settings.key_dir / "actors").iterdir()) == \
        [f"{INT_ACTOR}.pem"]
    for code in ("UA", "RU"):
        held = sorted(p.name for p in (tmp_path / code.lower() / "keys" / "actors").iterdir())
        assert held == [f"{ACTORS[code]}.pem"]
        _ok(["ledger", "verify"], nodes[code])
    # The hub's events name the parties' keys and the crossing's time.
    with bootstrap(settings) as app:
        from sqlalchemy import select

        from parley.store.tables import events
        with app.read() as conn:
            rows = conn.execute(select(events.c.actor, events.c.occurred_at).where(
                events.c.type == "handover.confirmed")).all()
    party_rows = [r for r in rows if r.actor != INT_ACTOR]
    assert party_rows and all(r.occurred_at == "2025-06-10T09:30:00.000000Z"
                              for r in party_rows)
