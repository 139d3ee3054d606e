"""Idempotency keys: a retried write acts once and gets the first answer again.

A client sends ``Idempotency-Key: K`` with a write. :func:`run` looks K up for the
caller; a stored answer for the same request fingerprint is returned as it was, a
stored answer for another request is refused. Otherwise the operation runs as a
once-only request (:class:`OnceOnlyRequest`), and the key is claimed *inside the
operation's own transaction*:

1. :func:`run` publishes the request in the context variable :data:`ONCE_ONLY_REQUEST`
   and calls the operation (a service);
2. the service opens its unit of work; the server's transaction factory
   (:class:`parley.runtime.transactions.ServerTransactions`) reads the request there
   and opens the unit of work for it, which inserts the key row right after ``BEGIN``
   (a concurrent request with the same key waits on that row, then replays the answer);
3. the service calls ``uow.commit()``: the unit of work does not commit but hands its
   open transaction to the request as a :class:`~parley.store.uow.DeferredCommit`;
4. :func:`run` renders the answer and resolves the deferred commit in one place,
   :func:`_commit_with_answer`: the answer goes into the key row and the write, its key
   and its answer commit at once. A crash leaves either all of them or none.

One unit of work per once-only request. A second one could only begin after the first
had committed without its answer (on SQLite it would wait on the first's lock), and a
crash in between would leave a key whose answer is lost. So it is refused with
:class:`SecondUnitOfWork` (``strict``, the default, and what the tests run). The deployed
server (``parley serve``) is lenient instead, so that such a mistake costs a weaker
guarantee rather than a failed request: it logs a warning, commits the first unit of
work with an empty answer, lets the later ones commit on their own and keeps the answer
in a transaction of its own at the end (a key whose answer was not kept is refused on
retry with a message saying so).

Failed requests (any error) store nothing: nothing was done, and a retry runs again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from parley.bootstrap import App
from parley.errors import Conflict, InputError, ParleyError
from parley.runtime import group_commit
from parley.store import RecordCipher, UnitOfWork, timestamp
from parley.store.tables import idempotency_keys
from parley.store.uow import DeferredCommit

log = logging.getLogger(__name__)

T = TypeVar("T")
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,200}")


class IdempotencyMismatch(InputError):
    """The key was used before for a different request."""

    field = "header.Idempotency-Key"


class SecondUnitOfWork(RuntimeError):
    """A service opened a second unit of work inside a once-only request (a mistake in
    the service or the route, never the caller's): see the module's docstring."""


class _Replay(Exception):
    """Raised inside a service when its key turns out to be taken: answer from the row."""


# Built once: every idempotent write runs them.
_THIS_KEY = (idempotency_keys.c.owner == bindparam("k_owner"),
             idempotency_keys.c.key == bindparam("k_key"))
_LOOKUP = select(idempotency_keys).where(*_THIS_KEY)
_CLAIM_KEY = insert(idempotency_keys)
_ANSWER = update(idempotency_keys).where(*_THIS_KEY).values(
    status_code=bindparam("k_status"), response=bindparam("k_response"))


@dataclass
class OnceOnlyRequest:
    """One write under an Idempotency-Key while :func:`run` carries it out.

    It is the :class:`~parley.store.uow.OnceOnly` of the unit of work its service opens:
    that unit of work claims the key (:meth:`claim`) and, once committed, leaves its open
    transaction here as :attr:`deferred` (:meth:`hold`) for :func:`run` to resolve.
    """

    owner: str
    key: str
    fingerprint: str
    cipher: RecordCipher
    units: int = 0                          # units of work the service opened so far
    unit: UnitOfWork | None = None          # the one that claimed the key
    deferred: DeferredCommit | None = None  # its transaction, committed by the service
    settled: bool = False                   # lenient only: committed before a second one

    def serves(self, *, strict: bool) -> OnceOnlyRequest | None:
        """Called by the server's transaction factory each time the service opens a unit
        of work: the request that unit of work serves (this one), or None for one that
        commits on its own (lenient, after the first was settled). With ``strict`` a
        second unit of work raises :class:`SecondUnitOfWork` before it begins."""
        if self.settled:
            return None
        self.units += 1
        if self.units > 1:
            if strict:
                raise SecondUnitOfWork(
                    "a service opened a second unit of work inside a once-only request "
                    f"(Idempotency-Key {self.key!r}); make the request one unit of work "
                    "(see parley.runtime.idempotency)")
            log.warning("a second unit of work inside the once-only request with key %r: "
                        "the first is committed before it, without its answer", self.key)
            if self.deferred is not None:
                _commit_with_answer(self, status=None, body=None)
                self.settled = True
                return None
        return self

    def claim(self, uow: UnitOfWork) -> None:
        """Insert the key row in ``uow``'s transaction, right after its ``BEGIN``."""
        try:
            uow.conn.execute(_CLAIM_KEY, {
                "owner": self.owner, "key": self.key, "fingerprint": self.fingerprint,
                "status_code": None, "response": None, "created_at": timestamp(uow.now())})
        except IntegrityError:
            raise _Replay() from None
        self.unit = uow

    def hold(self, deferred: DeferredCommit) -> None:
        """Keep the committed unit of work's open transaction for :func:`run`."""
        self.deferred = deferred

    def connection(self) -> Connection | None:
        """The claiming unit of work's connection while its transaction is open."""
        if self.unit is not None and self.unit.active:
            return self.unit.conn
        return None

    def close(self) -> None:
        """Roll back a deferred commit that was not resolved (the request failed)."""
        if self.deferred is not None:
            deferred, self.deferred = self.deferred, None
            deferred.close()


#: The once-only request being carried out in this context (None outside one). Set by
#: :func:`run` around the operation; read by
#: :class:`parley.runtime.transactions.ServerTransactions` when a service opens a unit of
#: work (through :func:`current_request`) and by the access log (:func:`current_connection`).
ONCE_ONLY_REQUEST: ContextVar[OnceOnlyRequest | None] = ContextVar(
    "parley_once_only_request", default=None)


def current_request() -> OnceOnlyRequest | None:
    """The once-only request this context is carrying out (see :data:`ONCE_ONLY_REQUEST`)."""
    return ONCE_ONLY_REQUEST.get()


def current_connection() -> Connection | None:
    """The connection of the write transaction open in this context: the once-only
    request's unit of work, open or deferred (:data:`ONCE_ONLY_REQUEST`), else the group
    commit's batch (:data:`parley.runtime.group_commit.BATCH_CONNECTION`), else None. The
    access log writes its entries there rather than wait for a transaction of its own."""
    request = ONCE_ONLY_REQUEST.get()
    if request is not None:
        conn = request.connection()
        if conn is not None:
            return conn
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
    """Run a write once per (owner, key); ``render`` turns its result into the answer.

    Without a key the operation just runs. With one, its unit of work joins the request
    only if ``app`` runs the server's transactions
    (:class:`parley.runtime.transactions.ServerTransactions`); a plain
    :class:`parley.bootstrap.App` commits as usual and keeps no answer."""
    if key is None:
        status, body = render(operation())
        return Answer(status, body)
    check_key(key)
    stored = _stored(app, owner, key, request_fingerprint)
    if stored is not None:
        return stored
    request = OnceOnlyRequest(owner=owner, key=key, fingerprint=request_fingerprint,
                              cipher=app.cipher)
    token = ONCE_ONLY_REQUEST.set(request)
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
        if request.deferred is not None:
            _commit_with_answer(request, status=status, body=body)
    finally:
        request.close()
        ONCE_ONLY_REQUEST.reset(token)
    if request.settled:
        _store_answer(app, request, status, body)
    return Answer(status, body)


def _commit_with_answer(request: OnceOnlyRequest, *, status: int | None, body: Any) -> None:
    """Resolve the request's deferred commit: the one place where the service's write,
    its key and its answer (``status`` None: none) are committed, in one transaction."""
    deferred = request.deferred
    assert deferred is not None
    request.deferred = None
    try:
        deferred.conn.execute(_ANSWER, {
            "k_owner": request.owner, "k_key": request.key, "k_status": status,
            "k_response": None if status is None else
            _dump(request.cipher, request.owner, request.key, body)})
        deferred.commit()
    finally:
        deferred.close()


def _store_answer(app: App, request: OnceOnlyRequest, status: int, body: Any) -> None:
    """Lenient only: after the first unit of work was committed without the answer (a
    second one followed), keep the answer in a transaction of its own."""
    with app.uow() as uow:
        uow.conn.execute(_ANSWER, {
            "k_owner": request.owner, "k_key": request.key, "k_status": status,
            "k_response": _dump(app.cipher, request.owner, request.key, body)})
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
