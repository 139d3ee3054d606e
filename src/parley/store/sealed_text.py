"""Operator-typed text sealed like records: a list's source and file name, erasure reasons.

Officers type these freely, and a file named after a person (``Коваленко О.xlsx``) or a
reason quoting the family's letter would put a name in clear in the database. They are
sealed with the data key under row ids of their own (``source_lists:<id>``,
``erasure_log:<id>``), so a blob moved to another column or row does not open. Rows
written before ``0008_privacy`` are sealed by that migration; the readers here still
fall back to the clear column for a row without a sealed value.
"""

from __future__ import annotations

from typing import Any

from parley.store.crypto import RecordCipher


def list_meta_row(list_id: str) -> str:
    return f"source_lists:{list_id}"


def erasure_reason_row(log_id: str) -> str:
    return f"erasure_log:{log_id}"


def seal_list_meta(cipher: RecordCipher, list_id: str, *, source: str, file_name: str
                   ) -> bytes:
    return cipher.seal({"source": source, "file_name": file_name},
                       row_id=list_meta_row(list_id))


def open_list_meta(cipher: RecordCipher, list_id: str, sealed_meta: bytes | None, *,
                   source: str = "", file_name: str = "") -> tuple[str, str]:
    """(source, file name) of a list; ``source`` and ``file_name`` are the clear columns,
    used for a row that has no sealed value."""
    if sealed_meta is None:
        return source, file_name
    meta = cipher.open(sealed_meta, row_id=list_meta_row(list_id))
    return str(meta.get("source", "")), str(meta.get("file_name", ""))


def seal_erasure_reason(cipher: RecordCipher, log_id: str, reason: str) -> bytes:
    return cipher.seal({"reason": reason}, row_id=erasure_reason_row(log_id))


def open_erasure_reason(cipher: RecordCipher, row: Any) -> str:
    """The reason of an ``erasure_log`` row (its ``id``, ``reason``, ``sealed_reason``)."""
    if row.sealed_reason is None:
        return str(row.reason)
    return str(cipher.open(row.sealed_reason, row_id=erasure_reason_row(row.id))["reason"])
