"""Errors that reach a person: each carries one clear line and the exit code the CLI uses.

Every layer raises these (or subclasses) for conditions a user can act on; the CLI and
the API turn them into one line of text or a JSON error, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class ParleyError(Exception):
    """Base of every error Parley reports to a person."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(ParleyError):
    """The input (a file, an argument, a request body) is wrong; the user can fix it."""

    exit_code = 2


class ConfigError(ParleyError):
    """Settings, database address or key files are missing or unusable."""

    exit_code = 3


class NotFound(ParleyError):
    """The object does not exist (or the caller may not know that it does)."""

    exit_code = 4


class Conflict(ParleyError):
    """The request contradicts the current state (closed stage, wrong side, duplicate)."""

    exit_code = 5


class IntegrityFailure(ParleyError):
    """A stored or published record does not verify (hash, chain link or signature)."""

    exit_code = 6


def parse_input(parse: Callable[[Any], T], value: Any) -> T:
    """``parse(value)`` for a value a person gave; the ``ValueError`` with which a domain
    type refuses it (a list kind, a direction…) becomes an :class:`InputError` with the
    same message."""
    try:
        return parse(value)
    except ValueError as exc:
        raise InputError(str(exc)) from None


class SignatureRefused(InputError):
    """A signed statement is refused: its key is unknown or revoked, its signature does not
    hold over the bytes the hub records, or no signature was given for a party's write.

    ``reason`` is a short code the API answers with (``unknown_key``, ``key_revoked``,
    ``bad_signature``, ``other_bytes``, ``signature_required``, ``bad_statement``)."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class Replayed(Conflict):
    """A signed statement that is already in the record is sent again."""
