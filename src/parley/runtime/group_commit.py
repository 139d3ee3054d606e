"""Group commit: short writes of one server process share one transaction and one fsync.

Every write appends to the one chain, so writes are serial by nature: on SQLite one
writer holds the database, on PostgreSQL one transaction holds the chain head. Done one
transaction per request, each write pays for its own ``BEGIN``, lock hand-over and
durable commit, and the request threads of a busy server queue on the lock.

:class:`GroupCommit` gives each server process one writer thread. Request threads hand it
their write (the whole idempotent operation: key claim, service call, answer) and wait.
The writer takes every write waiting, opens one transaction, runs each write in its own
savepoint (a write that fails rolls back alone and reports its own error), commits once
and only then wakes the request threads: nothing is acknowledged before the commit that
makes it durable, and a failed commit fails every write of the batch.

Inside a batch the services' units of work nest in the batch's transaction, and their
reads see what earlier writes of the batch did. The services do not know: the writer
thread publishes the batch's connection in the context variable :data:`BATCH_CONNECTION`
while a write runs, and the server's transaction factory
(:class:`parley.runtime.transactions.ServerTransactions`) reads it through
:func:`current_connection` when a service opens a unit of work or a read. Only short
writes that read and write through their own unit of work belong here (a handover
confirmation); an import, which may take minutes, keeps its own transaction.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from parley.store.uow import Lock

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_BATCH = 64  # writes per transaction; more wait for the next one

#: The connection of the batch whose write is running in this context (None elsewhere).
#: Set by :meth:`GroupCommit._commit` around each write; read through
#: :func:`current_connection` by :class:`parley.runtime.transactions.ServerTransactions`
#: and by the access log.
BATCH_CONNECTION: ContextVar[Connection | None] = ContextVar("parley_batch_connection",
                                                            default=None)


def current_connection() -> Connection | None:
    """The connection of the batch the calling write runs in (None outside a batch)."""
    return BATCH_CONNECTION.get()


@dataclass
class _Write(Generic[T]):
    operation: Callable[[], T]
    done: threading.Event = field(default_factory=threading.Event)
    result: T | None = None
    error: BaseException | None = None


class GroupCommit:
    """One writer thread per process that commits waiting writes together."""

    def __init__(self, engine: Engine, writer_lock: Lock | None = None,
                 max_batch: int = MAX_BATCH) -> None:
        self._engine = engine
        self._writer_lock = writer_lock
        self._max_batch = max_batch
        self._cond = threading.Condition()
        self._queue: list[_Write[Any]] = []
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.batches = 0  # how many transactions carried how many writes: for the docs
        self.writes = 0

    def run(self, operation: Callable[[], T]) -> T:
        """Run ``operation`` in the next batch; return its result once the batch is
        committed, or raise its own error (or the commit's)."""
        write: _Write[T] = _Write(operation)
        with self._cond:
            if self._stopping:
                raise RuntimeError("the server is stopping")
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="parley-group-commit",
                                                daemon=True)
                self._thread.start()
            self._queue.append(write)
            self._cond.notify()
        write.done.wait()
        if write.error is not None:
            raise write.error
        return write.result  # type: ignore[return-value]

    def stop(self) -> None:
        """Finish the writes already handed over, then stop the writer thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=60)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._stopping:
                    self._cond.wait()
                if not self._queue:
                    return
                batch = self._queue[:self._max_batch]
                del self._queue[:self._max_batch]
            try:
                self._commit(batch)
            # Not swallowed: every write's own thread raises it again.
            except BaseException as exc:  # noqa: BLE001 - the batch failed as a whole
                log.warning("group commit of %d writes failed: %s", len(batch), exc)
                for write in batch:
                    if write.error is None:
                        write.error = exc
            finally:
                for write in batch:
                    write.done.set()

    def _commit(self, batch: list[_Write[Any]]) -> None:
        if self._writer_lock is not None:
            self._writer_lock.acquire()
        try:
            with self._engine.connect().execution_options(parley_write=True) as conn, \
                    conn.begin():  # leaving the block commits: the batch's one commit
                # What a service's unit of work nests in (see BATCH_CONNECTION).
                token = BATCH_CONNECTION.set(conn)
                try:
                    for write in batch:
                        savepoint = conn.begin_nested()
                        try:
                            write.result = write.operation()
                        except BaseException as exc:  # noqa: BLE001 - raised in its thread
                            write.error = exc
                            if savepoint.is_active:
                                savepoint.rollback()
                        else:
                            if savepoint.is_active:
                                savepoint.commit()
                finally:
                    BATCH_CONNECTION.reset(token)
            self.batches += 1
            self.writes += len(batch)
        finally:
            if self._writer_lock is not None:
                self._writer_lock.release()
