"""What the crash harness asserts after every kill: nothing acknowledged lost, nothing twice.

:func:`check` opens the database itself (the server is dead at that moment, so what it
reads is exactly what survived) and compares it with the clients' record of writes:

- every acknowledged write is present, exactly once, and its answer describes what is
  stored (the list id and counts of an import, the tracking code of an inquiry, the
  number of new confirmations);
- no write of any kind is present twice (a list's content once, a person's confirmation
  by one role once in the chain, an inquiry once);
- no import is half-applied: each list has exactly the records and quarantined rows its
  counts say, its ``list_imports`` row and one ``list.imported`` event;
- the ``handover_confirmations`` table and the ``handover.confirmed`` events agree.

The signed chain itself is checked separately with ``parley ledger verify``.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from parley.bootstrap import App
from parley.services.people.users import normalise_tracking_code, tracking_hash
from parley.store.tables import (
    events,
    handover_confirmations,
    inquiries,
    list_imports,
    quarantined_rows,
    source_lists,
    source_records,
)


@dataclass
class Write:
    """One logical write a client makes, retried with the same key until acknowledged."""

    number: int
    kind: str                      # import, confirm or inquiry
    caller: str                    # int, ua or ru (whose token)
    key: str                       # the Idempotency-Key
    marker: str = ""               # inquiry: the notes field; import: the file's SHA-256
    persons: list[str] = field(default_factory=list)  # confirm: whom
    role: str = ""                 # confirm: sending, receiving or intermediary
    accepted: int = 0              # import: rows the file should have accepted ...
    quarantined: int = 0           # ... and quarantined
    state: str = "new"             # new, sent, acked, refused
    answer: dict[str, Any] | None = None
    attempts: int = 0
    detail: str = ""

    def name(self) -> str:
        return f"{self.kind} #{self.number} (key {self.key[:8]})"


class Ledger:
    """The clients' shared record of writes (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._writes: list[Write] = []

    def add(self, write: Write) -> None:
        with self._lock:
            self._writes.append(write)

    def snapshot(self) -> list[Write]:
        with self._lock:
            return list(self._writes)


@dataclass
class Findings:
    """Everything wrong that one check found; empty lists mean it all held."""

    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    half_applied: list[str] = field(default_factory=list)
    wrong_answers: list[str] = field(default_factory=list)
    unacknowledged: list[str] = field(default_factory=list)

    def merge(self, other: Findings) -> None:
        for name in ("lost", "duplicated", "half_applied", "wrong_answers", "unacknowledged"):
            mine = getattr(self, name)
            mine.extend(x for x in getattr(other, name) if x not in mine)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.half_applied or self.wrong_answers
                    or self.unacknowledged)


def check(app: App, writes: list[Write], *, final: bool = False) -> Findings:
    """Compare the stored state with ``writes``; with ``final`` every write must be acked."""
    found = Findings()
    with app.read() as conn:
        lists = {r.id: r for r in conn.execute(select(source_lists))}
        record_counts = dict(conn.execute(select(source_records.c.list_id, func.count())
                                          .group_by(source_records.c.list_id)).all())
        quarantine_counts = dict(conn.execute(
            select(quarantined_rows.c.list_id, func.count())
            .group_by(quarantined_rows.c.list_id)).all())
        layouts = set(conn.execute(select(list_imports.c.list_id)).scalars())
        imported_events: Counter[str] = Counter()
        confirmed_events: Counter[tuple[str, str, str]] = Counter()
        for row in conn.execute(select(events.c.type, events.c.payload).where(
                events.c.type.in_(("list.imported", "handover.confirmed")))):
            payload = json.loads(row.payload)
            if row.type == "list.imported":
                imported_events[payload["list_id"]] += 1
            else:
                for pid in payload["person_ids"]:
                    confirmed_events[(payload["stage_id"], payload["role"], pid)] += 1
        confirmed_rows = {(r.stage_id, r.role, r.person_id) for r in conn.execute(
            select(handover_confirmations.c.stage_id, handover_confirmations.c.role,
                   handover_confirmations.c.person_id))}
        inquiry_rows = conn.execute(
            select(inquiries.c.id, inquiries.c.tracking_hash, source_records.c.id.label("rid"),
                   source_records.c.sealed)
            .join(source_records, source_records.c.id == inquiries.c.record_id)).all()

    by_sha: dict[str, list[Any]] = {}
    for lst in lists.values():
        by_sha.setdefault(lst.file_sha256, []).append(lst)
    _check_lists(lists, record_counts, quarantine_counts, imported_events, found)
    _check_confirmations(confirmed_events, confirmed_rows, found)
    inquiry_by_marker: dict[str, list[tuple[str, str]]] = {}
    for row in inquiry_rows:
        fields = app.cipher.open(row.sealed, row_id=row.rid) if row.sealed is not None else {}
        marker = str(fields.get("notes", ""))
        inquiry_by_marker.setdefault(marker, []).append((row.id, row.tracking_hash))

    for w in writes:
        if w.kind == "import":
            _check_import(app, w, by_sha.get(w.marker, []), layouts, found)
        elif w.kind == "inquiry":
            _check_inquiry(app, w, inquiry_by_marker.get(w.marker, []), found)
        elif w.kind == "confirm" and w.state == "acked":
            _check_confirm(w, confirmed_rows, found)
        if final and w.state != "acked":
            found.unacknowledged.append(f"{w.name()}: {w.state} {w.detail}".strip())
    return found


def _check_lists(lists: dict[str, Any], record_counts: dict[str, int],
                 quarantine_counts: dict[str, int], imported_events: Counter[str],
                 found: Findings) -> None:
    """Each list's stored rows match its counts and its one list.imported event."""
    for lst in lists.values():
        records = record_counts.get(lst.id, 0)
        held = quarantine_counts.get(lst.id, 0)
        if (records, held) != (lst.accepted, lst.quarantined) or \
                imported_events[lst.id] != 1:
            found.half_applied.append(
                f"list {lst.id} ({lst.file_name}): {records} records and {held} quarantined "
                f"rows stored, counts say {lst.accepted} and {lst.quarantined}; "
                f"{imported_events[lst.id]} list.imported events")
    for list_id in set(imported_events) - set(lists):
        found.half_applied.append(f"list.imported event for list {list_id}, which is missing")


def _check_confirmations(confirmed_events: Counter[tuple[str, str, str]],
                         confirmed_rows: set[tuple[str, str, str]], found: Findings) -> None:
    """Each handover confirmation is once in the chain and once in its table."""
    for key, times in confirmed_events.items():
        if times > 1:
            found.duplicated.append(f"handover confirmation {key} is {times} times in the chain")
    if set(confirmed_events) != confirmed_rows:
        found.half_applied.append(
            f"handover confirmations table and chain differ: "
            f"{len(confirmed_rows - set(confirmed_events))} rows without an event, "
            f"{len(set(confirmed_events) - confirmed_rows)} events without a row")


def _check_confirm(w: Write, confirmed_rows: set[tuple[str, str, str]], found: Findings
                   ) -> None:
    """An acknowledged confirmation is stored, and answered as new for every person."""
    stage = (w.answer or {}).get("stage_id", "")
    missing = [p for p in w.persons if (stage, w.role, p) not in confirmed_rows]
    if missing:
        found.lost.append(f"{w.name()}: {len(missing)} of {len(w.persons)} "
                          "acknowledged confirmations are missing")
    new = (w.answer or {}).get("new_confirmations")
    if new != len(w.persons):
        found.wrong_answers.append(
            f"{w.name()}: answered {new} new confirmations for {len(w.persons)} "
            "persons nobody else confirms in that role (acted twice?)")


def _check_import(app: App, w: Write, stored: list[Any], layouts: set[str],
                  found: Findings) -> None:
    if len(stored) > 1:
        found.duplicated.append(f"{w.name()}: the file is stored as {len(stored)} lists")
    for lst in stored:
        if lst.id not in layouts:
            found.half_applied.append(f"{w.name()}: list {lst.id} has no list_imports row")
    if w.state != "acked":
        return
    if not stored:
        found.lost.append(f"{w.name()}: acknowledged as list "
                          f"{(w.answer or {}).get('list_id')}, which is not stored")
        return
    answer = w.answer or {}
    lst = stored[0]
    if answer.get("list_id") != lst.id:
        found.wrong_answers.append(f"{w.name()}: answered list {answer.get('list_id')}, "
                                   f"stored as {lst.id}")
    if (answer.get("accepted"), answer.get("quarantined")) != (lst.accepted, lst.quarantined)\
            or (lst.accepted, lst.quarantined) != (w.accepted, w.quarantined):
        found.wrong_answers.append(
            f"{w.name()}: answered {answer.get('accepted')}/{answer.get('quarantined')} "
            f"accepted/quarantined, stored {lst.accepted}/{lst.quarantined}, file has "
            f"{w.accepted}/{w.quarantined}")
    if answer.get("already_imported"):
        found.wrong_answers.append(f"{w.name()}: answered 'already imported' for a file "
                                   "only this write sent (acted twice)")


def _check_inquiry(app: App, w: Write, stored: list[tuple[str, str]],
                   found: Findings) -> None:
    if len(stored) > 1:
        found.duplicated.append(f"{w.name()}: filed {len(stored)} times")
    if w.state != "acked":
        return
    if not stored:
        found.lost.append(f"{w.name()}: acknowledged as inquiry "
                          f"{(w.answer or {}).get('inquiry_id')}, which is not stored")
        return
    answer = w.answer or {}
    code = normalise_tracking_code(str(answer.get("tracking_code", "")))
    expected = tracking_hash(app, code) if code else ""
    if not any(i == answer.get("inquiry_id") and h == expected for i, h in stored):
        found.wrong_answers.append(f"{w.name()}: the answer's inquiry id and tracking code "
                                   "are not those stored")
