"""Publication policy: which stages are held back, and how small counts are shown.

A stage is held from a ``publication.held`` event until a later ``publication.released``
event or until its ``until`` date has come at the bundle's publication time. Counts
below ``k`` (but above zero) are withheld, with whatever would give them away
(``reports/suppression.py``). Pure: the publisher and the verifier evaluate the same
rules over the same events.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from parley.ledger.chain import StoredEvent

HELD = "publication.held"
RELEASED = "publication.released"
DEFAULT_K = 5


@dataclass(frozen=True)
class Policy:
    """The publication time and the smallest count shown as a number."""

    published_at: str
    k: int = DEFAULT_K


@dataclass(frozen=True)
class Hold:
    stage_id: str
    until: str | None
    reason: str
    seq: int

    def to_json(self) -> dict[str, Any]:
        return {"until": self.until, "reason": self.reason, "event": self.seq}


def until_instant(until: str) -> str:
    """An ``until`` date or timestamp as a comparable UTC timestamp string."""
    return until if "T" in until else f"{until}T00:00:00.000000Z"


def held_stages(events: Iterable[object], published_at: str) -> dict[str, Hold]:
    """Stages whose figures are held at ``published_at`` (withheld events are skipped)."""
    holds: dict[str, Hold] = {}
    for ev in events:
        if not isinstance(ev, StoredEvent) or ev.type not in (HELD, RELEASED):
            continue
        payload = json.loads(ev.payload)
        stage = str(payload.get("stage_id"))
        if ev.type == HELD:
            holds[stage] = Hold(stage, payload.get("until"), str(payload.get("reason", "")),
                                ev.seq)
        else:
            holds.pop(stage, None)
    return {s: h for s, h in holds.items()
            if h.until is None or published_at < until_instant(h.until)}
