"""`parley proof PERSON`: a family's inclusion proof against a cosigned stage head."""

from __future__ import annotations

from pathlib import Path

import typer

from parley.cli.common import open_app, out


def proof(
    person: str = typer.Argument(..., help="Person id."),
    out_file: Path = typer.Option(..., "--out", help="File to write (mode 0600)."),
    actor: str | None = typer.Option(None, "--actor", help="The intermediary's actor."),
) -> None:
    """Write the proof that the person was handed over in a stage (one leaf of the
    stage's padded persons tree, its path and the cosigned head; no record, no category)
    to --out; check it with `parley verify BUNDLE --proof FILE`."""
    from parley.services.publication.proofs import write_family_proof

    with open_app() as parley:
        written = write_family_proof(parley, person, out_file, actor=actor)
    head = written["stage_head"]["head"]
    out.print(f"proof written to {out_file}: handed over in stage {head['number']} of "
              f"{head['date']}", soft_wrap=True)
    out.print("it shows that this person was handed over: hand it to the family only",
              soft_wrap=True)
