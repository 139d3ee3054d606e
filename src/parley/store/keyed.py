"""Statements read either by key (a few persons: a status page, one confirmation) or
whole (everyone, or so many that one pass over the table is cheaper), built once.

Building a SQLAlchemy statement costs about as much as running it, so the hot ones are
built at import in both forms; :meth:`KeyedQuery.run` picks one by what :func:`keyed`
says about the ids at hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam
from sqlalchemy.engine import Connection, Result
from sqlalchemy.sql.elements import ColumnElement

KEYED_READS = 500  # up to this many ids are read by key; more, table by table


def keyed(ids: Iterable[str] | None) -> list[str] | None:
    """The ids to read by key, or None to read whole tables (everyone, or very many)."""
    if ids is None:
        return None
    found = sorted(set(ids))
    return found if len(found) <= KEYED_READS else None


@dataclass(frozen=True)
class KeyedQuery:
    """A statement in two forms: over the whole table, and keyed by ``ids``."""

    whole: Select[Any]
    by_key: Select[Any]

    @classmethod
    def of(cls, stmt: Select[Any], column: ColumnElement[Any]) -> KeyedQuery:
        return cls(stmt, stmt.where(column.in_(bindparam("ids", expanding=True))))

    def run(self, conn: Connection, ids: list[str] | None, **params: Any) -> Result[Any]:
        """Rows for ``ids`` (the whole table's when None), with the statement's other
        parameters."""
        if ids is None:
            return conn.execute(self.whole, params)
        return conn.execute(self.by_key, {**params, "ids": ids})
