"""Schema migrations (Alembic), run programmatically: ``parley db upgrade`` and bootstrap.

Alembic is imported when a migration step runs, not with this module: most commands only
compare the database's revision with the newest one.

On SQLite, a migration that adds a constraint copies the table (Alembic's batch mode),
and dropping the old copy would trip the foreign keys of every table that points at it.
As SQLite's own procedure for schema changes prescribes, foreign keys are therefore off
while migrations run (they can only be switched outside a transaction), every key is
checked before the commit, and they are on again before the connection goes back to the
pool.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from parley.errors import IntegrityFailure
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
    with _migrating(engine) as conn:
        cfg.attributes["connection"] = conn
        cfg.attributes["cipher"] = cipher
        command.upgrade(cfg, "head")
    return before, head_revision()


def downgrade(engine: Engine, revision: str, *, cipher: RecordCipher | None = None) -> None:
    """Take the schema back to ``revision`` (for tests of a migration's upgrade path)."""
    from alembic import command

    cfg = _config()
    with _migrating(engine) as conn:
        cfg.attributes["connection"] = conn
        cfg.attributes["cipher"] = cipher
        command.downgrade(cfg, revision)


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """A write connection for migrations, committed when the block ends without error;
    on SQLite with foreign keys off meanwhile and checked before the commit."""
    with engine.connect().execution_options(parley_write=True) as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(conn, on=False)
        try:
            yield conn
            if sqlite:
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise IntegrityFailure(f"after migrating, {len(broken)} rows point at "
                                           f"rows that do not exist (first: {tuple(broken[0])})")
            conn.commit()
        finally:
            if sqlite:
                if conn.in_transaction():
                    conn.rollback()
                _sqlite_foreign_keys(conn, on=True)


def _sqlite_foreign_keys(conn: Connection, *, on: bool) -> None:
    # Straight to the driver: through SQLAlchemy the PRAGMA would first open a transaction,
    # inside which SQLite ignores it.
    driver = conn.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
