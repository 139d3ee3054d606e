"""The public report: one self-contained HTML page in the bundle (``index.html``).

Rendered from the derived files only (the same figures the verifier recomputes), with
Jinja2 autoescaping, inline CSS and inline SVG charts: no script, no font, no image file,
no request to anywhere. Readable on a phone (one column under 40em).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from parley.reports import bundle as names
from parley.reports.charts import Series, cumulative_lines, grouped_bars
from parley.reports.checkpoints import Checkpoint
from parley.reports.derive import Derived

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES),
                       autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_report(derived: Derived, manifest: dict[str, Any], *,
                  checkpoints: Sequence[Checkpoint]) -> str:
    files = derived.files
    view = report_view(files)
    return _env().get_template("report.html").render(
        manifest=manifest, files=files, view=view, checkpoint=checkpoints[-1] if checkpoints
        else None, held=derived.held, charts=_charts(view), names=names,
    )


def _number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def report_view(files: dict[str, Any]) -> dict[str, Any]:
    """Figures arranged for the page: per stage, per direction, rows per category."""
    totals = files[names.TOTALS]
    parties = {p["code"]: p for p in files[names.KEYS]["parties"]}
    statements_by_stage: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for st in files[names.STATEMENTS]:
        statements_by_stage[st.get("stage")].append(st)
    stages = []
    for stage in files[names.STAGES]:
        rows = [r for r in totals["rows"] if r["stage"] == stage["id"]]
        directions: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            directions[f"{r['from']}->{r['to']}"].append(r)
        stages.append({**stage, "directions": [
            {"key": key, "from": parties.get(key.split("->")[0], {}).get("title", key),
             "to": parties.get(key.split("->")[1], {}).get("title", key), "rows": value}
            for key, value in directions.items()],
            "statements": statements_by_stage.get(stage["id"], [])})
    return {
        "parties": parties,
        "stages": stages,
        "general_statements": statements_by_stage.get(None, []),
        "open_discrepancies": [d for d in files[names.DISCREPANCIES]
                               if d.get("status") == "open"],
        "resolved_discrepancies": [d for d in files[names.DISCREPANCIES]
                                   if d.get("status") != "open"],
        "categories": totals.get("categories", []),
        "cumulative": totals.get("cumulative", []),
    }


def _charts(view: dict[str, Any]) -> dict[str, Markup]:
    stages = [s for s in view["stages"] if not s.get("held")]
    labels = [s["label"] for s in stages]
    categories = view["categories"]
    charts: dict[str, Markup] = {}
    if not stages or not categories:
        return charts
    per_category = []
    for cat in categories:
        values: list[int | None] = []
        for s in stages:
            cells = [r["confirmed"] for d in s["directions"] for r in d["rows"]
                     if r["category"] == cat["code"]]
            numbers = [_number(c) for c in cells]
            values.append(None if any(n is None and c not in (None, 0) for n, c in
                                      zip(numbers, cells, strict=True))
                          else sum(n or 0 for n in numbers))
        per_category.append(Series(cat["title"], values))
    charts["per_stage"] = Markup(grouped_bars(  # noqa: S704 - our own escaped SVG
        "People returned per stage and category (both directions)", labels, per_category,
        note="fewer than k"))
    cumulative = view["cumulative"]
    if cumulative:
        series = [Series(c["label"], c["values"]) for c in cumulative]
        targets = [(c["label"] + " agreed", c["agreed"]) for c in cumulative
                   if isinstance(c.get("agreed"), int)]
        charts["cumulative"] = Markup(cumulative_lines(  # noqa: S704
            "Cumulative totals against the agreement", [c for c in
                                                        cumulative[0]["stages"]],
            series, targets))
    claimed: list[int | None] = []
    confirmed: list[int | None] = []
    for s in stages:
        rows = [r for d in s["directions"] for r in d["rows"]]
        claimed.append(sum(_number(r.get("claimed")) or 0 for r in rows))
        confirmed.append(sum(_number(r.get("confirmed")) or 0 for r in rows))
    charts["claimed"] = Markup(grouped_bars(  # noqa: S704
        "Claimed by the parties against confirmed by all three", labels,
        [Series("claimed", claimed), Series("confirmed", confirmed)]))
    return charts
