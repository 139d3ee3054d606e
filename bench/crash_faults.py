"""Deliberately broken builds of the server, so the crash harness (``bench/crash.py``) can
show that it catches them. None of this is in Parley itself: this module wraps the real
application, and the harness serves the wrapped one instead of ``parley serve``::

    PARLEY_CRASH_FAULT=ack-before-commit PYTHONPATH=. \\
        .venv/bin/python -m uvicorn bench.crash_faults:create_app --factory --port 8000

with the usual ``PARLEY_DATABASE_URL``/``PARLEY_KEY_DIR``/``PARLEY_DATA_DIR`` (the database
migrated beforehand, as ``parley serve`` does in its parent process). The faults:

- ``no-idempotency`` (:class:`IgnoreIdempotencyKeys`): the ``Idempotency-Key`` header is
  dropped before the application sees it, so a retried write acts again;
- ``ack-before-commit`` (:func:`answer_before_commit`): a write's transaction is
  committed :data:`COMMIT_DELAY` seconds *after* the answer is sent, from a background
  thread. A kill in between loses a write the client was told is done: what a disk
  cache without ``fsync`` does on a power cut, made visible to a SIGKILL (a killed
  process does not lose writes the operating system already holds).

Nothing is printed differently, on purpose: the harness must find the breakage by itself.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from fastapi import FastAPI
from sqlalchemy.engine import Connection, Transaction

from parley.api import create_from_env
from parley.runtime.transactions import ServerTransactions
from parley.store import UnitOfWork

log = logging.getLogger(__name__)

#: Seconds between the answer and the commit in the acknowledge-before-commit build.
COMMIT_DELAY = 0.25
FAULT_VARIABLE = "PARLEY_CRASH_FAULT"
FAULTS = ("ack-before-commit", "no-idempotency")

Scope = dict[str, Any]
Receive = Any
Send = Any


def create_app() -> Any:
    """uvicorn's ``--factory``: the real server (:func:`parley.api.create_from_env`) with
    the fault named by ``PARLEY_CRASH_FAULT``."""
    fault = os.environ.get(FAULT_VARIABLE, "")
    if fault not in FAULTS:
        raise SystemExit(f"{FAULT_VARIABLE} must be one of {', '.join(FAULTS)} (got {fault!r})")
    api = create_from_env()
    if fault == "no-idempotency":
        return IgnoreIdempotencyKeys(api)
    answer_before_commit(api)
    return api


class IgnoreIdempotencyKeys:
    """ASGI middleware that removes the ``Idempotency-Key`` header from every request."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") == "http":
            headers = [(k, v) for k, v in scope.get("headers", [])
                       if k.lower() != b"idempotency-key"]
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)


class LateCommitUnitOfWork(UnitOfWork):
    """Hands its finished transaction to a timer thread instead of committing it."""

    def _commit_transaction(self) -> None:
        tx, conn = self._tx, self._conn
        if tx is None or conn is None:
            raise RuntimeError("unit of work used outside its `with` block")
        # The timer thread owns the transaction and the connection now; closing the unit
        # of work only lets the next writer in (it then waits for the late commit).
        self._tx = None
        self._conn = None
        timer = threading.Timer(COMMIT_DELAY, _commit_later, args=(tx, conn))
        timer.daemon = True
        timer.start()


def _commit_later(tx: Transaction, conn: Connection) -> None:
    try:
        tx.commit()
    except Exception:
        log.exception("late commit failed")
    finally:
        conn.close()


def answer_before_commit(api: FastAPI) -> None:
    """Make the server ``api`` answer writes before committing them."""
    ctx = api.state.parley
    transactions = ctx.app.transactions
    if not isinstance(transactions, ServerTransactions):
        raise TypeError("not a server's application")
    transactions.unit_class = LateCommitUnitOfWork
    # A write in a group commit is a savepoint: its late "commit" would commit nothing.
    ctx.group_commit = None
