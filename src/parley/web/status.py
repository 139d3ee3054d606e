"""A person's status for pages: from the exchange area's persons service when present.

Until that service exists a matched person shows as "found in the lists we hold".
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from parley.api.deps import ServiceContext
from parley.services.access import Principal

LABELS = {
    "held": "Held", "nominated": "Nominated for an exchange", "verified": "Verified",
    "handed_over": "Handed over", "repatriated": "Repatriated",
    "declined_repatriation": "Declined repatriation", "deceased": "Deceased",
    "missing": "Missing", "found": "Found in the lists we hold",
}


@dataclass(frozen=True)
class HistoryLine:
    at: str
    status: str
    label: str
    source: str


@dataclass(frozen=True)
class StatusView:
    status: str
    label: str
    since: str | None
    history: list[HistoryLine] = field(default_factory=list)


def persons_service() -> Any | None:
    try:
        return importlib.import_module("parley.services.persons")
    except ImportError:
        return None


def person_status(ctx: ServiceContext, who: Principal, person_id: str,
                  route: str) -> StatusView:
    """The person's current status and its history, as ``who`` may see them (logged)."""
    ctx.access_log.record(who, kind="person", ids=[person_id], route=route, detail="status")
    module = persons_service()
    getter = getattr(module, "person_status", None) if module is not None else None
    if getter is None:
        return StatusView(status="found", label=LABELS["found"], since=None)
    found = getter(ctx.app, person_id)
    history = [HistoryLine(at=str(getattr(h, "at", "")), status=str(getattr(h, "status", "")),
                           label=LABELS.get(str(getattr(h, "status", "")),
                                            str(getattr(h, "status", ""))),
                           source=str(getattr(h, "source", "")))
               for h in getattr(found, "history", [])]
    status = str(getattr(found, "status", "found"))
    return StatusView(status=status, label=LABELS.get(status, status),
                      since=getattr(found, "since", None), history=history)
