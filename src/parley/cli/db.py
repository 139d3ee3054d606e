"""`parley db`: schema migrations."""

from __future__ import annotations

import typer

from parley.cli.common import open_app, out

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema of PARLEY_DATABASE_URL to the newest revision."""
    from parley.bootstrap import safe_url, upgrade_database
    from parley.settings import Settings

    settings = Settings.from_env()
    before, after = upgrade_database(settings)
    out.print(f"{safe_url(settings.database_url)}: schema {before or 'empty'} → {after}")


@app.command("status")
def db_status() -> None:
    """Show the schema revision of the database and the newest one this Parley knows."""
    from parley.store.migrate import current_revision, head_revision

    with open_app(migrate=False) as parley:
        out.print(f"current {current_revision(parley.engine)}, newest {head_revision()}")
