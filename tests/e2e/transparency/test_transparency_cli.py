"""The transparency commands as a user runs them: publish, verify, proof, erase, hold."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from parley.reports import bundle as names
from tests.e2e.transparency.conftest import Exchange

Run = Callable[..., CompletedProcess[str]]


def test_publish_verify_prove_and_erase(parley: Run, exchange: Exchange,
                                        tmp_path: Path) -> None:
    env = exchange.env
    bundle = tmp_path / "bundle"
    published = parley(["publish", "--out", str(bundle), "--k", "3"], env=env)
    assert published.returncode == 0, published.stderr
    assert "bundle written to" in published.stdout

    verified = parley(["verify", str(bundle)], env={})
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("bundle verified:")
    assert "2 stages with 6 cosignatures" in verified.stdout

    # one changed count: exit 6, one line naming the figure
    broken = tmp_path / "broken"
    shutil.copytree(bundle, broken)
    stages = (broken / names.STAGES).read_bytes()
    (broken / names.STAGES).write_bytes(stages.replace(b'"count": 5', b'"count": 4', 1))
    failed = parley(["verify", str(broken)], env={})
    assert failed.returncode == 6
    assert failed.stderr.startswith("error: does not verify: stages.json: stage 1 (")
    assert "figure RU->UA *: count 4 but 5 leaves" in failed.stderr
    assert "Traceback" not in failed.stderr

    person = exchange.scenario.handed[exchange.scenario.stages[0]][0]
    proof = tmp_path / "family" / "proof.json"
    made = parley(["proof", person, "--out", str(proof)], env=env)
    assert made.returncode == 0, made.stderr
    checked = parley(["verify", str(bundle), "--proof", str(proof)], env={})
    assert checked.returncode == 0, checked.stderr
    assert "proof verified" in checked.stdout

    refused = parley(["erase", person, "--reason", "DP request 17"], env=env)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    erased = parley(["erase", person, "--reason", "DP request 17", "--yes"], env=env)
    assert erased.returncode == 0, erased.stderr
    again = parley(["proof", person, "--out", str(tmp_path / "again.json")], env=env)
    assert again.returncode == 5 and "erased" in again.stderr

    republished = parley(["publish", "--out", str(bundle), "--k", "3"], env=env)
    assert republished.returncode == 0, republished.stderr
    after = parley(["verify", str(bundle)], env={})
    assert after.returncode == 0, after.stderr
    assert person not in "".join(p.read_text() for p in bundle.iterdir())
    # the family's earlier proof still shows the handover
    kept = parley(["verify", str(bundle), "--proof", str(proof)], env={})
    assert kept.returncode == 0, kept.stderr


def test_hold_and_release_a_stage(parley: Run, exchange: Exchange, tmp_path: Path) -> None:
    env = exchange.env
    stage = exchange.scenario.stages[1]
    held = parley(["publish", "hold", stage, "--until", "2099-12-31", "--reason",
                   "security of the next handover"], env=env)
    assert held.returncode == 0, held.stderr
    bundle = tmp_path / "bundle"
    assert parley(["publish", "--out", str(bundle)], env=env).returncode == 0
    verified = parley(["verify", str(bundle)], env={})
    assert verified.returncode == 0, verified.stderr
    assert "1 stages with 3 cosignatures" in verified.stdout
    assert "withheld until 2099-12-31" in (bundle / names.REPORT).read_text()
    released = parley(["publish", "release", stage, "--reason", "agreed"], env=env)
    assert released.returncode == 0, released.stderr
    assert parley(["publish", "--out", str(bundle)], env=env).returncode == 0
    assert "2 stages with 6 cosignatures" in parley(["verify", str(bundle)], env={}).stdout


def test_bad_input_is_one_line(parley: Run, exchange: Exchange, tmp_path: Path) -> None:
    missing = parley(["verify", str(tmp_path / "nothing")], env={})
    assert missing.returncode == 6 and "not a directory holding a bundle" in missing.stderr
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    refused = parley(["publish", "--out", str(tmp_path / "full")], env=exchange.env)
    assert refused.returncode == 2 and "holds no earlier bundle" in refused.stderr
    bad_date = parley(["publish", "hold", exchange.scenario.stages[0], "--until", "soon",
                       "--reason", "x"], env=exchange.env)
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr
    unknown = parley(["proof", "no-such-person", "--out", str(tmp_path / "p.json")],
                     env=exchange.env)
    assert unknown.returncode == 4 and "not known" in unknown.stderr
    for result in (missing, refused, bad_date, unknown):
        assert "Traceback" not in result.stderr
        assert result.stderr.strip().count("\n") == 0
