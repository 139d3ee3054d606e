"""Deliberately broken builds, so the crash harness (``bench/crash.py``) can show it fails.

Never used unless an ``PARLEY_UNSAFE_*`` variable asks for it; ``parley serve`` prints
nothing different, on purpose: the harness must find the breakage by itself.

- ``PARLEY_UNSAFE_NO_IDEMPOTENCY=1`` (handled by :func:`parley.api.app.create_from_env`):
  Idempotency-Key headers are ignored, so a retried write acts again.
- ``PARLEY_UNSAFE_ACK_BEFORE_COMMIT=1`` (:func:`acknowledge_before_commit`): a write's
  transaction is committed :data:`COMMIT_DELAY` seconds *after* the answer is sent, from
  a background thread. A kill in between loses a write the client was told is done:
  what a disk cache without ``fsync`` does on a power cut, made visible to a SIGKILL
  (a killed process does not lose writes the operating system already holds).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy.engine import Connection, RootTransaction

from parley.bootstrap import App
from parley.runtime.idempotency import IdempotentUnitOfWork, ServiceApp
from parley.store import UnitOfWork

log = logging.getLogger(__name__)

#: Seconds between the answer and the commit in the acknowledge-before-commit build.
COMMIT_DELAY = 0.25


class _Held:
    """Stands in for the transaction while :meth:`UnitOfWork.commit` runs: commits nothing."""

    is_active = True

    def commit(self) -> None:
        return None


class _LateCommit(UnitOfWork):
    """Hands the finished transaction to a timer thread instead of committing it."""

    def commit(self) -> None:
        tx: Any = self._tx
        conn = self._conn
        if tx is None or conn is None:
            raise RuntimeError("unit of work used outside its `with` block")
        self._tx = _Held()  # type: ignore[assignment]
        try:
            super().commit()  # writes the chain head; the stand-in "commits"
        finally:
            self._tx = None
            self._conn = None  # the timer thread owns the connection now
        timer = threading.Timer(COMMIT_DELAY, _commit_later, args=(tx, conn))
        timer.daemon = True
        timer.start()


def _commit_later(tx: RootTransaction, conn: Connection) -> None:
    try:
        tx.commit()
    except Exception:
        log.exception("late commit failed")
    finally:
        conn.close()


class _LateIdempotentCommit(IdempotentUnitOfWork, _LateCommit):
    """The server's idempotent unit of work, with the late commit underneath."""


def acknowledge_before_commit(app: App) -> None:
    """Make ``app`` (the server's :class:`ServiceApp`) answer writes before committing."""

    def late_uow() -> UnitOfWork:
        if isinstance(app, ServiceApp) and app.idempotent:
            return _LateIdempotentCommit(app.engine, app.keyring, app.clock)
        return _LateCommit(app.engine, app.keyring, app.clock)

    setattr(app, "uow", late_uow)  # noqa: B010 - an instance override, on purpose
