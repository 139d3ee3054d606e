"""The unit of work: one database transaction in which projections change and events append.

Services are the only callers::

    with app.uow() as uow:
        uow.conn.execute(...)                       # projection changes
        uow.append(SomethingHappened(...), actor=a)  # sealed, signed, chained
        uow.commit()

Leaving the block without ``commit()`` rolls everything back, events included, so the
log and the tables can never disagree.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType

from sqlalchemy import Engine, bindparam, insert, update
from sqlalchemy.engine import Connection, Transaction

from parley.domain.events import Event
from parley.ledger.chain import StoredEvent, seal
from parley.store.dialect import lock_chain_head
from parley.store.keys import Keyring
from parley.store.tables import chain_head, events

Clock = Callable[[], datetime]

# Built once: every write runs them.
_INSERT_EVENT = insert(events)
_MOVE_HEAD = update(chain_head).where(chain_head.c.id == 1).values(
    seq=bindparam("new_seq"), hash=bindparam("new_hash"))


def utc_now() -> datetime:
    return datetime.now(UTC)


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class UnitOfWork:
    """A write transaction plus the events it appends. Not thread-safe; one per request.

    ``within`` nests the unit of work in a transaction already open on that connection
    (group commit): it becomes a savepoint, its ``commit`` releases the savepoint and the
    outer transaction decides what becomes durable; the connection is not closed."""

    def __init__(self, engine: Engine, keyring: Keyring, clock: Clock = utc_now, *,
                 within: Connection | None = None) -> None:
        self._engine = engine
        self._keyring = keyring
        self._clock = clock
        self._within = within
        self._conn: Connection | None = None
        self._tx: Transaction | None = None
        self._head: tuple[int, str] | None = None
        self.appended: list[StoredEvent] = []

    def __enter__(self) -> UnitOfWork:
        if self._within is not None:
            self._conn = self._within
            self._tx = self._within.begin_nested()
            return self
        self._conn = self._engine.connect().execution_options(parley_write=True)
        self._tx = self._conn.begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._tx is not None and self._tx.is_active:
                self._tx.rollback()
        finally:
            if self._conn is not None and self._within is None:
                self._conn.close()
            self._conn = None
            self._tx = None

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("unit of work used outside its `with` block")
        return self._conn

    def now(self) -> datetime:
        return self._clock()

    def lock_head(self) -> tuple[int, str]:
        """The chain head ``(seq, hash)`` as this transaction will extend it; the first
        call reads it under the backend's lock (``FOR UPDATE`` on PostgreSQL; SQLite's
        ``BEGIN IMMEDIATE`` already holds the only write lock)."""
        if self._head is None:
            row = self.conn.execute(lock_chain_head(self.conn)).one()
            self._head = (int(row.seq), str(row.hash))
        return self._head

    def append(self, ev: Event, *, actor: str) -> StoredEvent:
        """Seal ``ev`` as the next event of the chain, signed by ``actor``."""
        conn = self.conn
        seq, prev = self.lock_head()
        stored = seal(
            seq=seq + 1,
            event_id=str(uuid.uuid4()),
            type=ev.name,
            actor=actor,
            recorded_at=timestamp(self._clock()),
            payload=ev.payload(),
            prev_hash=prev,
            key=self._keyring.private(actor),
        )
        conn.execute(_INSERT_EVENT, {
            "seq": stored.seq, "event_id": stored.event_id, "type": stored.type,
            "actor": stored.actor, "recorded_at": stored.recorded_at,
            "payload": stored.payload, "prev_hash": stored.prev_hash, "hash": stored.hash,
            "signature": stored.signature})
        self._head = (stored.seq, stored.hash)
        self.appended.append(stored)
        return stored

    def commit(self) -> None:
        if self._tx is None:
            raise RuntimeError("unit of work used outside its `with` block")
        if self._head is not None:
            seq, head = self._head
            self.conn.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": head})
        self._tx.commit()
