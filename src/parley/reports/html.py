"""The public report: one self-contained HTML page in the bundle (``index.html``).

Rendered from the derived files only (the same figures the verifier recomputes), with
Jinja2 autoescaping, inline CSS and inline SVG charts: no script, no font, no image file,
no request to anywhere. Readable on a phone (tables fold into cards under 40em).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from parley.domain.vocabulary import Direction
from parley.reports import bundle as names
from parley.reports.charts import Series, cumulative_lines, grouped_bars
from parley.reports.suppression import REASONS

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES),
                       autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_report(files: dict[str, Any], manifest: dict[str, Any]) -> str:
    view = report_view(files)
    return _env().get_template("report.html").render(
        manifest=manifest, files=files, view=view, checkpoint=files[names.CHECKPOINT],
        charts=_charts(view), names=names, reasons=REASONS)


# --- words ----------------------------------------------------------------------------


def long_date(value: str | None) -> str:
    """``2025-06-02`` → ``2 June 2025`` (anything else is returned as it is)."""
    if not value:
        return ""
    try:
        d = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{d.day} {d.strftime('%B')} {d.year}"


def rule_words(rule: Any) -> str:
    """An eligibility rule of the agreement in plain words."""
    if not isinstance(rule, dict) or len(rule) != 1:
        return "as the agreement states"
    ((name, arg),) = rule.items()
    if name == "age" and isinstance(arg, dict):
        on = long_date(arg.get("on"))
        if "below" in arg:
            return f"younger than {arg['below']} on {on}"
        if "to" in arg:
            return f"aged {arg.get('from')} to {arg['to']} on {on}"
        return f"aged {arg.get('from')} or older on {on}"
    if name == "seriously_wounded_or_sick":
        return ("seriously wounded or sick, as certified by doctors" if arg
                else "not seriously wounded or sick")
    if name == "civilian":
        return "civilians" if arg else "members of the armed forces"
    if name == "deceased":
        return "the bodies of the dead, counted by case" if arg else "alive"
    if name == "named":
        return f"{len(arg)} persons named in the agreement"
    if name == "listed_in":
        return "persons on a list the parties agreed"
    if name in ("all", "any") and isinstance(arg, list):
        words = [rule_words(r) for r in arg]
        last = " and " if name == "all" else " or "
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + last + words[-1]
    if name == "not":
        return f"not ({rule_words(arg)})"
    return "as the agreement states"


def ratio_words(ratio: Any, cap: Any) -> str:
    if ratio == "all for all":
        text = "all for all: everyone who qualifies on either side"
    elif isinstance(ratio, str):
        n = ratio.split(" ")[0]
        text = f"{n} for {n}: one for one, at most {n} each way"
    else:
        text = "by rank equivalence, so that both sides' totals weigh the same"
    if isinstance(cap, int):
        text += f", and no more than {cap} in all"
    return text


def agreement_sentences(agreement: dict[str, Any], parties: dict[str, Any]) -> list[str]:
    terms = agreement["terms"]

    def title(code: str) -> str:
        return str(parties.get(code, {}).get("title", code))

    a, b = (terms.get("parties") or ["?", "?"])[:2]
    out = [f"Agreed in {terms.get('place', 'an unstated place')} on "
           f"{long_date(terms.get('date'))} between {title(a)} and {title(b)}, with "
           f"{title(terms.get('intermediary', '?'))} as the neutral intermediary."]
    stages = terms.get("stages") or {}
    if stages:
        out.append(f"Handovers take place in stages between {long_date(stages.get('from'))} "
                   f"and {long_date(stages.get('to'))}.")
    for cat in sorted(terms.get("categories", []), key=lambda c: c.get("priority", 0)):
        out.append(f"{cat.get('title') or cat['code']}: {rule_words(cat.get('rule'))}; "
                   f"exchanged {ratio_words(cat.get('ratio'), cat.get('cap'))}.")
    return out


# --- the view -------------------------------------------------------------------------


def _number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _shown(value: Any) -> str:
    return "—" if value is None else str(value)


def _confirmed(row: dict[str, Any]) -> str:
    return "withheld" if row.get("withheld") else _shown(row["confirmed"])


def report_view(files: dict[str, Any]) -> dict[str, Any]:
    """Figures arranged for the page: per stage, per direction, rows per category."""
    totals = files[names.TOTALS]
    parties = {p["code"]: p for p in files[names.KEYS]["parties"]}
    actor_party = {a["actor"]: a["party"] for a in files[names.KEYS]["actors"]}
    cat_titles = {c["code"]: c["title"] for c in totals.get("categories", [])}

    def party_title(code: str) -> str:
        return str(parties.get(code, {}).get("title", code))

    def direction_words(direction: str) -> str:
        sending, receiving = Direction.unchecked_parties(direction)
        return f"from {party_title(sending)} to {party_title(receiving)}"

    stage_labels: dict[str, str] = {}
    for st in files[names.STAGES]:
        if st.get("held"):
            stage_labels[st["id"]] = "A stage withheld for now"
        else:
            stage_labels[st["id"]] = f"Stage {st['number']}"
    statements_by_stage: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    withheld = {(r["stage"], r["direction"], r.get("category", "*"))
                for r in [*totals["rows"], *totals["by_direction"]]
                if r.get("withheld")}
    for st in files[names.STATEMENTS]:
        figures = [f"{n} {cat_titles.get(c, c).lower()} {direction_words(d)}"
                   for d, cats in sorted(st["claims"].items()) for c, n in sorted(cats.items())
                   if (st.get("stage"), d, c) not in withheld]
        if len(figures) < sum(len(cats) for cats in st["claims"].values()):
            figures.append("(figures of withheld categories not repeated here)")
        statements_by_stage[st.get("stage")].append({
            **st, "party_title": party_title(st["party"]), "at": long_date(st["stated_on"]),
            "figures": figures})
    stages = []
    for st in files[names.STAGES]:
        if st.get("held"):
            stages.append({"id": st["id"], "label": stage_labels[st["id"]],
                           "held": st["held"], "directions": [], "statements": []})
            continue
        rows = [r for r in totals["rows"] if r["stage"] == st["id"]]
        directions: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            directions[r["direction"]].append({
                **r, "category_title": cat_titles.get(r["category"], r["category"]),
                "confirmed_text": _confirmed(r),
                "withheld_why": REASONS.get(r["withheld"] or "", ""),
                "claimed_sender_text": _shown(r["claimed_by_sender"]),
                "claimed_receiver_text": _shown(r["claimed_by_receiver"]),
                "confirmed_by_text": ", ".join(
                    party_title(actor_party.get(a, a)) for a in r["confirmed_by"])})
        if st.get("head"):
            status = (f"Closed on {long_date(st['closed_at'])}; each figure below is the "
                      "number of leaves of a Merkle tree under the stage head cosigned by "
                      "both parties and the intermediary.")
            totals_by_direction = {b["direction"]: b for b in totals["by_direction"]
                                   if b["stage"] == st["id"]}
        else:
            status = ("Closed before stage heads of this form were kept; its figures are "
                      "not published.")
            totals_by_direction = {}
        stages.append({
            **st, "label": f"{stage_labels[st['id']]}, {long_date(st['date'])}",
            "status_text": status,
            "directions": [{"key": d, "words": direction_words(d),
                            "sender": party_title(d.partition('->')[0]),
                            "receiver": party_title(d.partition('->')[2]), "rows": v,
                            "total": totals_by_direction.get(d),
                            "total_text": _confirmed(totals_by_direction[d])
                            if d in totals_by_direction else "—"}
                           for d, v in directions.items()],
            "statements": statements_by_stage.get(st["id"], [])})
    return {
        "parties": parties,
        "agreements": [{**a, "sentences": agreement_sentences(a, parties),
                        "signed_by_text": ", ".join(party_title(s["party"])
                                                    for s in a["signed_by"])}
                       for a in files[names.AGREEMENTS]],
        "stages": stages,
        "general_statements": statements_by_stage.get(None, []),
        "cat_titles": cat_titles,
        "party_title": party_title,
        "direction_words": direction_words,
        "stage_labels": stage_labels,
        "totals": totals,
    }


def _charts(view: dict[str, Any]) -> list[Markup]:
    totals = view["totals"]
    rows = totals["rows"]
    if not rows:
        return []
    stage_ids: list[str] = []
    for r in rows:
        if r["stage"] not in stage_ids:
            stage_ids.append(r["stage"])
    labels = [view["stage_labels"][s] for s in stage_ids]
    directions = sorted({r["direction"] for r in rows})
    categories = [c["code"] for c in totals["categories"]
                  if any(r["category"] == c["code"] for r in rows)]
    charts: list[Markup] = []

    def arrow(direction: str) -> str:
        sending, receiving = Direction.unchecked_parties(direction)
        return f"{view['party_title'](sending)} → {view['party_title'](receiving)}"

    for direction in directions:
        series = []
        for cat in categories:
            values: list[int | None] = []
            for s in stage_ids:
                cell = next((r["confirmed"] for r in rows if (r["stage"], r["direction"],
                            r["category"]) == (s, direction, cat)), 0)
                values.append(_number(cell))
            series.append(Series(view["cat_titles"].get(cat, cat), values))
        charts.append(Markup(grouped_bars(  # noqa: S704 - our own escaped SVG
            f"Returned per stage, {arrow(direction)}", labels,
            series, note="withheld")))
    for direction in directions:
        cum = [c for c in totals["cumulative"] if c["direction"] == direction]
        if not cum:
            continue
        series = [Series(view["cat_titles"].get(c["category"], c["category"]),
                         [v["published"] for v in c["values"]]) for c in cum
                  if c["category"] != "*"]
        targets = [(f"{view['cat_titles'].get(c['category'], c['category'])} agreed",
                    c["agreed"], i) for i, c in enumerate(
                        x for x in cum if x["category"] != "*")
                   if isinstance(c.get("agreed"), int)]
        charts.append(Markup(cumulative_lines(  # noqa: S704
            f"Cumulative against the agreement, {arrow(direction)}",
            labels, series, targets)))
    for direction in directions:
        mine = [b for b in totals["by_direction"] if b["direction"] == direction]
        if not any(b["claimed_by_sender"] is not None or b["claimed_by_receiver"] is not None
                   for b in mine):
            continue
        sending, receiving = Direction.unchecked_parties(direction)
        by_stage = {b["stage"]: b for b in mine}

        def pick(field: str, by_stage: dict[str, Any] = by_stage) -> list[int | None]:
            return [_number(by_stage[s][field]) if s in by_stage else None
                    for s in stage_ids]

        charts.append(Markup(grouped_bars(  # noqa: S704
            f"Claimed against confirmed, {arrow(direction)}", labels,
            [Series("confirmed by all three", pick("confirmed")),
             Series(f"claimed by {view['party_title'](sending)}", pick("claimed_by_sender")),
             Series(f"claimed by {view['party_title'](receiving)}",
                    pick("claimed_by_receiver"))],
            note="withheld")))
    return charts
