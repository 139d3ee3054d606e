"""The writer lock: one SQLite writer at a time, across threads and worker processes."""

from __future__ import annotations

import fcntl
import os
import threading


class WriterLock:
    """One SQLite writer at a time, across threads and the server's worker processes.

    Threads of a process queue on a re-entrant lock; the process that holds it also
    holds an exclusive ``flock`` on a file beside the database, on which the other
    workers' writers block. Both wake the next writer at once, where SQLite's own busy
    handler would poll with growing sleeps and let one process starve the other. The
    kernel drops the ``flock`` of a process that dies, however it dies.

    Taken by the server's units of work outside a group commit (from before ``BEGIN``
    until the connection is given back, see :class:`parley.store.uow.UnitOfWork`) and by
    the group commit's writer thread for each batch.
    """

    def __init__(self, path: str | None) -> None:
        self._lock = threading.RLock()
        self._depth = 0
        self._path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        self._lock.acquire()
        try:
            if self._depth == 0 and self._path is not None:
                if self._fd is None:
                    self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
            self._depth += 1
        except BaseException:
            self._lock.release()
            raise

    def release(self) -> None:
        try:
            self._depth -= 1
            if self._depth == 0 and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._lock.release()
