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
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Protocol

from sqlalchemy import Engine, bindparam, insert, select, update
from sqlalchemy.engine import Connection, Transaction

from parley.domain.events import Event
from parley.errors import Replayed, SignatureRefused
from parley.ledger.canonical import canonical_json
from parley.ledger.chain import (
    Statement,
    StoredEvent,
    make_statement,
    record,
    sign_statement,
    verify_statement,
)
from parley.ledger.keys import KeyRecord, KeyRefused, change, signer
from parley.store import statements as remote
from parley.store.dialect import lock_chain_head
from parley.store.keys import Keyring
from parley.store.tables import actors, chain_head, events, signing_keys

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


# How far a statement's occurred_at may lie ahead of the hub's clock (the nodes' clocks).
CLOCK_SKEW = timedelta(minutes=5)
_NO_SIGNATURE = "0" * 128


class TableKeys:
    """The keys and actors as the hub's tables hold them (a :class:`KeySource`)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def key(self, key_id: str) -> KeyRecord | None:
        r = self.conn.execute(select(signing_keys).where(signing_keys.c.key_id == key_id)).first()
        if r is None:
            return None
        return KeyRecord(key_id=r.key_id, actor=r.actor, party=r.party_code,
                         public_key=r.public_key, added_seq=r.added_seq,
                         revoked_seq=r.revoked_seq, revoked_from=r.revoked_from)

    def party_of(self, actor: str) -> str | None:
        party = self.conn.execute(select(actors.c.party_code).where(actors.c.id == actor)).scalar()
        return None if party is None else str(party)

    def current_key(self, actor: str) -> str | None:
        """The newest unrevoked key of ``actor``."""
        kid = self.conn.execute(
            select(signing_keys.c.key_id).where(signing_keys.c.actor == actor,
                                                signing_keys.c.revoked_seq.is_(None))
            .order_by(signing_keys.c.added_seq.desc()).limit(1)).scalar()
        return None if kid is None else str(kid)


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

    def occurred(self) -> str:
        """When what this write records happened: now, unless the write says otherwise
        (:attr:`parley.store.statements.Signatures.occurred_at`)."""
        sigs = remote.current()
        if sigs is not None and sigs.occurred_at:
            return sigs.occurred_at
        return timestamp(self._clock())

    def new_id(self) -> str:
        """A fresh id for something this write creates (the same in a signed write's
        prepare and submit runs: :meth:`parley.store.statements.Signatures.new_id`)."""
        sigs = remote.current()
        return sigs.new_id() if sigs is not None else str(uuid.uuid4())

    def append(self, ev: Event, *, actor: str, occurred_at: str | None = None
               ) -> StoredEvent:
        """Record ``ev`` as the next event of the chain, signed by ``actor``.

        The actor's key signs here if it is on this machine; otherwise the current signed
        write must bring ``actor``'s statement over exactly this payload
        (:mod:`parley.store.statements`), or, when preparing, the statement is noted as
        wanted. ``occurred_at`` defaults to now."""
        payload = ev.payload()
        sigs = remote.current()
        signed = sigs.take(actor, ev.name, payload) if sigs is not None else None
        if signed is not None:
            return self.append_signed(signed.statement, signed.signature, payload)
        when = occurred_at or self.occurred()
        if not self._keyring.has(actor):
            if sigs is not None and sigs.signer is not None:
                template = make_statement(event_id=str(uuid.uuid4()), type=ev.name,
                                          actor=actor, key=TableKeys(self.conn).current_key(
                                              actor) or "0" * 16, occurred_at=when,
                                          payload=payload)
                signed = sigs.signer(template, payload)
                return self.append_signed(signed.statement, signed.signature, payload)
            if sigs is not None and sigs.preparing:
                kid = TableKeys(self.conn).current_key(actor) or "0" * 16
                statement = make_statement(event_id=str(uuid.uuid4()), type=ev.name,
                                           actor=actor, key=kid, occurred_at=when,
                                           payload=payload)
                sigs.wanted.append(remote.Wanted(statement, payload))
                return self._place(statement, _NO_SIGNATURE, payload)
            raise SignatureRefused(
                f"{ev.name} must be signed by {actor} with its own key, which is not on "
                "this machine: make this write from the party's own Parley (`parley node "
                "…`), which signs it there (docs/protocol.md)", reason="signature_required")
        key = self._keyring.private(actor)
        statement = make_statement(event_id=str(uuid.uuid4()), type=ev.name, actor=actor,
                                   key=self._keyring.key_id(actor), occurred_at=when,
                                   payload=payload)
        return self.append_signed(statement, sign_statement(statement, key), payload,
                                  trusted=True)

    def append_signed(self, statement: Statement, signature: str, payload: dict[str, Any],
                      *, trusted: bool = False) -> StoredEvent:
        """Record a statement signed by its actor, after checking its key (registered,
        the actor's, not revoked at ``occurred_at``), its signature (unless ``trusted``:
        signed a moment ago in this process) and that it is not in the chain already."""
        conn = self.conn
        table = TableKeys(conn)
        try:
            key = signer(table, seq=0, actor=statement.actor, key=statement.key_id,
                         occurred_at=statement.occurred_at, type=statement.type,
                         payload=payload)
        except KeyRefused as exc:
            text = str(exc)
            reason = "key_revoked" if "revoked" in text else (
                "unknown_key" if "unknown key" in text else "bad_statement")
            raise SignatureRefused(text, reason=reason) from None
        if not trusted:
            if statement.occurred_at > timestamp(self._clock() + CLOCK_SKEW):
                raise SignatureRefused(
                    f"statement {statement.event_id} occurred at {statement.occurred_at}, "
                    "later than the hub's clock allows", reason="bad_statement")
            if not verify_statement(statement, key.public_key, signature):
                raise SignatureRefused(
                    f"the signature of {statement.actor} with key {statement.key_id} does "
                    f"not verify over statement {statement.event_id} ({statement.type})",
                    reason="bad_signature")
            seen = conn.execute(select(events.c.seq).where(
                events.c.event_id == statement.event_id)).scalar()
            if seen is not None or any(e.event_id == statement.event_id for e in self.appended):
                raise Replayed(f"statement {statement.event_id} ({statement.type} by "
                               f"{statement.actor}) is already recorded"
                               + (f" as event {seen}" if seen is not None else ""))
        stored = self._place(statement, signature, payload)
        try:
            ch = change(table, seq=stored.seq, actor=statement.actor, signed_by=key,
                        type=statement.type, payload=payload,
                        occurred_at=statement.occurred_at)
        except KeyRefused as exc:
            raise SignatureRefused(str(exc), reason="bad_statement") from None
        if ch is not None and ch.add is not None:
            conn.execute(insert(signing_keys).values(
                key_id=ch.add.key_id, actor=ch.add.actor, party_code=ch.add.party,
                public_key=ch.add.public_key, added_seq=stored.seq))
        if ch is not None and ch.revoke is not None:
            conn.execute(update(signing_keys).where(signing_keys.c.key_id == ch.revoke)
                         .values(revoked_seq=stored.seq, revoked_from=ch.revoke_from))
        return stored

    def _place(self, statement: Statement, signature: str, payload: dict[str, Any]
               ) -> StoredEvent:
        seq, prev = self.lock_head()
        stored = record(seq=seq + 1, prev_hash=prev, recorded_at=timestamp(self._clock()),
                        statement=statement, signature=signature,
                        payload_text=canonical_json(payload).decode("utf-8"))
        self.conn.execute(_INSERT_EVENT, {
            "seq": stored.seq, "event_id": stored.event_id, "type": stored.type,
            "actor": stored.actor, "recorded_at": stored.recorded_at,
            "payload": stored.payload, "prev_hash": stored.prev_hash, "hash": stored.hash,
            "signature": stored.signature, "version": 2, "key_id": stored.key_id,
            "occurred_at": stored.occurred_at, "payload_hash": stored.payload_hash})
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
        sigs = remote.current()
        if sigs is not None and sigs.wanted:
            raise remote.PrepareDone(list(sigs.wanted))
        if sigs is not None:
            sigs.check_all_used()
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
