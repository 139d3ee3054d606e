"""`parley keys list --json`, rotate and revoke, and `parley ledger verify` after them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.conftest import run_parley


def test_keys_list_rotate_revoke(tmp_path: Path) -> None:
    env = {"PARLEY_DATA_DIR": str(tmp_path / "data")}
    for actor, party, title, kind in (("int-tracing", "INT", "Intermediary", "intermediary"),
                                      ("ua-a", "UA", "Ukraine", "party")):
        done = run_parley(["keys", "init", actor, "--party", party, "--party-title", title,
                           "--kind", kind], env=env)
        assert done.returncode == 0, done.stderr
    assert run_parley(["keys", "init", "ua-b", "--party", "UA"], env=env).returncode == 0
    listed = run_parley(["keys", "list", "--json"], env=env)
    assert listed.returncode == 0, listed.stderr
    keys = json.loads(listed.stdout)
    assert {k["actor"] for k in keys} == {"int-tracing", "ua-a", "ua-b"}
    assert all(k["private"] for k in keys)
    ua_a = next(k for k in keys if k["actor"] == "ua-a")
    assert ua_a["party"] == "UA" and ua_a["kind"] == "party" and len(ua_a["key_id"]) == 16
    assert len(ua_a["public_key"]) == 64

    rotated = run_parley(["keys", "rotate", "ua-a"], env=env)
    assert rotated.returncode == 0, rotated.stderr
    keys = json.loads(run_parley(["keys", "list", "--json"], env=env).stdout)
    old = next(k for k in keys if k["key_id"] == ua_a["key_id"])
    assert old["revoked_from"] and not old["private"]
    new = next(k for k in keys if k["actor"] == "ua-a" and k["key_id"] != ua_a["key_id"])
    assert new["private"] and new["revoked_from"] is None

    # Another officer of UA revokes ua-a's (new) key; ua-a can no longer sign.
    revoked = run_parley(["keys", "revoke", new["key_id"], "--by", "ua-b", "--reason",
                          "laptop lost"], env=env)
    assert revoked.returncode == 0, revoked.stderr
    again = run_parley(["keys", "rotate", "ua-a"], env=env)
    assert again.returncode == 2 and "revoked" in again.stderr
    assert "Traceback" not in again.stderr
    # An officer of another party may not revoke UA's keys.
    foreign = run_parley(["keys", "revoke", ua_a["key_id"], "--by", "int-tracing",
                          "--reason", "x"], env=env)
    assert foreign.returncode == 2 and "same party" in foreign.stderr
    verified = run_parley(["ledger", "verify"], env=env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
