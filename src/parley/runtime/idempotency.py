"""Idempotency keys: a retried write acts once and gets the first answer again.

A client sends ``Idempotency-Key: K`` with a write. :func:`run` looks K up for the
caller; a stored answer for the same request fingerprint is returned as it was, a
stored answer for another request is refused. Otherwise the operation runs, and the
key is claimed *inside the operation's own transaction*: the unit of work that the
service opens (through :class:`ServiceApp`) inserts the key row right after BEGIN and,
when the service commits, holds the commit back until the answer is rendered, then
writes the answer into the same row and commits once. So the write, the key and the
answer are one transaction: a crash leaves either all of them or none, and a concurrent
request with the same key waits on the key row and then replays the answer.

Failed requests (any error) store nothing: nothing was done, and a retry runs again.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import Engine, bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from parley.bootstrap import App
from parley.errors import Conflict, InputError, ParleyError
from parley.runtime import group_commit
from parley.store import Keyring, RecordCipher, UnitOfWork, timestamp
from parley.store.tables import idempotency_keys
from parley.store.uow import Clock

T = TypeVar("T")
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,200}")


class IdempotencyMismatch(InputError):
    """The key was used before for a different request."""

    field = "header.Idempotency-Key"


@dataclass
class _Claim:
    owner: str
    key: str
    fingerprint: str
    cipher: RecordCipher
    uow: IdempotentUnitOfWork | None = None
    ready: bool = False
    settled: bool = False


class _Replay(Exception):
    """Raised inside a service when its key turns out to be taken: answer from the row."""


_CLAIM: ContextVar[_Claim | None] = ContextVar("parley_idempotency_claim", default=None)

# Built once: every idempotent write runs them.
_THIS_KEY = (idempotency_keys.c.owner == bindparam("k_owner"),
             idempotency_keys.c.key == bindparam("k_key"))
_LOOKUP = select(idempotency_keys).where(*_THIS_KEY)
_CLAIM_KEY = insert(idempotency_keys)
_ANSWER = update(idempotency_keys).where(*_THIS_KEY).values(
    status_code=bindparam("k_status"), response=bindparam("k_response"))


class WriterLock:
    """One SQLite writer at a time, across threads and the server's worker processes.

    Threads of a process queue on a re-entrant lock; the process that holds it also
    holds an exclusive ``flock`` on a file beside the database, on which the other
    workers' writers block. Both wake the next writer at once, where SQLite's own busy
    handler would poll with growing sleeps and let one process starve the other. The
    kernel drops the ``flock`` of a process that dies, however it dies.
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


class IdempotentUnitOfWork(UnitOfWork):
    """A unit of work that claims the current request's key and defers its commit.

    On SQLite, writers also take the :class:`WriterLock` before ``BEGIN IMMEDIATE``.
    """

    def __init__(self, engine: Engine, keyring: Keyring, clock: Clock,
                 writer_lock: WriterLock | None = None, *,
                 within: Connection | None = None) -> None:
        super().__init__(engine, keyring, clock, within=within)
        # Nested in a group commit's transaction, the batch holds the writer lock.
        self._writer_lock = writer_lock if within is None else None
        self._locked = False

    def __enter__(self) -> IdempotentUnitOfWork:
        claim = _CLAIM.get()
        if claim is not None and claim.uow is not None and claim.uow is not self:
            # A service that uses a second transaction: settle the first one before the
            # second begins (on SQLite it would wait on the first's lock). A crash between
            # the two leaves the key without an answer (refused on retry).
            _settle(claim, status=None, body=None)
        if self._writer_lock is not None:
            self._writer_lock.acquire()
            self._locked = True
        try:
            super().__enter__()
        except BaseException:
            self._unlock()
            raise
        if claim is None:
            return self
        if claim.uow is None and not claim.settled:
            claim.uow = self
            claim.ready = False
            try:
                self.conn.execute(_CLAIM_KEY, {
                    "owner": claim.owner, "key": claim.key, "fingerprint": claim.fingerprint,
                    "status_code": None, "response": None,
                    "created_at": timestamp(self.now())})
            except IntegrityError:
                claim.uow = None
                self.close()
                raise _Replay() from None
        return self

    def commit(self) -> None:
        claim = _CLAIM.get()
        if claim is not None and claim.uow is self:
            claim.ready = True
            return
        super().commit()

    def real_commit(self) -> None:
        super().commit()

    def close(self) -> None:
        """Roll back what is not committed, return the connection, let the next writer in."""
        try:
            UnitOfWork.__exit__(self, None, None, None)
        finally:
            self._unlock()

    def _unlock(self) -> None:
        if self._locked and self._writer_lock is not None:
            self._locked = False
            self._writer_lock.release()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        claim = _CLAIM.get()
        if claim is not None and claim.uow is self:
            if claim.ready and exc_type is None:
                return  # held open: run() stores the answer and commits
            claim.uow = None
            claim.ready = False
        try:
            super().__exit__(exc_type, exc, tb)
        finally:
            self._unlock()


class ServiceApp(App):
    """The application as the server uses it: units of work take part in idempotency."""

    idempotent: bool = True
    writer_lock: WriterLock | None = None

    def uow(self) -> UnitOfWork:
        if not self.idempotent:
            return UnitOfWork(self.engine, self.keyring, self.clock)
        return IdempotentUnitOfWork(self.engine, self.keyring, self.clock, self.writer_lock,
                                    within=group_commit.current_connection())

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """As :meth:`App.read`; inside a group commit, the batch's own connection, so a
        write reads what the writes before it in the batch did."""
        batch = group_commit.current_connection()
        if batch is not None:
            yield batch
            return
        with self.engine.connect() as conn:
            yield conn


def service_app(app: App, *, idempotent: bool = True) -> ServiceApp:
    served = ServiceApp(settings=app.settings, engine=app.engine, keyring=app.keyring,
                        cipher=app.cipher, clock=app.clock)
    served.idempotent = idempotent
    if app.engine.dialect.name == "sqlite":
        database = app.engine.url.database
        served.writer_lock = WriterLock(f"{database}-writer.lock" if database else None)
    return served


def current_connection() -> Connection | None:
    """The connection of the idempotent write transaction held open in this context."""
    claim = _CLAIM.get()
    if claim is not None and claim.uow is not None:
        return claim.uow.conn
    return group_commit.current_connection()


def check_key(key: str) -> str:
    if not KEY_PATTERN.fullmatch(key):
        raise InputError("header Idempotency-Key must be 1-200 visible ASCII characters")
    return key


def fingerprint(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    replayed: bool = False


def run(app: App, *, owner: str, key: str | None, request_fingerprint: str,
        operation: Callable[[], T], render: Callable[[T], tuple[int, Any]]) -> Answer:
    """Run a write once per (owner, key); ``render`` turns its result into the answer."""
    if key is None or (isinstance(app, ServiceApp) and not app.idempotent):
        status, body = render(operation())
        return Answer(status, body)
    check_key(key)
    stored = _stored(app, owner, key, request_fingerprint)
    if stored is not None:
        return stored
    claim = _Claim(owner=owner, key=key, fingerprint=request_fingerprint, cipher=app.cipher)
    token = _CLAIM.set(claim)
    try:
        try:
            result = operation()
        except _Replay:
            return _must_replay(app, owner, key, request_fingerprint)
        except ParleyError:
            # A concurrent request with the same key may have done the work first.
            replay = _stored(app, owner, key, request_fingerprint)
            if replay is not None:
                return replay
            raise
        status, body = render(result)
        if claim.uow is not None and claim.ready:
            _settle(claim, status=status, body=body)
        elif claim.uow is None and claim.ready is False:
            _store_answer(app, claim, status, body)
        return Answer(status, body)
    finally:
        if claim.uow is not None:
            claim.uow.close()
            claim.uow = None
        _CLAIM.reset(token)


def _settle(claim: _Claim, *, status: int | None, body: Any) -> None:
    uow = claim.uow
    assert uow is not None
    uow.conn.execute(_ANSWER, {
        "k_owner": claim.owner, "k_key": claim.key, "k_status": status,
        "k_response": None if status is None else
        _dump(claim.cipher, claim.owner, claim.key, body)})
    try:
        uow.real_commit()
    finally:
        uow.close()
    claim.uow = None
    claim.ready = False
    claim.settled = True


def _store_answer(app: App, claim: _Claim, status: int, body: Any) -> None:
    """After a multi-transaction service (or one that wrote nothing) keep the answer."""
    if not claim.settled:
        return  # nothing was written: nothing to remember
    with app.uow() as uow:
        uow.conn.execute(_ANSWER, {
            "k_owner": claim.owner, "k_key": claim.key, "k_status": status,
            "k_response": _dump(app.cipher, claim.owner, claim.key, body)})
        uow.commit()


SEALED = "sealed:"


def _dump(cipher: RecordCipher, owner: str, key: str, body: Any) -> str:
    """The answer as stored: sealed like personal data, because an answer may quote it
    (an import's problems name the rejected cells' values)."""
    sealed = cipher.seal({"body": body}, row_id=f"idempotency:{owner}:{key}")
    return SEALED + base64.b64encode(sealed).decode("ascii")


def _answer(cipher: RecordCipher, owner: str, key: str, stored: str) -> Any:
    if stored.startswith(SEALED):
        sealed = base64.b64decode(stored[len(SEALED):])
        return cipher.open(sealed, row_id=f"idempotency:{owner}:{key}")["body"]
    return json.loads(stored)


def _stored(app: App, owner: str, key: str, request_fingerprint: str) -> Answer | None:
    with app.read() as conn:
        row = conn.execute(_LOOKUP, {"k_owner": owner, "k_key": key}).first()
    if row is None:
        return None
    if row.fingerprint != request_fingerprint:
        raise IdempotencyMismatch(
            "header Idempotency-Key was already used for a different request; "
            "use a new key for a new request")
    if row.status_code is None or row.response is None:
        raise Conflict("the request with this Idempotency-Key was carried out, but its "
                       "answer was not kept (the server stopped in between); check the "
                       "resource's state before sending a new request")
    return Answer(int(row.status_code), _answer(app.cipher, owner, key, row.response),
                  replayed=True)


def _must_replay(app: App, owner: str, key: str, request_fingerprint: str) -> Answer:
    stored = _stored(app, owner, key, request_fingerprint)
    if stored is None:
        raise Conflict("another request with this Idempotency-Key failed at the same "
                       "moment; send it again")
    return stored
