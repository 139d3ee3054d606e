"""`parley docs`: reference documents generated from the code."""

from __future__ import annotations

import sys

import typer

app = typer.Typer(help="Reference documents generated from the code.", no_args_is_help=True)


@app.command("events")
def docs_events() -> None:
    """Print the events catalogue as Markdown (the source of docs/events.md)."""
    from parley.domain.catalogue import events_markdown

    sys.stdout.write(events_markdown())
