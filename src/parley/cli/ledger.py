"""`parley ledger`: check the signed event chain."""

from __future__ import annotations

import typer

from parley.cli.common import open_app, out
from parley.errors import IntegrityFailure

app = typer.Typer(help="The signed, chained event log.", no_args_is_help=True)


@app.command("verify")
def ledger_verify() -> None:
    """Re-check every event's hash, chain link and signature; name the first bad event."""
    from parley.services.ledger import verify_ledger

    with open_app(migrate=False) as parley:
        report = verify_ledger(parley)
    if report.failure is not None:
        raise IntegrityFailure(f"ledger does not verify: {report.failure}")
    out.print(f"ledger verified: {report.events} events, head {report.head}")
