"""`parley erase PERSON`: remove a person's personal data and salts."""

from __future__ import annotations

import typer

from parley.cli.common import open_app, out
from parley.errors import InputError


def erase(
    person: str = typer.Argument(..., help="Person id."),
    reason: str = typer.Option(..., "--reason", help="The request's reference (kept "
                                                     "in the private erasure log)."),
    yes: bool = typer.Option(False, "--yes", help="Confirm: this cannot be undone."),
    actor: str | None = typer.Option(None, "--actor", help="The intermediary's actor."),
) -> None:
    """Delete the person's sealed records and salts; the chain, heads and totals still
    verify, and the person's commitments can no longer be opened."""
    from parley.services.publication.erasure import erase_person

    if not yes:
        raise InputError("erasure cannot be undone; repeat with --yes to confirm")
    with open_app() as parley:
        result = erase_person(parley, person, reason=reason, actor=actor)
    out.print(f"person {person}: {result.records} records erased "
              f"({len(result.commitments)} commitments can no longer be opened; "
              f"event {result.event_seq})", soft_wrap=True)
