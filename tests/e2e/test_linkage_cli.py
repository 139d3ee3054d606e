"""`parley link` on list files, and `parley resolve` / `parley review` on a registry."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

from parley.linkage import pairwise_scores
from parley.synth.multisource import multisource

Run = Callable[..., CompletedProcess[str]]


def test_link_files_without_a_database(parley: Run, tmp_path: Path) -> None:
    scenario = multisource(1_200, seed=23)
    files = scenario.write_csv(tmp_path / "lists")
    out = tmp_path / "clusters.csv"
    review = tmp_path / "review.csv"
    model = tmp_path / "model.json"
    result = parley(["link", *map(str, files), "--out", str(out), "--review", str(review),
                     "--save-model", str(model)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "persons" in result.stdout
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["source", "record_id", "person_id", "match_probability"]
    assert len(rows) == len(list(scenario.records()))
    assert {r["source"] for r in rows} == {p.stem for p in files}
    truth = {(r.source, r.record_id): r.person_key for r in scenario.records()}
    predicted = {(r["source"], r["record_id"]): r["person_id"] for r in rows}
    scores = pairwise_scores(predicted, truth)
    assert scores.precision >= 0.98 and scores.recall >= 0.9, scores
    assert json.loads(model.read_text())["format"] == "parley-linkage-model/1"
    assert review.read_text().startswith("source_a,record_id_a,source_b,record_id_b")
    # The saved model reproduces the clusters; no database was created.
    again = tmp_path / "again.csv"
    result = parley(["link", *map(str, files), "--out", str(again), "--model", str(model)],
                    cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert again.read_text() == out.read_text()
    assert not (tmp_path / "parley-data").exists()


def test_link_honours_a_decisions_file(parley: Run, tmp_path: Path) -> None:
    scenario = multisource(300, seed=29)
    files = scenario.write_csv(tmp_path)
    first, second = scenario.lists[0].records[:2]
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(
        "source_a,record_id_a,source_b,record_id_b,decision\n"
        f"{first.source},{first.record_id},{second.source},{second.record_id},same\n",
        encoding="utf-8")
    out = tmp_path / "out.csv"
    result = parley(["link", *map(str, files), "--out", str(out), "--decisions",
                     str(decisions)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8") as handle:
        person = {r["record_id"]: r["person_id"] for r in csv.DictReader(handle)}
    assert person[first.record_id] == person[second.record_id]


def test_link_bad_input_is_one_line(parley: Run, tmp_path: Path) -> None:
    missing = parley(["link", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o.csv")])
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert "Traceback" not in missing.stderr
    lists = multisource(50, seed=3).write_csv(tmp_path)
    engine = parley(["link", str(lists[0]), "--out", str(tmp_path / "o.csv"),
                     "--engine", "oracle"])
    assert engine.returncode == 2 and "--engine" in engine.stderr


def test_resolve_and_review_on_a_registry(parley: Run, tmp_path: Path) -> None:
    env = {"PARLEY_DATA_DIR": str(tmp_path / "data"), "PARLEY_ACTOR": "int-tracing"}
    assert parley(["keys", "init", "int-tracing", "--party", "INT", "--party-title",
                   "Intermediary", "--kind", "intermediary"], env=env).returncode == 0
    kinds = {"ua-origin": "origin_list", "ru-capture": "capture_card",
             "int-visit": "visit_list"}
    files = [p for p in multisource(500, seed=31).write_csv(tmp_path / "lists")
             if p.stem in kinds]
    for path in files:
        imported = parley(["import", str(path), "--kind", kinds[path.stem]], env=env)
        assert imported.returncode == 0, imported.stderr
    resolved = parley(["resolve", "--json"], env=env)
    assert resolved.returncode == 0, resolved.stderr
    summaries = json.loads(resolved.stdout)
    assert len(summaries) == len(files) and summaries[-1]["linked"] > 0
    assert "nothing to resolve" in parley(["resolve"], env=env).stdout
    queue = parley(["review", "list", "--json", "--limit", "5"], env=env)
    assert queue.returncode == 0, queue.stderr
    items = json.loads(queue.stdout)
    if items:
        decided = parley(["review", "decide", items[0]["id"], "same"], env=env)
        assert decided.returncode == 0, decided.stderr
        assert "recorded: same" in decided.stdout
    bad = parley(["review", "decide", "no-such-review", "same"], env=env)
    assert bad.returncode == 4 and "does not exist" in bad.stderr


def test_link_says_which_sheets_it_did_not_read(parley: Run, tmp_path: Path) -> None:
    from openpyxl import Workbook

    scenario = multisource(600, seed=29)
    files = scenario.write_csv(tmp_path / "lists")
    with files[0].open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Донецьк"
    for row in rows:
        first.append(row)
    second = book.create_sheet("Луганськ")
    for row in rows:
        second.append(row)
    workbook = tmp_path / "lists" / f"{files[0].stem}.xlsx"
    book.save(workbook)
    files[0].unlink()
    result = parley(["link", str(workbook), *map(str, files[1:]), "--out",
                     str(tmp_path / "out.csv")], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (f"{workbook.name}: read the first sheet holding a list; not linked: Луганськ "
            "(save each as its own file to link it too)") in result.stderr
