"""How an application opens its transactions: the factory the composition root injects.

:class:`parley.bootstrap.App` does not build units of work or read connections itself;
``App.uow()`` and ``App.read()`` ask the :class:`Transactions` it was given:

- :func:`parley.bootstrap.bootstrap` (the CLI, the tests, the benchmarks) gives it this
  plain one: every unit of work and every read on a connection of its own;
- the server (:func:`parley.api.create_app`) gives it
  :class:`parley.runtime.transactions.ServerTransactions`, which joins units of work to
  the group commit and to once-only requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from parley.store.dialect import snapshot
from parley.store.keys import Keyring
from parley.store.uow import Clock, UnitOfWork


class Transactions:
    """Units of work and snapshot reads, each on its own pooled connection."""

    def __init__(self, engine: Engine, keyring: Keyring) -> None:
        self.engine = engine
        self.keyring = keyring

    def unit_of_work(self, clock: Clock) -> UnitOfWork:
        """A unit of work that commits when its service calls ``commit()``."""
        return UnitOfWork(self.engine, self.keyring, clock)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction over one consistent snapshot: every statement in the
        block sees the database as it was at the first, whatever commits meanwhile
        (``REPEATABLE READ, READ ONLY`` on PostgreSQL; a deferred transaction on SQLite,
        see :func:`parley.store.dialect.snapshot`)."""
        with self.engine.connect() as conn:
            reader = snapshot(conn)
            with reader.begin():
                yield reader
