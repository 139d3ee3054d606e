"""`parley demo` runs the Istanbul 2025 scenario: the stage table on screen and in
summary.json, every figure traced to the events, no personal data in the clear."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.e2e.conftest import run_parley

DATES = ["2025-06-09", "2025-06-10", "2025-06-12", "2025-06-14", "2025-06-20",
         "2025-06-26", "2025-07-04"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("exchange-demo") / "demo"
    result = run_parley(["demo", "--out", str(out)])
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def test_the_stage_table_is_printed_and_traced(demo: tuple[Path, str]) -> None:
    _, stdout = demo
    assert "stage date       direction category" in stdout
    assert "every figure of the table recounted from the signed events: all agree" in stdout
    assert "ledger verified" in stdout
    for story in ("count_mismatch", "not_handed_over", "carried the dispute to stage 4",
                  "not_nominated", "remains cases identified"):
        assert story in stdout


def test_summary_json(demo: tuple[Path, str]) -> None:
    out, _ = demo
    summary = json.loads((out / "summary.json").read_text())
    assert summary["figures_traced_to_events"] is True
    stages = summary["stages"]
    assert [s["date"] for s in stages] == DATES
    assert all(s["status"] == "closed" for s in stages)
    declined = 0
    for stage in stages:
        for direction, row in stage["directions"].items():
            for code, figures in row.items():
                assert set(figures) == {"nominated", "verified", "declined", "handed_over",
                                        "open_discrepancies"}
                assert figures["open_discrepancies"] == 0
                assert figures["handed_over"] == stage["signed_totals"][direction][code]
                declined += figures["declined"]
    assert declined > 0
    assert {s["party"] for s in summary["statements"]} == {"UA", "RU"}
    assert summary["person_statuses"]["deceased"] >= 1
    assert summary["person_statuses"]["repatriated"] > 100
    assert summary["agreement"]["signed_by"] == ["INT", "RU", "UA"]


def test_no_personal_data_in_the_clear(demo: tuple[Path, str]) -> None:
    out, _ = demo
    raw = b"".join(p.read_bytes() for p in out.glob("*/parley.db*"))
    checked = 0
    for path in sorted((out / "lists").glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            for row in list(csv.DictReader(handle))[:15]:
                for field in ("surname", "full_name", "service_number"):
                    value = (row.get(field) or "").strip()
                    if len(value) >= 6:
                        assert value.encode("utf-8") not in raw, (path.name, field)
                        checked += 1
    assert checked > 30


def test_three_nodes_each_with_its_own_key(demo: tuple[Path, str]) -> None:
    """DIR/int (the hub), DIR/ua and DIR/ru: each its own database and only its own key;
    the hub's chain names the parties' keys, whose private halves it does not hold; each
    node's settings verify; the report dates a stage by when it happened."""
    out, stdout = demo
    held = {d: sorted(p.name for p in (out / d / "keys" / "actors").glob("*.pem"))
            for d in ("int", "ua", "ru")}
    assert held == {"int": ["int-tracing.pem"], "ua": ["ua-coordination.pem"],
                    "ru": ["ru-coordination.pem"]}
    for d in ("int", "ua", "ru"):
        assert (out / d / "parley.db").exists()
        done = run_parley(["ledger", "verify"], env={"PARLEY_DATA_DIR": str(out / d)})
        assert done.returncode == 0, done.stdout + done.stderr
    listed = run_parley(["keys", "list", "--json"], env={"PARLEY_DATA_DIR": str(out / "int")})
    keys = {k["actor"]: k for k in json.loads(listed.stdout)}
    assert {a: k["private"] for a, k in keys.items()} == {
        "int-tracing": True, "ua-coordination": False, "ru-coordination": False}
    assert "no party key on the hub" in stdout
    report = (out / "bundle" / "index.html").read_text(encoding="utf-8")
    assert "Stage 2, 10 June 2025" in report and "Closed on 10 June 2025" in report
