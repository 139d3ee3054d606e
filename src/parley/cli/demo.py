"""`parley demo`: the whole flow on synthetic people in a fresh directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import typer

from parley.cli.common import out
from parley.errors import IntegrityFailure


def demo(
    out_dir: Path = typer.Option(Path("parley-demo"), "--out", help="Directory for the demo."),
    serve: bool = typer.Option(False, "--serve", help="Then serve the demo over HTTP and "
                               "print the address and a sign-in for each role."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to serve on (--serve)."),
    port: int = typer.Option(8000, "--port", help="Port to serve on (--serve)."),
) -> None:
    """Run the Istanbul 2025 scenario end to end on synthetic data and print a summary."""
    from parley.bootstrap import bootstrap
    from parley.services.demo import prepare_directory, run_demo
    from parley.settings import Settings

    prepare_directory(out_dir)
    for stale in ("parley.db", "parley.db-wal", "parley.db-shm", "keys"):
        path = out_dir / stale
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    with bootstrap(Settings.for_directory(out_dir)) as parley:
        summary = run_demo(parley, out_dir)
    out.print(f"Parley demo in {summary.directory}")
    out.print(f"  parties: {', '.join(summary.parties)}")
    for item in summary.lists:
        out.print(f"  list {item['source']} ({item['kind']}): {item['accepted']} accepted, "
                  f"{item['quarantined']} quarantined")
    out.print(f"  identities: {summary.identity}", soft_wrap=True)
    out.print(f"  agreement {summary.agreement.get('reference')}: signed by "
              f"{', '.join(summary.agreement.get('signed_by', []))}", soft_wrap=True)
    for line in summary.events:
        out.print(f"  {line}", soft_wrap=True, markup=False)
    out.print("")
    for line in summary.table_lines:
        out.print(line, soft_wrap=True, markup=False)
    out.print(f"  stage table written to {out_dir / 'summary.json'}")
    if summary.untraced:
        raise IntegrityFailure(f"demo stage table does not match its events: "
                               f"{summary.untraced[0]}")
    out.print("  every figure of the table recounted from the signed events: all agree")
    out.print("  person statuses: " + ", ".join(
        f"{k.replace('_', ' ')} {v}" for k, v in summary.statuses.items()), soft_wrap=True)
    if summary.bundle is not None:
        if not summary.bundle.verified.ok:
            raise IntegrityFailure(f"demo bundle does not verify: "
                                   f"{summary.bundle.verified.failure}")
        for line in summary.bundle.lines():
            out.print(f"  {line}", soft_wrap=True)
    report = summary.ledger
    if report is None or report.failure is not None:
        raise IntegrityFailure(f"demo ledger does not verify: {report and report.failure}")
    out.print(f"  ledger verified: {report.events} events, head {report.head[:16]}…")
    out.print(f"  inspect it: PARLEY_DATABASE_URL=sqlite:///{out_dir / 'parley.db'} "
              f"PARLEY_KEY_DIR={out_dir / 'keys'} parley ledger verify")
    if serve:
        from parley.cli.serve import serve_demo

        serve_demo(out_dir, host=host, port=port)
