"""`parley stage`: plan a stage, confirm the handover, settle discrepancies, close it."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import typer

from parley.cli.common import open_app, out, print_json
from parley.domain.vocabulary import Resolution

if TYPE_CHECKING:
    from parley.bootstrap import App

app = typer.Typer(help="Stages: plan, confirm the handover, discrepancies, close.",
                  no_args_is_help=True)

ACTOR = typer.Option(..., "--actor", help="The actor who acts (its key signs the event).")


def _intermediary(parley: App, agreement: str, actor: str | None) -> str:
    """The actor given, or else the intermediary's signatory of the agreement."""
    from parley.services.exchange.agreements import get_agreement

    if actor:
        return actor
    terms = get_agreement(parley, agreement).terms
    return terms.signatories[terms.intermediary]


@app.command("plan")
def stage_plan(
    agreement: str = typer.Option(..., "--agreement", help="Agreement id or reference."),
    date: str = typer.Option(..., "--date", help="The stage's date (YYYY-MM-DD)."),
    capacity: int = typer.Option(..., "--capacity", help="Persons per direction."),
    actor: str | None = typer.Option(None, "--actor", help="The intermediary's actor "
                                     "(default: its signatory of the agreement)."),
    show_left_out: bool = typer.Option(False, "--show-left-out",
                                       help="List every eligible person left out."),
) -> None:
    """Plan the next stage from verified eligible persons; say why anyone is left out."""
    from parley.services.exchange.stages import left_out, plan_stage

    with open_app() as parley:
        result = plan_stage(parley, agreement_id=agreement, stage_date=date, capacity=capacity,
                            actor=_intermediary(parley, agreement, actor))
        exclusions = left_out(parley, result.stage.id, confidential=True)
    stage, plan = result.stage, result.plan
    out.print(f"stage {stage.number} ({stage.date}) planned as {stage.id}: "
              f"{len(plan.selected)} persons from {result.candidates} candidates",
              soft_wrap=True)
    for direction in sorted({s.direction for s in plan.selected}):
        counts = Counter(s.category for s in plan.selected if s.direction == direction)
        out.print(f"  {direction}: " + ", ".join(f"{c} {n}" for c, n in sorted(counts.items())))
    reasons = Counter((x.direction, x.reason) for x in exclusions)
    for (direction, reason), n in sorted(reasons.items()):
        out.print(f"  left out {direction}: {reason} {n}")
    if show_left_out:
        for x in exclusions:
            out.print(f"    {x.person_id} {x.direction} {x.category or '-'}: {x.reason}")


@app.command("show")
def stage_show(
    stage: str = typer.Argument(..., help="Stage id."),
) -> None:
    """Print a stage's list, the public reasons of those left out, and its discrepancies."""
    from parley.services.exchange.handover import list_discrepancies
    from parley.services.exchange.stages import get_stage, left_out, stage_list

    with open_app() as parley:
        info = get_stage(parley, stage)
        print_json({
            "stage": info.id, "number": info.number, "date": info.date,
            "capacity": info.capacity, "status": info.status,
            "list": stage_list(parley, stage),
            "left_out": [x.__dict__ for x in left_out(parley, stage)],
            "discrepancies": [d.__dict__ for d in list_discrepancies(parley, stage_id=stage)],
        })


@app.command("confirm")
def stage_confirm(
    stage: str = typer.Argument(..., help="Stage id."),
    persons: list[str] = typer.Argument(..., help="Person ids."),
    actor: str = ACTOR,
) -> None:
    """Confirm persons handed over (as sending party, receiving party or intermediary)."""
    from parley.services.exchange.handover import confirm_handover

    with open_app() as parley:
        n = confirm_handover(parley, stage_id=stage, person_ids=persons, actor=actor)
    out.print(f"{n} new confirmations by {actor}" + ("" if n else " (nothing changed)"))


@app.command("dispute")
def stage_dispute(
    stage: str = typer.Argument(..., help="Stage id."),
    person: str = typer.Argument(..., help="Person id."),
    actor: str = ACTOR,
) -> None:
    """The receiving party disputes a listed person's identity."""
    from parley.services.exchange.handover import dispute_identity

    with open_app() as parley:
        d = dispute_identity(parley, stage_id=stage, person_id=person, actor=actor)
    out.print(f"discrepancy {d.id}: {d.describe()} open")


@app.command("unlisted")
def stage_unlisted(
    stage: str = typer.Argument(..., help="Stage id."),
    person: str = typer.Argument(..., help="Person id."),
    actor: str = ACTOR,
) -> None:
    """Report a person handed over who was not on the stage's list."""
    from parley.services.exchange.handover import report_unlisted

    with open_app() as parley:
        d = report_unlisted(parley, stage_id=stage, person_id=person, actor=actor)
    out.print(f"discrepancy {d.id}: {d.describe()} open")


@app.command("check")
def stage_check(
    stage: str = typer.Argument(..., help="Stage id."),
    actor: str = ACTOR,
) -> None:
    """Find discrepancies in a stage's confirmations (the intermediary)."""
    from parley.services.exchange.handover import check_stage

    with open_app() as parley:
        found = check_stage(parley, stage_id=stage, actor=actor)
    out.print(f"{len(found)} open discrepancies")
    for d in found:
        out.print(f"  {d.id}: {d.describe()}")


@app.command("carry")
def stage_carry(
    discrepancy: str = typer.Argument(..., help="Discrepancy id."),
    to_stage: str = typer.Option(..., "--to", help="The later stage's id."),
    actor: str = ACTOR,
) -> None:
    """Carry an open discrepancy (and its persons) to a later stage, by decision."""
    from parley.services.exchange.handover import carry_discrepancy

    with open_app() as parley:
        carry_discrepancy(parley, discrepancy_id=discrepancy, to_stage_id=to_stage, actor=actor)
    out.print(f"discrepancy {discrepancy} carried to stage {to_stage}")


@app.command("resolve")
def stage_resolve(
    discrepancy: str = typer.Argument(..., help="Discrepancy id."),
    resolution: str = typer.Option(..., "--as", help=f"{Resolution.listed('or')}."),
    actor: str = ACTOR,
) -> None:
    """Resolve an open discrepancy."""
    from parley.services.exchange.handover import resolve_discrepancy

    with open_app() as parley:
        d = resolve_discrepancy(parley, discrepancy_id=discrepancy, resolution=resolution,
                                actor=actor)
    out.print(f"discrepancy {d.id} resolved: {resolution}")


@app.command("close")
def stage_close(
    stage: str = typer.Argument(..., help="Stage id."),
    actor: str = ACTOR,
) -> None:
    """Close a stage: totals and stage heads, cosigned by both parties and the intermediary."""
    from parley.services.exchange.handover import close_stage

    with open_app() as parley:
        closed = close_stage(parley, stage_id=stage, actor=actor)
    if closed.awaiting:
        out.print(f"stage {closed.stage.number} awaits the cosignatures of "
                  f"{', '.join(closed.awaiting)} on its {len(closed.heads)} heads: each "
                  f"party runs `parley node cosign {closed.stage.id}` on its node, then "
                  "close again")
        return
    out.print(f"stage {closed.stage.number} closed (event {closed.event_seq})")
    for direction, row in closed.totals.items():
        out.print(f"  {direction}: " + ", ".join(f"{c} {n}" for c, n in row.items()))


@app.command("summary")
def stage_summary(
    agreement: str = typer.Option(..., "--agreement", help="Agreement id or reference."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The stage table: nominated, verified, declined, handed over, open discrepancies."""
    from parley.services.exchange.stage_summary import render_table, stage_table

    with open_app() as parley:
        summary = stage_table(parley, agreement)
    if as_json:
        print_json(summary)
        return
    for line in render_table(summary):
        out.print(line, soft_wrap=True)
