"""Schema migrations (Alembic), run programmatically: ``parley db upgrade`` and bootstrap.

Alembic is imported when a migration step runs, not with this module: most commands only
compare the database's revision with the newest one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from parley.store.crypto import RecordCipher

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The newest revision: the file name of the last migration in the linear chain."""
    names = sorted(p.stem for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    return names[-1]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:
            return None


def upgrade(engine: Engine, *, cipher: RecordCipher | None = None) -> tuple[str | None, str]:
    """Bring the schema to the newest revision; returns (before, after).

    ``cipher`` (the data key) lets a migration seal what earlier revisions kept in clear;
    without it such a migration refuses a database that has rows to seal."""
    from alembic import command

    before = current_revision(engine)
    if before == head_revision():
        return before, before
    cfg = _config()
    with engine.connect().execution_options(parley_write=True) as conn:
        cfg.attributes["connection"] = conn
        cfg.attributes["cipher"] = cipher
        command.upgrade(cfg, "head")
        conn.commit()
    return before, head_revision()
