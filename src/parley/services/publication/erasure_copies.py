"""The copies of a person's data that live beside the source records, for erasure.

:func:`parley.services.publication.erasure.erase_person` erases the source records; these helpers
find and remove what other areas keep about the same person, inside the erasure's
transaction:

- quarantined rows: released into one of the person's records, or still open and
  carrying the person's service number, or the person's surname, given name and birth
  date (a rejected row is linked to nobody, so it is recognised by its cells);
- the match review queue: pairs with an erased record are withdrawn and their evidence
  dropped;
- saved match models: name keys that only the erased records contributed are removed
  from the sealed term frequencies (counts of keys others share go down by one each);
- stored answers of idempotent API requests that quote any of the person's values.

Everything here runs on the erasure's connection; nothing commits.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Connection

from parley.bootstrap import App
from parley.domain.vocabulary import QuarantineStatus, ReviewStatus
from parley.store.sealed_text import open_list_meta, seal_list_meta
from parley.store.tables import (
    idempotency_keys,
    linkage_models,
    list_imports,
    match_reviews,
    quarantined_rows,
    source_lists,
)

#: A stored API answer that quoted an erased person is replaced by this body.
ERASED_ANSWER = {"detail": "this stored answer quoted personal data that was erased"}

#: Values shorter than this are not searched for in stored answers (they would match
#: by chance).
MIN_NEEDLE = 4

_NOT_ALNUM = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
# Values searched for in free text (stored answers, list names, record ids). A given name
# or patronymic alone is shared by too many people to stand for anyone.
_QUOTED_FIELDS = ("surname", "full_name", "birth_date", "service_number")


@dataclass
class Identifiers:
    """What recognises the erased person in data not linked to them."""

    service_numbers: set[str] = field(default_factory=set)
    # (surname, given name, birth date digits) as folded text
    name_births: set[tuple[str, str, tuple[str, ...]]] = field(default_factory=set)
    # surnames, full names, birth dates and service numbers as written, for free text
    values: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, records: Iterable[Mapping[str, Any]]) -> Identifiers:
        found = cls()
        for record in records:
            found.add(record)
        return found

    def add(self, record: Mapping[str, Any]) -> None:
        text = {k: str(v) for k, v in record.items() if isinstance(v, str | int)}
        service = _fold_service(text.get("service_number", ""))
        if len(service) >= MIN_NEEDLE:
            self.service_numbers.add(service)
        surname, given = _names(text)
        birth = _birth_digits(text.get("birth_date", ""))
        if surname and given and birth:
            self.name_births.add((surname, given, birth))
        for name in _QUOTED_FIELDS:
            value = text.get(name, "").strip()
            if len(value) >= MIN_NEEDLE:
                self.values.add(value.casefold())

    def matches(self, fields: Mapping[str, str]) -> bool:
        service = _fold_service(fields.get("service_number", ""))
        if service and service in self.service_numbers:
            return True
        surname, given = _names(fields)
        birth = _birth_digits(fields.get("birth_date", ""))
        return bool(surname and given and birth) and (surname, given, birth) in self.name_births

    def quoted_in(self, text: str) -> bool:
        folded = text.casefold()
        return any(value in folded for value in self.values)


def _fold_service(value: str) -> str:
    return _NOT_ALNUM.sub("", value).upper()


def _names(fields: Mapping[str, str]) -> tuple[str, str]:
    surname = " ".join(fields.get("surname", "").split()).casefold()
    given = " ".join(fields.get("given_name", "").split()).casefold()
    if not (surname and given):
        words = fields.get("full_name", "").casefold().split()
        if len(words) >= 2:
            surname, given = surname or words[0], given or words[1]
    return surname, given


def _birth_digits(value: str) -> tuple[str, ...]:
    """The date's numbers without leading zeros, sorted: 14.07.1998 and 1998-07-14 agree."""
    groups = [g.lstrip("0") or "0" for g in _DIGITS.findall(value)]
    return tuple(sorted(groups)) if len(groups) == 3 else ()


# --- quarantined rows -----------------------------------------------------------------


@dataclass(frozen=True)
class QuarantineErased:
    rows: int
    list_ids: set[str]


def erase_quarantined(app: App, conn: Connection, *, record_ids: set[str],
                      who: Identifiers, now: str) -> QuarantineErased:
    """Erase the person's quarantined rows."""
    hit: list[tuple[str, bool]] = []  # (row id, still open)
    lists: set[str] = set()
    found: list[dict[str, str]] = []
    layouts: dict[str, list[tuple[str, str]]] = {}
    query = select(quarantined_rows.c.id, quarantined_rows.c.list_id,
                   quarantined_rows.c.status, quarantined_rows.c.record_id,
                   quarantined_rows.c.sealed).where(quarantined_rows.c.sealed.is_not(None))
    for row in conn.execute(query):
        released = row.record_id is not None and row.record_id in record_ids
        if not released and row.status != QuarantineStatus.OPEN:
            continue
        if row.list_id not in layouts:
            layouts[row.list_id] = _layout(app, conn, row.list_id)
        cells: dict[str, str] = app.cipher.open(row.sealed, row_id=row.id)["cells"]
        fields = {name: cells.get(key, "") for key, name in layouts[row.list_id]}
        if released or who.matches(fields):
            hit.append((row.id, row.status == QuarantineStatus.OPEN))
            lists.add(row.list_id)
            # What the row held as written (a mistyped date, say) may be quoted elsewhere.
            found.append(fields)
    for fields in found:
        who.add(fields)
    for row_id, still_open in hit:
        values: dict[str, Any] = {"sealed": None, "erased_at": now}
        if still_open:
            # An open row cannot be corrected or re-imported any more.
            values["status"] = QuarantineStatus.ERASED
        conn.execute(update(quarantined_rows).where(quarantined_rows.c.id == row_id)
                     .values(**values))
    return QuarantineErased(rows=len(hit), list_ids=lists)


# --- lists named after the person -----------------------------------------------------

#: The source a list named after an erased person is given instead.
ERASED_SOURCE = "(erased)"


def relabel_lists(app: App, conn: Connection, list_ids: Iterable[str], who: Identifiers
                  ) -> int:
    """Lists that held the person's rows and whose source or file name quotes the person
    (``Коваленко О.xlsx``) lose both; returns how many."""
    relabelled = 0
    for row in conn.execute(select(source_lists.c.id, source_lists.c.source,
                                   source_lists.c.file_name, source_lists.c.sealed_meta)
                            .where(source_lists.c.id.in_(sorted(list_ids)))).all():
        source, file_name = open_list_meta(app.cipher, row.id, row.sealed_meta,
                                           source=row.source, file_name=row.file_name)
        if who.quoted_in(source) or who.quoted_in(file_name):
            conn.execute(update(source_lists).where(source_lists.c.id == row.id).values(
                source="", file_name="",
                sealed_meta=seal_list_meta(app.cipher, row.id, source=ERASED_SOURCE,
                                           file_name="")))
            relabelled += 1
    return relabelled


def _layout(app: App, conn: Connection, list_id: str) -> list[tuple[str, str]]:
    """(column key, canonical field) of a list's columns that map to a field."""
    sealed = conn.execute(select(list_imports.c.sealed_layout)
                          .where(list_imports.c.list_id == list_id)).scalar()
    if sealed is None:
        return []
    layout = app.cipher.open(sealed, row_id=list_id)
    return [(str(c["key"]), str(c["field"])) for c in layout.get("columns", [])
            if c.get("field")]


# --- the review queue -----------------------------------------------------------------


def withdraw_reviews(conn: Connection, record_ids: set[str]) -> int:
    """Withdraw open reviews of pairs with an erased record; drop every such pair's
    evidence (it describes how the erased record compares). Returns pairs touched."""
    ids = sorted(record_ids)
    touches = or_(match_reviews.c.record_a.in_(ids), match_reviews.c.record_b.in_(ids))
    conn.execute(update(match_reviews).where(touches, match_reviews.c.status == ReviewStatus.OPEN)
                 .values(status=ReviewStatus.WITHDRAWN))
    return conn.execute(update(match_reviews).where(touches).values(evidence="[]")).rowcount


# --- term frequencies of saved match models -------------------------------------------


def scrub_term_frequencies(app: App, conn: Connection,
                           records: Iterable[tuple[str, str, Mapping[str, Any]]]) -> int:
    """Take the erased records (id, source, fields) out of every saved model's term
    frequencies; returns how many models changed."""
    # Imported here: the linkage package loads Splink, which an erasure rarely needs.
    from parley.linkage.comparisons import TF_COLUMNS
    from parley.linkage.features import LinkRecord, features

    keys: dict[str, Counter[str]] = {column: Counter() for column in TF_COLUMNS}
    for uid, source, fields in records:
        row = features(LinkRecord(uid=uid, source=source,
                                  fields={k: str(v) for k, v in fields.items()
                                          if isinstance(v, str)}))
        for column in TF_COLUMNS:
            value = getattr(row, column)
            if value is not None:
                keys[column][value] += 1
    changed = 0
    models = conn.execute(select(linkage_models.c.id, linkage_models.c.sealed_tf)
                          .where(linkage_models.c.sealed_tf.is_not(None))).all()
    for model in models:
        tf: dict[str, dict[str, float]] = app.cipher.open(model.sealed_tf,
                                                           row_id=model.id)["tf"]
        touched = False
        for column, counts in keys.items():
            table = tf.get(column) or {}
            unit = table.get("")
            for value, n in counts.items():
                if value not in table or not unit:
                    continue
                left = round(table[value] / unit) - n
                if left <= 0:
                    del table[value]
                else:
                    table[value] = left * unit
                touched = True
        if touched:
            conn.execute(update(linkage_models).where(linkage_models.c.id == model.id)
                         .values(sealed_tf=app.cipher.seal({"tf": tf}, row_id=model.id)))
            changed += 1
    return changed


# --- stored answers of idempotent requests --------------------------------------------


def scrub_stored_answers(app: App, conn: Connection, who: Identifiers) -> int:
    """Replace stored API answers that quote the person; returns how many."""
    from parley.runtime.idempotency import _answer, _dump

    if not who.values:
        return 0
    rows = conn.execute(select(idempotency_keys.c.owner, idempotency_keys.c.key,
                               idempotency_keys.c.response)
                        .where(idempotency_keys.c.response.is_not(None))).all()
    scrubbed = 0
    for row in rows:
        body = _answer(app.cipher, row.owner, row.key, row.response)
        if who.quoted_in(json.dumps(body, ensure_ascii=False)):
            conn.execute(update(idempotency_keys).where(
                idempotency_keys.c.owner == row.owner, idempotency_keys.c.key == row.key
            ).values(response=_dump(app.cipher, row.owner, row.key, ERASED_ANSWER)))
            scrubbed += 1
    return scrubbed
