"""The stage table: per stage, direction and category, how many were nominated, verified,
declined, handed over, and how many discrepancies are open (the demo's summary.json).

- **nominated**: persons on the stage's list at any point (planned, carried in or
  admitted); for remains, cases the sending side handed over;
- **verified**: of those, the ones whose identity was not left disputed and who did not
  withdraw at interview; for remains, cases the receiving side confirmed;
- **declined**: persons who told the intermediary they do not wish to return, counted
  once, in the first stage that left them out (aggregate only; who is confidential);
- **handed_over**: confirmed by the sending party, the receiving party and the
  intermediary; for a closed stage this equals the signed ``stage.closed`` totals;
- **open_discrepancies**: discrepancies now attached to the stage and still open.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import select

from parley.bootstrap import App
from parley.services.exchange.agreements import get_agreement_in
from parley.services.exchange.stages import ROLES, stages_of
from parley.store.tables import (
    discrepancies,
    handover_confirmations,
    interviews,
    nominations,
    plan_exclusions,
    remains_cases,
    remains_confirmations,
    stage_persons,
    stages,
)

COLUMNS = ("nominated", "verified", "declined", "handed_over", "open_discrepancies")


def stage_table(app: App, agreement_id: str) -> dict[str, Any]:
    """The agreement's stages with their figures, and the running totals."""
    with app.read() as conn:
        agreement = get_agreement_in(conn, agreement_id)
        terms = agreement.terms
        all_stages = stages_of(conn, agreement.id)
        interview_rows = conn.execute(select(interviews, nominations.c.person_id).join(
            nominations, nominations.c.id == interviews.c.nomination_id).where(
            nominations.c.agreement_id == agreement.id)).all()
        latest: dict[str, tuple[int, str]] = {}
        for r in interview_rows:
            if r.person_id not in latest or r.event_seq > latest[r.person_id][0]:
                latest[r.person_id] = (r.event_seq, str(
                    app.cipher.open(r.sealed, row_id=r.id).get("outcome")))
        declined_seen: set[str] = set()
        directions = [f"{a}->{b}" for a, b in terms.directions()]
        codes = [c.code for c in terms.by_priority()]
        out_stages = []
        running = {d: dict.fromkeys(codes, 0) for d in directions}
        for st in all_stages:
            table = {d: {c: dict.fromkeys(COLUMNS, 0) for c in codes} for d in directions}

            def cell(direction: str, category: str | None,
                     table: dict[str, dict[str, dict[str, int]]] = table) -> dict[str, int]:
                row = table.setdefault(direction, {})
                return row.setdefault(category or "none", dict.fromkeys(COLUMNS, 0))

            people = conn.execute(select(stage_persons).where(
                stage_persons.c.stage_id == st.id)).all()
            roles: dict[str, set[str]] = defaultdict(set)
            for r in conn.execute(select(handover_confirmations).where(
                    handover_confirmations.c.stage_id == st.id)):
                roles[r.person_id].add(r.role)
            disputes = {r.person_id: r.resolution for r in conn.execute(
                select(discrepancies).where(discrepancies.c.kind == "identity_disputed",
                                            discrepancies.c.stage_id == st.id))}
            for p in people:
                c = cell(p.direction, p.category)
                c["nominated"] += 1
                withdrew = p.state == "withdrawn" and \
                    latest.get(p.person_id, (0, "wishes"))[1] != "wishes"
                disputed = p.person_id in disputes and \
                    disputes[p.person_id] != "identity_confirmed"
                if not withdrew and not disputed and p.state != "carried":
                    c["verified"] += 1
                if withdrew and latest[p.person_id][1] == "declines" and \
                        p.person_id not in declined_seen:
                    declined_seen.add(p.person_id)
                    c["declined"] += 1
                if p.state == "listed" and roles.get(p.person_id, set()) >= set(ROLES):
                    c["handed_over"] += 1
            for r in conn.execute(select(plan_exclusions).where(
                    plan_exclusions.c.stage_id == st.id, plan_exclusions.c.sealed.is_not(None))):
                reason = app.cipher.open(r.sealed, row_id=f"{st.id}:{r.person_id}")["reason"]
                if reason == "declined" and r.person_id not in declined_seen:
                    declined_seen.add(r.person_id)
                    cell(r.direction, r.category)["declined"] += 1
            cases = conn.execute(select(remains_cases).where(
                remains_cases.c.stage_id == st.id)).all()
            case_roles: dict[str, set[str]] = defaultdict(set)
            if cases:
                for r in conn.execute(select(remains_confirmations).where(
                        remains_confirmations.c.case_id.in_([c.id for c in cases]))):
                    case_roles[r.case_id].add(r.role)
            for case in cases:
                c = cell(case.direction, case.category)
                got = case_roles.get(case.id, set())
                c["nominated"] += "sending" in got
                c["verified"] += "receiving" in got
                c["handed_over"] += got >= set(ROLES)
            for r in conn.execute(select(discrepancies).where(
                    discrepancies.c.stage_id == st.id, discrepancies.c.status == "open")):
                cell(r.direction, r.category)["open_discrepancies"] += 1
            signed = conn.execute(select(stages.c.totals).where(
                stages.c.id == st.id)).scalar()
            totals = json.loads(signed) if signed else None
            for d, row in table.items():
                for code, figures in row.items():
                    if d in running and code in running[d]:
                        running[d][code] += figures["handed_over"]
            out_stages.append({
                "number": st.number, "date": st.date, "status": st.status,
                "stage_id": st.id, "closed_event": st.closed_seq,
                "signed_totals": totals, "directions": table,
            })
    return {"agreement": terms.reference, "agreement_id": agreement.id,
            "columns": list(COLUMNS), "stages": out_stages, "handed_over_total": running}


def render_table(summary: dict[str, Any]) -> list[str]:
    """The stage table as fixed-width text lines (the demo prints these)."""
    header = (f"{'stage':>5} {'date':<10} {'direction':<9} {'category':<14} "
              f"{'nominated':>9} {'verified':>8} {'declined':>8} {'handed over':>11} "
              f"{'open disc.':>10}")
    lines = [header, "-" * len(header)]
    for st in summary["stages"]:
        first = True
        for direction, row in st["directions"].items():
            for code, f in row.items():
                if not any(f.values()):
                    continue
                lines.append(
                    f"{st['number'] if first else '':>5} {st['date'] if first else '':<10} "
                    f"{direction:<9} {code:<14} {f['nominated']:>9} {f['verified']:>8} "
                    f"{f['declined']:>8} {f['handed_over']:>11} {f['open_discrepancies']:>10}")
                first = False
        if first:
            lines.append(f"{st['number']:>5} {st['date']:<10} (nothing moved)")
    lines.append("-" * len(header))
    for direction, row in summary["handed_over_total"].items():
        parts = ", ".join(f"{code} {n}" for code, n in row.items())
        lines.append(f"total handed over {direction}: {parts}")
    return lines


def figures_from_events(app: App, agreement_id: str) -> dict[str, dict[str, dict[str, Any]]]:
    """Recount, from the signed events alone, each stage's nominated and handed-over
    persons (and remains cases) and open discrepancies per direction and category, and
    the totals its ``stage.closed`` event signed. The stage table must agree with this."""
    from parley.ledger import parse_canonical
    from parley.services.ledger import iter_events

    with app.read() as conn:
        agreement = get_agreement_in(conn, agreement_id)
        stage_ids = {s.id for s in stages_of(conn, agreement.id)}
        stored = list(iter_events(conn))
    listed: dict[tuple[str, str], tuple[str, str]] = {}
    active: set[tuple[str, str]] = set()
    roles: dict[tuple[str, str], set[str]] = defaultdict(set)
    cases: dict[tuple[str, str], tuple[str, str]] = {}
    case_roles: dict[tuple[str, str], set[str]] = defaultdict(set)
    discrepancies_at: dict[str, tuple[str, str, str | None]] = {}
    open_ids: set[str] = set()
    signed: dict[str, Any] = {}
    for ev in stored:
        p = parse_canonical(ev.payload.encode("utf-8"))
        stage = p.get("stage_id")
        if stage not in stage_ids:
            continue
        if ev.type == "stage.planned":
            for direction, entries in p["lists"].items():
                for e in entries:
                    listed[(stage, e["person_id"])] = (direction, e["category"])
                    active.add((stage, e["person_id"]))
        elif ev.type == "stage.person_listed":
            listed[(stage, p["person_id"])] = (p["direction"], p["category"])
            active.add((stage, p["person_id"]))
        elif ev.type == "stage.person_withdrawn":
            active.discard((stage, p["person_id"]))
        elif ev.type == "handover.confirmed":
            for pid in p["person_ids"]:
                roles[(stage, pid)].add(p["role"])
        elif ev.type == "remains.confirmed":
            for case in p["cases"]:
                number = case["case_number"] if isinstance(case, dict) else case
                cases.setdefault((stage, number), (p["direction"], p["category"]))
                case_roles[(stage, number)].add(p["role"])
        elif ev.type == "discrepancy.opened":
            discrepancies_at[p["discrepancy_id"]] = (stage, p["direction"], p["category"])
            open_ids.add(p["discrepancy_id"])
        elif ev.type == "discrepancy.carried":
            _, direction, category = discrepancies_at[p["discrepancy_id"]]
            discrepancies_at[p["discrepancy_id"]] = (p["to_stage_id"], direction, category)
        elif ev.type == "discrepancy.resolved":
            open_ids.discard(p["discrepancy_id"])
        elif ev.type == "stage.closed":
            signed[stage] = p["totals"]
    out: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in stage_ids}

    def cell(stage: str, direction: str, category: str | None) -> dict[str, int]:
        row: dict[str, dict[str, int]] = out[stage].setdefault(direction, {})
        return row.setdefault(category or "none",
                              {"nominated": 0, "handed_over": 0, "open_discrepancies": 0})

    for (stage, pid), (direction, category) in listed.items():
        c = cell(stage, direction, category)
        c["nominated"] += 1
        if (stage, pid) in active and roles[(stage, pid)] >= set(ROLES):
            c["handed_over"] += 1
    for key, (direction, category) in cases.items():
        c = cell(key[0], direction, category)
        c["nominated"] += "sending" in case_roles[key]
        c["handed_over"] += case_roles[key] >= set(ROLES)
    for disc in open_ids:
        stage, direction, category = discrepancies_at[disc]
        cell(stage, direction, category)["open_discrepancies"] += 1
    for stage, totals in signed.items():
        out[stage]["signed_totals"] = totals
    return out


def trace_check(app: App, agreement_id: str) -> list[str]:
    """Every number of the stage table that the events alone do not give (empty: all
    traced). Declined counts are confidential and traced only through sealed records."""
    table = stage_table(app, agreement_id)
    recount = figures_from_events(app, agreement_id)
    problems = []
    for st in table["stages"]:
        mine = recount[st["stage_id"]]
        for direction, row in st["directions"].items():
            for code, figures in row.items():
                again = mine.get(direction, {}).get(code, {})
                for column in ("nominated", "handed_over", "open_discrepancies"):
                    if figures[column] != again.get(column, 0):
                        problems.append(f"stage {st['number']} {direction} {code} {column}: "
                                        f"table {figures[column]}, events "
                                        f"{again.get(column, 0)}")
                if st["signed_totals"] is not None and code in st["signed_totals"].get(
                        direction, {}) and \
                        st["signed_totals"][direction][code] != figures["handed_over"]:
                    problems.append(f"stage {st['number']} {direction} {code}: signed total "
                                    f"{st['signed_totals'][direction][code]}, handed over "
                                    f"{figures['handed_over']}")
        if st["signed_totals"] != mine.get("signed_totals"):
            problems.append(f"stage {st['number']}: signed totals differ from stage.closed")
    return problems
