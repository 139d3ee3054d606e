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
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.domain.events import RemainsCase
from parley.domain.handover import confirmed_by_all
from parley.domain.planning import DECLINED, DECLINES, WISHES
from parley.domain.vocabulary import (
    DiscrepancyKind,
    DiscrepancyStatus,
    HandoverRole,
    Resolution,
    StagePersonState,
)
from parley.ledger import parse_canonical
from parley.services.exchange.agreements import get_agreement_in
from parley.services.exchange.stages import Stage, stages_of
from parley.services.ledger import iter_events
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
Cell = dict[str, int]


class _Figures:
    """One stage's figures: direction -> category -> column -> count. Every direction
    and category of the agreement is there; others (no category: ``none``) are added
    when something counts in them."""

    def __init__(self, directions: Iterable[str], codes: Iterable[str]) -> None:
        codes = list(codes)
        self.table: dict[str, dict[str, Cell]] = {
            d: {c: dict.fromkeys(COLUMNS, 0) for c in codes} for d in directions}

    def cell(self, direction: str, category: str | None) -> Cell:
        row = self.table.setdefault(direction, {})
        return row.setdefault(category or "none", dict.fromkeys(COLUMNS, 0))


def stage_table(app: App, agreement_id: str) -> dict[str, Any]:
    """The agreement's stages with their figures, and the running totals."""
    with app.read() as conn:
        agreement = get_agreement_in(conn, agreement_id)
        terms = agreement.terms
        outcomes = _interview_outcomes(conn, app, agreement.id)
        directions: list[str] = list(terms.directions())
        codes = [c.code for c in terms.by_priority()]
        declined_seen: set[str] = set()
        running = {d: dict.fromkeys(codes, 0) for d in directions}
        out_stages = []
        for st in stages_of(conn, agreement.id):
            figures = _Figures(directions, codes)
            _count_listed(conn, st, figures, outcomes, declined_seen)
            _count_declined_in_plan(conn, app, st, figures, declined_seen)
            _count_remains(conn, st, figures)
            for r in conn.execute(select(discrepancies).where(
                    discrepancies.c.stage_id == st.id,
                    discrepancies.c.status == DiscrepancyStatus.OPEN)):
                figures.cell(r.direction, r.category)["open_discrepancies"] += 1
            signed = conn.execute(select(stages.c.totals).where(
                stages.c.id == st.id)).scalar()
            _add_handed_over(running, figures)
            out_stages.append({
                "number": st.number, "date": st.date, "status": st.status,
                "stage_id": st.id, "closed_event": st.closed_seq,
                "signed_totals": json.loads(signed) if signed else None,
                "directions": figures.table,
            })
    return {"agreement": terms.reference, "agreement_id": agreement.id,
            "columns": list(COLUMNS), "stages": out_stages, "handed_over_total": running}


def _interview_outcomes(conn: Connection, app: App, agreement_id: str) -> dict[str, str]:
    """Each nominated person's latest interview outcome (sealed; opened here)."""
    latest: dict[str, tuple[int, str]] = {}
    for r in conn.execute(select(interviews, nominations.c.person_id).join(
            nominations, nominations.c.id == interviews.c.nomination_id).where(
            nominations.c.agreement_id == agreement_id)):
        if r.person_id not in latest or r.event_seq > latest[r.person_id][0]:
            latest[r.person_id] = (r.event_seq, str(
                app.cipher.open(r.sealed, row_id=r.id).get("outcome")))
    return {pid: outcome for pid, (_, outcome) in latest.items()}


def _count_listed(conn: Connection, st: Stage, figures: _Figures, outcomes: dict[str, str],
                  declined_seen: set[str]) -> None:
    """The stage's persons: everyone ever on its list is nominated; verified unless they
    withdrew at interview, stayed disputed or were carried on; declined once (the first
    stage that left them out); handed over when listed and confirmed by all three."""
    roles: dict[str, set[str]] = defaultdict(set)
    for r in conn.execute(select(handover_confirmations).where(
            handover_confirmations.c.stage_id == st.id)):
        roles[r.person_id].add(r.role)
    disputes = {r.person_id: r.resolution for r in conn.execute(
        select(discrepancies).where(discrepancies.c.kind == DiscrepancyKind.IDENTITY_DISPUTED,
                                    discrepancies.c.stage_id == st.id))}
    for p in conn.execute(select(stage_persons).where(stage_persons.c.stage_id == st.id)):
        c = figures.cell(p.direction, p.category)
        c["nominated"] += 1
        outcome = outcomes.get(p.person_id, WISHES)
        withdrew = p.state == StagePersonState.WITHDRAWN and outcome != WISHES
        disputed = p.person_id in disputes and \
            disputes[p.person_id] != Resolution.IDENTITY_CONFIRMED
        if not withdrew and not disputed and p.state != StagePersonState.CARRIED:
            c["verified"] += 1
        if withdrew and outcome == DECLINES and p.person_id not in declined_seen:
            declined_seen.add(p.person_id)
            c["declined"] += 1
        if p.state == StagePersonState.LISTED and confirmed_by_all(roles.get(p.person_id, set())):
            c["handed_over"] += 1


def _count_declined_in_plan(conn: Connection, app: App, st: Stage, figures: _Figures,
                            declined_seen: set[str]) -> None:
    """Persons the stage's plan left out because they declined (reasons are sealed)."""
    for r in conn.execute(select(plan_exclusions).where(
            plan_exclusions.c.stage_id == st.id, plan_exclusions.c.sealed.is_not(None))):
        reason = app.cipher.open(r.sealed, row_id=f"{st.id}:{r.person_id}")["reason"]
        if reason == DECLINED and r.person_id not in declined_seen:
            declined_seen.add(r.person_id)
            figures.cell(r.direction, r.category)["declined"] += 1


def _count_remains(conn: Connection, st: Stage, figures: _Figures) -> None:
    """Remains cases: nominated when sent, verified when received, handed over when all
    three sides confirmed."""
    cases = conn.execute(select(remains_cases).where(remains_cases.c.stage_id == st.id)).all()
    case_roles: dict[str, set[str]] = defaultdict(set)
    if cases:
        for r in conn.execute(select(remains_confirmations).where(
                remains_confirmations.c.case_id.in_([c.id for c in cases]))):
            case_roles[r.case_id].add(r.role)
    for case in cases:
        c = figures.cell(case.direction, case.category)
        got = case_roles.get(case.id, set())
        c["nominated"] += HandoverRole.SENDING in got
        c["verified"] += HandoverRole.RECEIVING in got
        c["handed_over"] += confirmed_by_all(got)


def _add_handed_over(running: dict[str, dict[str, int]], figures: _Figures) -> None:
    for d, row in figures.table.items():
        for code, cell in row.items():
            if d in running and code in running[d]:
                running[d][code] += cell["handed_over"]


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
    with app.read() as conn:
        agreement = get_agreement_in(conn, agreement_id)
        stage_ids = {s.id for s in stages_of(conn, agreement.id)}
        stored = list(iter_events(conn))
    recount = _Recount()
    for ev in stored:
        p = parse_canonical(ev.payload.encode("utf-8"))
        # A carried discrepancy names the stage it leaves (``from_stage_id``).
        stage = p.get("stage_id", p.get("from_stage_id"))
        if stage in stage_ids:
            recount.apply(ev.type, stage, p)
    return recount.figures(stage_ids)


Key = tuple[str, str]  # (stage, person id or case number)


@dataclass
class _Recount:
    """The stage figures folded from the exchange's events, in chain order."""

    listed: dict[Key, tuple[str, str]] = field(default_factory=dict)
    active: set[Key] = field(default_factory=set)
    roles: dict[Key, set[str]] = field(default_factory=lambda: defaultdict(set))
    cases: dict[Key, tuple[str, str]] = field(default_factory=dict)
    case_roles: dict[Key, set[str]] = field(default_factory=lambda: defaultdict(set))
    discrepancies_at: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)
    open_ids: set[str] = field(default_factory=set)
    signed: dict[str, Any] = field(default_factory=dict)

    def apply(self, event_type: str, stage: str, p: dict[str, Any]) -> None:
        handler = getattr(self, "_" + event_type.replace(".", "_"), None)
        if handler is not None:
            handler(stage, p)

    def _stage_planned(self, stage: str, p: dict[str, Any]) -> None:
        for direction, entries in p["lists"].items():
            for e in entries:
                self.listed[(stage, e["person_id"])] = (direction, e["category"])
                self.active.add((stage, e["person_id"]))

    def _stage_person_listed(self, stage: str, p: dict[str, Any]) -> None:
        self.listed[(stage, p["person_id"])] = (p["direction"], p["category"])
        self.active.add((stage, p["person_id"]))

    def _stage_person_withdrawn(self, stage: str, p: dict[str, Any]) -> None:
        self.active.discard((stage, p["person_id"]))

    def _handover_confirmed(self, stage: str, p: dict[str, Any]) -> None:
        for pid in p["person_ids"]:
            self.roles[(stage, pid)].add(p["role"])

    def _remains_confirmed(self, stage: str, p: dict[str, Any]) -> None:
        for item in p["cases"]:
            number = RemainsCase.from_payload(item).case_number
            self.cases.setdefault((stage, number), (p["direction"], p["category"]))
            self.case_roles[(stage, number)].add(p["role"])

    def _discrepancy_opened(self, stage: str, p: dict[str, Any]) -> None:
        self.discrepancies_at[p["discrepancy_id"]] = (stage, p["direction"], p["category"])
        self.open_ids.add(p["discrepancy_id"])

    def _discrepancy_carried(self, stage: str, p: dict[str, Any]) -> None:
        _, direction, category = self.discrepancies_at[p["discrepancy_id"]]
        self.discrepancies_at[p["discrepancy_id"]] = (p["to_stage_id"], direction, category)

    def _discrepancy_resolved(self, stage: str, p: dict[str, Any]) -> None:
        self.open_ids.discard(p["discrepancy_id"])

    def _stage_closed(self, stage: str, p: dict[str, Any]) -> None:
        self.signed[stage] = p["totals"]

    def figures(self, stage_ids: Iterable[str]) -> dict[str, dict[str, dict[str, Any]]]:
        out: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in stage_ids}

        def cell(stage: str, direction: str, category: str | None) -> dict[str, int]:
            row: dict[str, dict[str, int]] = out[stage].setdefault(direction, {})
            return row.setdefault(category or "none",
                                  {"nominated": 0, "handed_over": 0, "open_discrepancies": 0})

        for (stage, pid), (direction, category) in self.listed.items():
            c = cell(stage, direction, category)
            c["nominated"] += 1
            if (stage, pid) in self.active and confirmed_by_all(self.roles[(stage, pid)]):
                c["handed_over"] += 1
        for key, (direction, category) in self.cases.items():
            c = cell(key[0], direction, category)
            c["nominated"] += HandoverRole.SENDING in self.case_roles[key]
            c["handed_over"] += confirmed_by_all(self.case_roles[key])
        for disc in self.open_ids:
            cell(*self.discrepancies_at[disc])["open_discrepancies"] += 1
        for stage, totals in self.signed.items():
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
