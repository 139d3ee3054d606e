"""The `parley` command. Each area registers its commands from a module of this package.

:func:`main` is the console entry point: it turns every :class:`ParleyError` (and any
database or OS failure) into one line on stderr and a non-zero exit, never a traceback
(set ``PARLEY_DEBUG=1`` to see one).
"""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

import typer

from parley.cli import (
    agreement,
    db,
    demo,
    docs,
    erase,
    exchange_records,
    imports,
    keys,
    ledger,
    link,
    node,
    proof,
    publish,
    serve,
    stage,
    users,
    verify,
)
from parley.cli.common import console_error, describe_os_error
from parley.errors import ParleyError

app = typer.Typer(
    name="parley",
    help="Prisoner-of-war exchanges through a neutral intermediary, traced person by person.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(docs.app, name="docs")
app.add_typer(keys.app, name="keys")
app.add_typer(node.app, name="node")
app.add_typer(ledger.app, name="ledger")
app.command("demo")(demo.demo)
app.add_typer(publish.app, name="publish")
app.command("verify")(verify.verify)
app.command("proof")(proof.proof)
app.command("erase")(erase.erase)
app.command("import")(imports.import_command)
app.command("lists")(imports.lists_command)
app.add_typer(imports.quarantine_app, name="quarantine")
app.add_typer(imports.export_app, name="export")
app.command("link")(link.link_command)
app.command("resolve")(link.resolve_command)
app.add_typer(link.review_app, name="review")
app.command("serve")(serve.serve)
app.add_typer(users.app, name="users")
app.add_typer(users.tokens, name="tokens")
app.add_typer(agreement.app, name="agreement")
app.add_typer(stage.app, name="stage")
app.add_typer(exchange_records.remains_app, name="remains")
app.add_typer(exchange_records.statement_app, name="statement")
app.add_typer(exchange_records.person_app, name="person")


def main() -> None:
    if not isinstance(sys.stdout, _NamedOutput):
        sys.stdout = _NamedOutput(sys.stdout)  # type: ignore[assignment]
    try:
        try:
            app(standalone_mode=True)
        finally:
            _flush_stdout()
    except ParleyError as exc:
        console_error(str(exc))
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        # The reader went away (`parley … | head`): nothing to say to anyone.
        _discard_stdout()
        sys.exit(141)
    except OSError as exc:
        if os.environ.get("PARLEY_DEBUG"):
            raise
        _discard_stdout()
        message, code = describe_os_error(exc)
        console_error(message)
        sys.exit(code)
    except KeyboardInterrupt:
        console_error("interrupted; nothing was written by the step that was running")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("PARLEY_DEBUG"):
            raise
        console_error(f"internal error ({type(exc).__name__}): {exc}; "
                      "run with PARLEY_DEBUG=1 for details")
        sys.exit(1)


def _flush_stdout() -> None:
    """A full disk or a closed pipe shows when output is flushed: here, not at exit."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        raise _named(exc) from None


class _NamedOutput:
    """sys.stdout, with its failures naming it: an error writing to a full disk carries
    no path of its own, and the one line the user gets must say what could not be
    written."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise _named(exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise _named(exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _named(exc: OSError) -> OSError:
    if exc.filename is None and not isinstance(exc, BrokenPipeError):
        exc.filename = "standard output"
    return exc


def _discard_stdout() -> None:
    """Send what is still buffered for stdout to /dev/null, so the interpreter's own
    flush at exit does not fail a second time with a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
