"""`parley publish`: write the verification bundle and report; hold or release a stage."""

from __future__ import annotations

from pathlib import Path

import typer

from parley.cli.common import open_app, out
from parley.errors import InputError
from parley.reports.policy import DEFAULT_K

app = typer.Typer(help="Publish the verification bundle and the public report; hold or "
                       "release a stage's figures.", invoke_without_command=True)


@app.callback()
def publish(
    ctx: typer.Context,
    out_dir: Path | None = typer.Option(None, "--out", help="Directory for the bundle."),
    k: int = typer.Option(DEFAULT_K, "--k", envvar="PARLEY_PUBLISH_K",
                          help="Counts from 1 to k-1 are withheld, with whatever "
                               "would give them away."),
    actor: str | None = typer.Option(None, "--actor",
                                     help="The intermediary's actor who signs."),
) -> None:
    """Write the bundle (public events, checkpoint, cosigned stage heads, figures,
    totals, CSV, report; never the event chain) to --out, signed by the intermediary."""
    from parley.services.publication.publish import publish_bundle

    if ctx.invoked_subcommand is not None:
        return
    if out_dir is None:
        raise InputError("parley publish needs --out DIR (or a subcommand: hold, release)")
    with open_app() as parley:
        result = publish_bundle(parley, out_dir, k=k, actor=actor)
    out.print(f"bundle written to {result.directory}: {result.stages} closed stages "
              f"({result.withheld_figures} figures withheld), {result.public_events} "
              f"public events, checkpoint at {result.tree_size} events", soft_wrap=True)
    for stage in result.held_stages:
        out.print(f"  stage {stage}: figures held back", soft_wrap=True)
    out.print(f"  report: {out_dir / 'index.html'}; check it with `parley verify {out_dir}`",
              soft_wrap=True)


@app.command("hold")
def hold(
    stage: str = typer.Argument(..., help="Stage id."),
    until: str | None = typer.Option(None, "--until",
                                     help="Publish from this date (YYYY-MM-DD) on."),
    reason: str = typer.Option(..., "--reason", help="Why (shown in the public report)."),
    actor: str | None = typer.Option(None, "--actor", help="The intermediary's actor."),
) -> None:
    """Hold a stage's figures back until a date or a release decision."""
    from parley.services.publication.publish import hold_stage

    with open_app() as parley:
        seq = hold_stage(parley, stage_id=stage, until=until, reason=reason, actor=actor)
    out.print(f"stage {stage} held {'until ' + until if until else 'until released'} "
              f"(event {seq})", soft_wrap=True)


@app.command("release")
def release(
    stage: str = typer.Argument(..., help="Stage id."),
    reason: str = typer.Option(..., "--reason", help="Why the figures may be published."),
    actor: str | None = typer.Option(None, "--actor", help="The intermediary's actor."),
) -> None:
    """Release a held stage: its figures are published from the next bundle on."""
    from parley.services.publication.publish import release_stage

    with open_app() as parley:
        seq = release_stage(parley, stage_id=stage, reason=reason, actor=actor)
    out.print(f"stage {stage} released (event {seq})", soft_wrap=True)
