"""Everything that differs between SQLite and PostgreSQL, in one place.

SQLite (the embedded default) runs in WAL mode with ``synchronous=FULL`` (an acknowledged
commit survives power loss), foreign keys on and ``secure_delete`` (deleted content is
zeroed); a write transaction starts with
``BEGIN IMMEDIATE`` so writers queue for the lock instead of failing halfway, and a read
with ``BEGIN DEFERRED``, which in WAL mode reads one snapshot from its first statement to
its end. On PostgreSQL the chain head row is locked ``FOR UPDATE`` before an event is
appended, and a read runs ``REPEATABLE READ, READ ONLY`` (:func:`snapshot`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.sql import Select

from parley.errors import ConfigError
from parley.store.tables import chain_head

SQLITE_BUSY_TIMEOUT_MS = 60_000
POOL_SIZE = 20  # connections kept per process (and as many more at a peak)


def create_store_engine(url: str, *, durable: bool = True) -> Engine:
    """An engine for ``url`` with Parley's connection settings; checks the URL only."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            f"PARLEY_DATABASE_URL {url!r} is not a database URL "
            "(expected sqlite:///path or postgresql+psycopg://user@host/db)"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            raise ConfigError("an in-memory SQLite database cannot hold Parley's record")
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        # As many pooled connections as a server process has threads, so none is opened
        # and closed per request (each new one pays for its PRAGMAs).
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
                               pool_size=POOL_SIZE, max_overflow=POOL_SIZE)
        _configure_sqlite(engine, durable=durable)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            # No ping before each use (a round trip per connection checkout, a third of
            # a status read's cost): after a server restart the requests holding stale
            # connections fail once with 503 (nothing half-done, retried by the client),
            # and SQLAlchemy then replaces every pooled connection of that age.
            return create_engine(parsed, pool_pre_ping=False, pool_size=POOL_SIZE,
                                 max_overflow=POOL_SIZE)
        except NoSuchModuleError as exc:
            raise ConfigError(f"unsupported PostgreSQL driver in {url!r}: {exc}") from None
    raise ConfigError(
        f"unsupported database {backend!r} in PARLEY_DATABASE_URL (sqlite or postgresql)"
    )


def _configure_sqlite(engine: Engine, *, durable: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={'FULL' if durable else 'OFF'}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # Deleted or replaced content is overwritten with zeros, not left in free space
        # of the file: an erased person's sealed record must not be recoverable from it.
        cur.execute("PRAGMA secure_delete=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get("parley_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


def is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def snapshot(conn: Connection) -> Connection:
    """``conn`` set up so that its next transaction reads one consistent snapshot.

    PostgreSQL: ``REPEATABLE READ, READ ONLY`` (at the default READ COMMITTED every
    statement would see the writes committed since the one before). psycopg sends both
    with the ``BEGIN``, and the pool resets them when the connection is given back.
    SQLite: unchanged; its ``BEGIN DEFERRED`` transaction in WAL mode already reads the
    snapshot taken at its first statement until it ends."""
    if is_sqlite(conn):
        return conn
    return conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)


_READ_HEAD = select(chain_head.c.seq, chain_head.c.hash).where(chain_head.c.id == 1)
_LOCK_HEAD = _READ_HEAD.with_for_update()


def lock_chain_head(conn: Connection) -> Select[Any]:
    """The statement that reads the chain head, locking it where the backend can (built
    once: every write runs it)."""
    return _READ_HEAD if is_sqlite(conn) else _LOCK_HEAD


def flush_write_ahead_log(engine: Engine) -> bool:
    """On SQLite, copy the write-ahead log into the database file and truncate it, so the
    page versions it holds from before the last write (an erased record's) are gone.
    Returns False when readers kept it from completing (the next checkpoint finishes it);
    PostgreSQL keeps old row versions until VACUUM reuses their space, which Parley does
    not force."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as conn:
        # Never wait: a write transaction still open (an idempotent request settles its
        # answer after the service returns) would hold the checkpoint for the busy timeout.
        conn.exec_driver_sql("PRAGMA busy_timeout=0")
        try:
            busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
        finally:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    return busy is not None and busy[0] == 0
