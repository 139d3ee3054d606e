"""The composition root: the one place that turns settings into a working Parley.

The CLI, the HTTP server and the tests all call :func:`bootstrap`; nothing else opens
the database or reads key files, and nothing does so at import time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError

from parley.errors import ConfigError
from parley.settings import Settings
from parley.store import Keyring, RecordCipher, UnitOfWork
from parley.store.crypto import KEY_FILE, load_or_create_data_key
from parley.store.dialect import create_store_engine
from parley.store.migrate import current_revision, head_revision, upgrade
from parley.store.transactions import Transactions
from parley.store.uow import Clock, utc_now


@dataclass
class App:
    """Everything a service needs: the database, the keys, the data cipher, the clock,
    and ``transactions``, the factory its units of work and reads come from.

    :func:`bootstrap` gives it the plain :class:`~parley.store.transactions.Transactions`;
    the server replaces it with :class:`parley.runtime.transactions.ServerTransactions`
    (see :func:`parley.api.create_app`). Services see no difference.

    A command that runs once uses it as a context manager (``with bootstrap() as app:``),
    which closes the engine when the block ends.
    """

    settings: Settings
    engine: Engine
    keyring: Keyring
    cipher: RecordCipher
    transactions: Transactions
    clock: Clock = field(default=utc_now)

    def uow(self) -> UnitOfWork:
        """A new unit of work for one service call (see :meth:`UnitOfWork.commit` for when
        its ``commit()`` becomes durable)."""
        return self.transactions.unit_of_work(self.clock)

    def read(self) -> AbstractContextManager[Connection]:
        """A read-only transaction over one consistent snapshot (``REPEATABLE READ, READ
        ONLY`` on PostgreSQL, a deferred transaction on SQLite)."""
        return self.transactions.read()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the engine however the block ends; an exception goes on unchanged."""
        self.close()


def bootstrap(settings: Settings | None = None, *, migrate: bool = True,
              clock: Clock = utc_now) -> App:
    """Build the application from ``settings`` (default: the environment).

    With ``migrate`` the schema is brought to the newest revision; without it, a database
    that is not at the newest revision is refused with a message saying what to run.
    """
    settings = settings or Settings.from_env()
    logging.basicConfig(level=getattr(logging, settings.log_level, logging.WARNING))
    engine = create_store_engine(settings.database_url)
    with _database_errors(settings, engine):
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        if migrate:
            # A migration may seal what earlier revisions kept in clear: it needs the key.
            upgrade(engine, cipher=existing_cipher(settings))
        elif current_revision(engine) != head_revision():
            raise ConfigError(
                f"the database at {safe_url(settings.database_url)} is not initialised or "
                "not up to date; run `parley db upgrade`"
            )
    with engine.connect() as conn:
        fresh = conn.execute(text("SELECT seq FROM chain_head WHERE id = 1")).scalar() == 0
    # A new data key only for an empty ledger: for an existing one a missing key means
    # the records cannot be opened, and that must be said, not papered over.
    cipher = RecordCipher(load_or_create_data_key(settings.key_dir, create=fresh))
    keyring = Keyring(settings.key_dir)
    return App(settings=settings, engine=engine, keyring=keyring, cipher=cipher,
               transactions=Transactions(engine, keyring), clock=clock)


def upgrade_database(settings: Settings | None = None) -> tuple[str | None, str]:
    """Migrate the configured database to the newest schema; returns (before, after)."""
    settings = settings or Settings.from_env()
    engine = create_store_engine(settings.database_url)
    try:
        with _database_errors(settings, engine):
            return upgrade(engine, cipher=existing_cipher(settings))
    finally:
        engine.dispose()


def existing_cipher(settings: Settings) -> RecordCipher | None:
    """The data key's cipher if the key file exists (a new database has none yet)."""
    if not (settings.key_dir / KEY_FILE).exists():
        return None
    return RecordCipher(load_or_create_data_key(settings.key_dir, create=False))


@contextmanager
def _database_errors(settings: Settings, engine: Engine) -> Iterator[None]:
    """Turn a driver's failure to connect or migrate into one clear ConfigError."""
    try:
        yield
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise ConfigError(
            f"cannot use the database at {safe_url(settings.database_url)}: {reason}"
        ) from None


def safe_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a message helper must never fail
        return "<unparseable URL>"
