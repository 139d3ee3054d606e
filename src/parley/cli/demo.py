"""`parley demo`: the whole flow on synthetic people in a fresh directory."""

from __future__ import annotations

import shutil
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from parley.cli.common import out
from parley.errors import IntegrityFailure

if TYPE_CHECKING:
    from parley.services.ledger import LedgerReport


def demo(
    out_dir: Path = typer.Option(Path("parley-demo"), "--out", help="Directory for the demo."),
    serve: bool = typer.Option(False, "--serve", help="Then serve the demo over HTTP and "
                               "print the address and a sign-in for each role."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to serve on (--serve)."),
    port: int = typer.Option(8000, "--port", help="Port to serve on (--serve)."),
) -> None:
    """Run the Istanbul 2025 scenario end to end on synthetic data and print a summary."""
    from parley.services.demo import NODE_DIRS, open_nodes, prepare_directory, run_demo
    from parley.services.ledger import verify_ledger

    prepare_directory(out_dir)
    stale = ["parley.db", "parley.db-wal", "parley.db-shm", "keys", *NODE_DIRS.values()]
    for name in stale:
        path = out_dir / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    hub, parties = open_nodes(out_dir)
    with ExitStack() as nodes:
        for node in (hub, *parties.values()):
            nodes.enter_context(node)
        summary = run_demo(hub, out_dir, party_apps=parties)
        node_reports = {code: verify_ledger(app) for code, app in parties.items()}
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
    _nodes_verified(node_reports)
    out.print("  three nodes, each with its own data directory, keys and database: "
              + ", ".join(f"{out_dir / d}" for d in NODE_DIRS.values()), soft_wrap=True)
    out.print("  every party write signed on its own node; no party key on the hub")
    out.print(f"  inspect it: PARLEY_DATA_DIR={out_dir / 'int'} parley ledger verify "
              f"(and PARLEY_DATA_DIR={out_dir / 'ua'}, {out_dir / 'ru'})", soft_wrap=True)
    if serve:
        from parley.cli.serve import serve_demo

        serve_demo(out_dir, host=host, port=port)


def _nodes_verified(reports: dict[str, LedgerReport]) -> None:
    for code, report in reports.items():
        if not report.ok:
            raise IntegrityFailure(f"node {code}'s ledger does not verify: {report.failure}")
