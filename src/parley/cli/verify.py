"""`parley verify BUNDLE`: check a published bundle (and a family proof) offline."""

from __future__ import annotations

from pathlib import Path

import typer

from parley.cli.common import out
from parley.errors import IntegrityFailure


def verify(
    bundle: Path = typer.Argument(..., help="The bundle directory."),
    proof: Path | None = typer.Option(None, "--proof", help="A family proof file to check."),
    workers: int | None = typer.Option(None, "--workers",
                                       help="Processes for signature checks (default: all "
                                            "cores)."),
) -> None:
    """Check every hash, link, signature, cosignature, checkpoint and total of a bundle
    with nothing but its files; exit 0 only if everything holds."""
    from parley.reports import verify_bundle, verify_proof

    result = verify_proof(bundle, proof, workers=workers) if proof is not None \
        else verify_bundle(bundle, workers=workers)
    if result.failure is not None:
        raise IntegrityFailure(f"does not verify: {result.failure}")
    out.print(f"bundle verified: {result.events} events ({result.withheld} withheld), "
              f"{result.checkpoints} checkpoints, {result.heads} stage heads with "
              f"{result.cosignatures} cosignatures, {result.totals} totals recomputed",
              soft_wrap=True)
    for note in result.notes:
        out.print(f"  {note}", soft_wrap=True)
    if proof is not None:
        out.print(f"proof verified: {proof}", soft_wrap=True)
