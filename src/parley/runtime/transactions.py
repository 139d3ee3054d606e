"""The server's transaction factory: units of work that take part in group commit and in
once-only requests, injected into the server's :class:`~parley.bootstrap.App` by
:func:`parley.api.create_app`.

Services call ``app.uow()`` and ``app.read()`` as everywhere else. What differs is what
they get, decided here from two context variables that the request's own machinery sets:

- :data:`parley.runtime.group_commit.BATCH_CONNECTION`: the write runs in a group-commit
  batch, so the unit of work nests in the batch's transaction as a savepoint and a read
  uses the batch's connection (it sees what earlier writes of the batch did);
- :data:`parley.runtime.idempotency.ONCE_ONLY_REQUEST`: the write carries an
  Idempotency-Key, so the unit of work claims the key and its commit is deferred until
  the answer is kept (:class:`~parley.store.uow.DeferredCommit`).

Outside a batch, a unit of work on SQLite holds the :class:`WriterLock` from before
``BEGIN`` until its connection is given back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.runtime import group_commit, idempotency
from parley.runtime.writer_lock import WriterLock
from parley.store.keys import Keyring
from parley.store.transactions import Transactions
from parley.store.uow import Clock, UnitOfWork


class ServerTransactions(Transactions):
    """Units of work and reads as a server process runs them (see the module docstring).

    ``strict``: a service that opens a second unit of work inside a once-only request
    raises :class:`parley.runtime.idempotency.SecondUnitOfWork` (the default, and what
    the tests run); the deployed server is lenient (see :mod:`parley.runtime.idempotency`).
    """

    #: The class of the units of work it opens (the crash harness's broken build,
    #: ``bench/crash_faults.py``, substitutes one that commits late).
    unit_class: type[UnitOfWork] = UnitOfWork

    def __init__(self, engine: Engine, keyring: Keyring, *, strict: bool = True) -> None:
        super().__init__(engine, keyring)
        self.strict = strict
        self.writer_lock = writer_lock_for(engine)

    def unit_of_work(self, clock: Clock) -> UnitOfWork:
        batch = group_commit.current_connection()
        request = idempotency.current_request()
        serves = request.serves(strict=self.strict) if request is not None else None
        return self.unit_class(
            self.engine, self.keyring, clock, within=batch, once_only=serves,
            # Nested in a batch, the batch's writer thread holds the writer lock.
            writer_lock=self.writer_lock if batch is None else None)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """As :meth:`Transactions.read`; inside a group commit, the batch's own connection,
        so a write reads what the writes before it in the batch did."""
        batch = group_commit.current_connection()
        if batch is not None:
            yield batch
            return
        with super().read() as conn:
            yield conn


def writer_lock_for(engine: Engine) -> WriterLock | None:
    """The writer lock for an SQLite database (a file beside it); None for PostgreSQL,
    where the chain head's row lock orders the writers."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    return WriterLock(f"{database}-writer.lock" if database else None)


def service_app(app: App, *, strict: bool = True) -> App:
    """``app`` as a server process runs it: the same database, keys, cipher and clock,
    with :class:`ServerTransactions` injected. Used by :func:`parley.api.create_app` and
    by tests that drive once-only requests or group commit without HTTP."""
    return replace(app, transactions=ServerTransactions(app.engine, app.keyring,
                                                        strict=strict))
