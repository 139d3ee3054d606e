"""Statements signed on another machine, handed to the units of work of one write.

A party's write reaches the hub already signed (docs/protocol.md): the hub runs the same
service as for any write, and where the service appends an event for an actor whose key
is not on this machine, the unit of work takes the matching signed statement from the
:class:`Signatures` of the current write instead of signing. In a *prepare* run it
records the statement that would have to be signed and the write is rolled back
(:class:`PrepareDone`), so a party's node learns the exact bytes to sign.

The current write's signatures are a context variable, set by :func:`signed_write` around
the service call (the API's signed-write route, the tests).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from parley.errors import SignatureRefused
from parley.ledger.chain import Statement, payload_hash

_NAMESPACE = uuid.UUID("6f1b7f1e-3a52-4d0c-9a55-2d1e0c8b7a01")


@dataclass(frozen=True)
class SignedStatement:
    """A statement with its actor's signature (hex), as a node submits it."""

    statement: Statement
    signature: str


@dataclass(frozen=True)
class Wanted:
    """A statement a prepare run found to be needed, and the payload it covers."""

    statement: Statement
    payload: dict[str, Any]


class PrepareDone(Exception):
    """Raised at the commit of a prepare run: the write is rolled back; ``wanted`` lists
    the statements to sign."""

    def __init__(self, wanted: list[Wanted]) -> None:
        super().__init__(f"{len(wanted)} statement(s) to sign")
        self.wanted = wanted


@dataclass
class Signatures:
    """The signed statements of one write (submit), or the ones it needs (prepare).

    ``nonce`` makes the ids a service draws with :meth:`new_id` the same in the prepare
    run and in the submit run, so the payloads a node signed are computed again
    identically."""

    signed: Sequence[SignedStatement] = ()
    preparing: bool = False
    nonce: str = ""
    wanted: list[Wanted] = field(default_factory=list)
    # A party's node reached within this process (the demo's three nodes): asked to sign
    # each statement the write needs, as a node asked over HTTP would be.
    signer: Callable[[Statement, dict[str, Any]], SignedStatement] | None = None
    # When the write's events happened, if not now (the demo replays June 2025).
    occurred_at: str | None = None
    used: set[int] = field(default_factory=set)
    _ids: int = 0

    def new_id(self) -> str:
        if not self.nonce:
            return str(uuid.uuid4())
        self._ids += 1
        return str(uuid.uuid5(_NAMESPACE, f"{self.nonce}:{self._ids}"))

    def take(self, actor: str, type: str, payload: dict[str, Any]) -> SignedStatement | None:
        """The signed statement of ``actor`` for this event, checked to sign exactly its
        payload; None if the write brought none for this actor."""
        for i, s in enumerate(self.signed):
            if i in self.used or s.statement.actor != actor:
                continue
            if s.statement.type != type:
                raise SignatureRefused(
                    f"the statement of {actor} signs a {s.statement.type} event, but this "
                    f"write records {type}", reason="other_bytes")
            computed = payload_hash(payload)
            if s.statement.payload_hash != computed:
                raise SignatureRefused(
                    f"the statement of {actor} signs payload {s.statement.payload_hash[:12]}…"
                    f" but the hub records payload {computed[:12]}… (the state changed "
                    "since it was prepared, or the node signed other bytes): prepare again",
                    reason="other_bytes")
            self.used.add(i)
            return s
        return None

    def check_all_used(self) -> None:
        unused = [s for i, s in enumerate(self.signed) if i not in self.used]
        if unused:
            first = unused[0].statement
            raise SignatureRefused(
                f"statement {first.event_id} ({first.type} by {first.actor}) is not part "
                "of this write", reason="other_bytes")


_CURRENT: ContextVar[Signatures | None] = ContextVar("parley_signatures", default=None)


def current() -> Signatures | None:
    """The signatures of the write running in this context, if it is a signed write."""
    return _CURRENT.get()


@contextmanager
def signed_write(signatures: Signatures) -> Iterator[Signatures]:
    """Run the block's units of work with ``signatures`` (see the module's docstring)."""
    token = _CURRENT.set(signatures)
    try:
        yield signatures
    finally:
        _CURRENT.reset(token)
