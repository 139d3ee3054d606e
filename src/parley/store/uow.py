"""The unit of work: one database transaction in which projections change and events append.

Services are the only callers::

    with app.uow() as uow:
        conn = uow.exclusive()                       # the chain head's lock, then read
        conn.execute(...)                            # projection changes
        uow.append(SomethingHappened(...), actor=a)  # sealed, signed, chained
        uow.commit()                                 # see commit(): when it is durable

Leaving the block without ``commit()`` rolls everything back, events included, so the
log and the tables can never disagree.

Who makes the unit of work decides *when* ``commit()`` becomes durable (see
:meth:`UnitOfWork.commit`): the application's transaction factory, injected by the
composition root (:class:`parley.store.transactions.Transactions` for the CLI and the
tests, :class:`parley.runtime.transactions.ServerTransactions` in the server).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Protocol

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


class Lock(Protocol):
    """A lock a unit of work holds from before ``BEGIN`` until its connection is given
    back (the server's SQLite writer lock, :class:`parley.runtime.writer_lock.WriterLock`)."""

    def acquire(self) -> None: ...

    def release(self) -> None: ...


class OnceOnly(Protocol):
    """The once-only request (an ``Idempotency-Key``) a unit of work is opened for.

    Implemented by :class:`parley.runtime.idempotency.OnceOnlyRequest`; the server's
    transaction factory passes it to the one unit of work such a request may open."""

    def claim(self, uow: UnitOfWork) -> None:
        """Right after ``BEGIN``: claim the request's key in ``uow``'s transaction."""

    def hold(self, deferred: DeferredCommit) -> None:
        """At the end of a committed ``with`` block: take the transaction over."""


class UnitOfWork:
    """A write transaction plus the events it appends. Not thread-safe; one per request.

    ``within`` nests the unit of work in a transaction already open on that connection
    (the server's group commit): it becomes a savepoint and the outer transaction decides
    what becomes durable; the connection is not closed. ``writer_lock`` is held from
    before ``BEGIN`` until the connection is given back. ``once_only`` is the once-only
    request this unit of work serves: its commit is then deferred (see :meth:`commit`).
    """

    def __init__(self, engine: Engine, keyring: Keyring, clock: Clock = utc_now, *,
                 within: Connection | None = None, writer_lock: Lock | None = None,
                 once_only: OnceOnly | None = None) -> None:
        self._engine = engine
        self._keyring = keyring
        self._clock = clock
        self._within = within
        self._writer_lock = writer_lock
        self._once_only = once_only
        self._locked = False
        self._conn: Connection | None = None
        self._tx: Transaction | None = None
        self._head: tuple[int, str] | None = None
        self._deferred = False
        self.appended: list[StoredEvent] = []

    def __enter__(self) -> UnitOfWork:
        if self._writer_lock is not None:
            self._writer_lock.acquire()
            self._locked = True
        try:
            if self._within is not None:
                self._conn = self._within
                self._tx = self._within.begin_nested()
            else:
                self._conn = self._engine.connect().execution_options(parley_write=True)
                self._tx = self._conn.begin()
            if self._once_only is not None:
                self._once_only.claim(self)
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._deferred and exc_type is None and self._once_only is not None:
            # Committed inside a once-only request: the transaction stays open and
            # passes to the request, which commits it with the answer.
            self._once_only.hold(DeferredCommit(self))
            return
        self._close()

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("unit of work used outside its `with` block")
        return self._conn

    @property
    def active(self) -> bool:
        """Whether the transaction is open (begun, neither committed nor rolled back)."""
        return self._tx is not None and self._tx.is_active

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

    def exclusive(self) -> Connection:
        """Take the chain head's lock before reading the state a write decides on; returns
        the connection to read it on.

        Every write appends an event and so waits for this lock anyway; taking it first
        means that on PostgreSQL two writers never decide on the same stale reading (on
        SQLite ``BEGIN IMMEDIATE`` already serialises them)."""
        self.lock_head()
        return self.conn

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
        """Make the changes and the appended events one durable whole, never before the
        caller's answer depends on it. *When* depends on who opened the unit of work:

        - plainly (the CLI, the tests, a server write without an ``Idempotency-Key``):
          it commits here;
        - nested in the server's group commit (``within``): it releases its savepoint
          here, and the batch's one commit follows before any write of the batch is
          answered (:mod:`parley.runtime.group_commit`);
        - for a once-only request (``once_only``, a write with an ``Idempotency-Key``):
          it does **not** commit here. It moves the chain head and, at the end of the
          ``with`` block, hands the open transaction to the request as a
          :class:`DeferredCommit`; :func:`parley.runtime.idempotency.run` then writes
          the answer into the same transaction and commits the write, its key and its
          answer at once. A failure in between rolls all three back.

        The service's code is the same in every case: call ``commit()`` last and return.
        """
        if self._tx is None:
            raise RuntimeError("unit of work used outside its `with` block")
        if self._head is not None:
            seq, head = self._head
            self.conn.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": head})
        if self._once_only is not None:
            self._deferred = True
            return
        self._commit_transaction()

    def _commit_transaction(self) -> None:
        """The one statement that commits (or releases the savepoint of) this unit of
        work, whether from :meth:`commit` or from :meth:`DeferredCommit.commit`."""
        if self._tx is not None:
            self._tx.commit()

    def _close(self) -> None:
        """Roll back what is not committed, give the connection back, let the next writer in."""
        try:
            if self._tx is not None and self._tx.is_active:
                self._tx.rollback()
        finally:
            try:
                if self._conn is not None and self._within is None:
                    self._conn.close()
            finally:
                self._conn = None
                self._tx = None
                if self._locked and self._writer_lock is not None:
                    self._locked = False
                    self._writer_lock.release()


class DeferredCommit:
    """A unit of work whose service has committed, kept open for its once-only request.

    Only a unit of work opened for a once-only request makes one (see
    :meth:`UnitOfWork.commit`). It holds the transaction, its connection and the writer
    lock until it is resolved, in one place: :func:`parley.runtime.idempotency.run`
    writes the request's answer on :attr:`conn` and calls :meth:`commit`; if anything
    fails first, :meth:`close` rolls the write back with its key.
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._resolved = False

    @property
    def conn(self) -> Connection:
        """The transaction's connection, to write the answer in the same transaction."""
        return self._uow.conn

    def commit(self) -> None:
        """Commit the service's write together with what was added since; then close."""
        if self._resolved:
            raise RuntimeError("a deferred commit is resolved once")
        try:
            self._uow._commit_transaction()
        finally:
            self.close()

    def close(self) -> None:
        """Roll back unless committed, give the connection back, release the writer lock."""
        if not self._resolved:
            self._resolved = True
            self._uow._close()
