"""Canonical encoding: the exact bytes that are hashed and signed.

Deterministic JSON: keys sorted, no insignificant whitespace, UTF-8 (not ASCII-escaped),
no floats (amounts in the ledger are integers or decimal strings, so two implementations
can never disagree on a rounding). Anyone re-implementing verification needs only this.
"""

from __future__ import annotations

import json
from typing import Any


class CanonicalError(ValueError):
    """A value cannot be encoded canonically (a float, a non-string key, bytes...)."""


def _check(value: Any, path: str) -> None:
    if value is None or isinstance(value, (bool, int, str)):
        return
    if isinstance(value, float):
        raise CanonicalError(f"{path}: floats are not allowed in canonical JSON ({value!r})")
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalError(f"{path}: object keys must be strings ({key!r})")
            _check(item, f"{path}.{key}")
        return
    raise CanonicalError(f"{path}: {type(value).__name__} cannot be encoded canonically")


def canonical_json(value: Any) -> bytes:
    """Encode ``value`` as canonical JSON bytes."""
    _check(value, "$")
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def parse_canonical(data: bytes) -> Any:
    """Decode canonical JSON and insist it was canonical (re-encoding gives the same bytes)."""
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CanonicalError(f"not valid canonical JSON: {exc}") from None
    try:
        again = canonical_json(value)
    except CanonicalError:
        raise
    if again != data:
        raise CanonicalError("JSON is not in canonical form")
    return value
