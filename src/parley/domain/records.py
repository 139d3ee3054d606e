"""Person records as lists carry them: the canonical columns of DESIGN.md.

A record is a mapping of canonical field → text (empty fields left out) plus ``extra``:
columns the importer did not recognise, kept rather than lost. The canonical form of a
record is what its commitment is computed over.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

CANONICAL_FIELDS: tuple[str, ...] = (
    "record_id", "surname", "given_name", "patronymic", "full_name", "birth_date",
    "birth_place", "sex", "service_number", "rank", "unit", "citizenship", "status",
    "status_date", "notes",
)


def canonical_record(fields: Mapping[str, str], extra: Mapping[str, str] | None = None
                     ) -> dict[str, Any]:
    """The record as committed to: non-empty canonical fields, then ``extra`` if any."""
    record: dict[str, Any] = {
        k: str(fields[k]) for k in CANONICAL_FIELDS if fields.get(k) not in (None, "")
    }
    unknown = set(fields) - set(CANONICAL_FIELDS)
    if unknown:
        raise ValueError(f"not canonical fields: {', '.join(sorted(unknown))}")
    if extra:
        record["extra"] = {str(k): str(v) for k, v in extra.items() if v not in (None, "")}
    return record


@dataclass(frozen=True)
class RecordInput:
    """One accepted row: its number in the file and its canonical fields.

    ``parley.ingest`` produces these from files, ``services.lists`` stores them; the demo
    and tests may build them directly. ``fields`` maps canonical field → text; ``extra``
    keeps the columns that map onto no canonical field, under their header.
    """

    row_number: int
    fields: dict[str, str]
    extra: dict[str, str] = field(default_factory=dict)
