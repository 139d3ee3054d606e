"""`parley verify BUNDLE`: check a published bundle (and a family proof) offline."""

from __future__ import annotations

from pathlib import Path

import typer

from parley.cli.common import out
from parley.errors import IntegrityFailure


def verify(
    bundle: Path = typer.Argument(..., help="The bundle directory."),
    proof: Path | None = typer.Option(None, "--proof", help="A family proof file to check."),
) -> None:
    """Check every published figure against the cosigned stage heads, and every
    signature, with nothing but the bundle's files; exit 0 only if everything holds,
    else name the first figure that does not."""
    from parley.reports import verify_bundle, verify_proof

    result = verify_proof(bundle, proof) if proof is not None else verify_bundle(bundle)
    if result.failure is not None:
        raise IntegrityFailure(f"does not verify: {result.failure}")
    out.print(f"bundle verified: {result.summary()}", soft_wrap=True)
    for note in result.notes:
        out.print(f"  {note}", soft_wrap=True)
    if proof is not None:
        out.print(f"proof verified: {proof}", soft_wrap=True)
