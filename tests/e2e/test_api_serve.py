"""`parley users`, `parley tokens` and `parley serve` as a user runs them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

from tests.e2e.conftest import PARLEY, run_parley


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_users_tokens_and_serve(tmp_path: Path) -> None:
    env = {"PARLEY_DATA_DIR": str(tmp_path / "data")}
    assert run_parley(["keys", "init", "int-tracing", "--party", "INT", "--party-title",
                       "Neutral intermediary", "--kind", "intermediary"], env=env).returncode == 0
    assert run_parley(["keys", "init", "ua-coordination", "--party", "UA", "--party-title",
                       "Ukraine"], env=env).returncode == 0
    added = run_parley(["users", "add", "ua-office", "--role", "party", "--party", "UA"],
                       env=env)
    assert added.returncode == 0, added.stderr
    assert "password (shown once):" in added.stdout
    bad = run_parley(["users", "add", "x", "--role", "party", "--party", "UA"], env=env)
    assert bad.returncode == 2 and "username" in bad.stderr and "Traceback" not in bad.stderr
    wrong = run_parley(["users", "add", "officer", "--role", "intermediary", "--party", "UA"],
                       env=env)
    assert wrong.returncode == 2 and "does not fit party UA" in wrong.stderr
    created = run_parley(["tokens", "create", "ua-office", "--label", "e2e", "--days", "1"],
                         env=env)
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("parley_") and len(token) > 40
    listed = run_parley(["tokens", "list"], env=env)
    assert "ua-office" in listed.stdout and token not in listed.stdout
    assert token not in (tmp_path / "data" / "parley.db").read_bytes().decode("latin-1")

    port = _free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    full_env.update(env)
    refused = subprocess.run([str(PARLEY), "serve", "--port", str(port)], env=full_env,
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 3, refused.stderr
    assert "ua-coordination (UA)" in refused.stderr and "Traceback" not in refused.stderr
    server = subprocess.Popen([str(PARLEY), "serve", "--all-keys-here", "--port", str(port)],
                              env=full_env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "parley serve did not start"
                time.sleep(0.2)
        me = httpx.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json() == {"role": "party", "name": "ua-office", "party": "UA",
                             "actor": "ua-coordination"}
        token_id = listed.stdout.split()[0]
        assert run_parley(["tokens", "revoke", token_id], env=env).returncode == 0
        again = httpx.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert again.status_code == 401
        home = httpx.get(f"{base}/", headers={"Accept-Language": "uk"})
        assert "Запит про родича" in home.text
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.communicate(timeout=30)
