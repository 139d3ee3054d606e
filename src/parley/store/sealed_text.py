"""Operator-typed text sealed like records: a list's source and file name, erasure reasons.

Officers type these freely, and a file named after a person (``Коваленко О.xlsx``) or a
reason quoting the family's letter would put a name in clear in the database. They are
sealed with the data key under row ids of their own (``source_lists:<id>``,
``erasure_log:<id>``), so a blob moved to another column or row does not open. Rows
written before ``0008_privacy`` are sealed by that migration (and their clear source
emptied by ``0009_list_source``); the readers here still fall back to the clear column
for a row without a sealed value.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from parley.store.crypto import RecordCipher
from parley.store.tables import source_lists


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


class ListSources:
    """Each list's (source, file name), opened once per list by a reader of many records
    (there are few lists and many records).

    ``sources[list_id]`` is the list's source, read from its ``source_lists`` row on
    first use; :meth:`meta` opens a row the caller already holds.
    """

    def __init__(self, cipher: RecordCipher, conn: Connection | None = None) -> None:
        self._cipher = cipher
        self._conn = conn
        self._meta: dict[str, tuple[str, str]] = {}

    def meta(self, list_id: str, sealed_meta: bytes | None, *, source: str = "",
             file_name: str = "") -> tuple[str, str]:
        found = self._meta.get(list_id)
        if found is None:
            found = self._meta[list_id] = open_list_meta(
                self._cipher, list_id, sealed_meta, source=source, file_name=file_name)
        return found

    def __getitem__(self, list_id: str) -> str:
        found = self._meta.get(list_id)
        if found is None:
            if self._conn is None:
                raise KeyError(list_id)
            row = self._conn.execute(
                select(source_lists.c.source, source_lists.c.file_name,
                       source_lists.c.sealed_meta).where(source_lists.c.id == list_id)
            ).one()
            found = self.meta(list_id, row.sealed_meta, source=row.source,
                              file_name=row.file_name)
        return found[0]


def seal_erasure_reason(cipher: RecordCipher, log_id: str, reason: str) -> bytes:
    return cipher.seal({"reason": reason}, row_id=erasure_reason_row(log_id))


def open_erasure_reason(cipher: RecordCipher, row: Any) -> str:
    """The reason of an ``erasure_log`` row (its ``id``, ``reason``, ``sealed_reason``)."""
    if row.sealed_reason is None:
        return str(row.reason)
    return str(cipher.open(row.sealed_reason, row_id=erasure_reason_row(row.id))["reason"])
