"""The `parley` command starts without the heavy libraries: each command imports what it
needs when it runs (Splink, DuckDB and pandas cost about a second on every start)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("splink", "duckdb", "pandas", "pyarrow", "sqlalchemy", "alembic", "jinja2",
         "fastapi", "uvicorn", "rapidfuzz")

PROBE = f"""
import json, sys
import parley.cli
loaded = sorted(m for m in {HEAVY!r} if m in sys.modules)
from parley.cli.link import ENGINES
from parley.linkage.engines import ENGINES as LINKAGE_ENGINES
print(json.dumps({{"loaded": loaded, "engines": ENGINES == LINKAGE_ENGINES}}))
"""


def test_importing_the_cli_loads_no_heavy_library() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          check=True, timeout=120)
    found = json.loads(done.stdout)
    assert found["loaded"] == [], "import these inside the command that needs them"
    # The engine names the help texts show are the linkage package's own.
    assert found["engines"] is True


def test_every_command_module_still_builds_its_commands() -> None:
    """Lazy imports must not hide a broken command: --help of each group renders."""
    from typer.testing import CliRunner

    from parley.cli import app

    runner = CliRunner()
    names = ["db", "docs", "keys", "ledger", "demo", "publish", "verify", "proof", "erase",
             "import", "lists", "quarantine", "export", "link", "resolve", "review", "serve",
             "users", "tokens", "agreement", "stage", "remains", "statement", "person"]
    for name in names:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
