"""A person's status for pages, from the exchange area's persons service, as the viewer
may see it (a declined repatriation stays the intermediary's to know)."""

from __future__ import annotations

from dataclasses import dataclass, field

from parley.api.deps import ServiceContext
from parley.domain.vocabulary import PersonStatus
from parley.services.people.access import Principal

LABELS: dict[str, str] = {
    PersonStatus.HELD: "Held", PersonStatus.NOMINATED: "Nominated for an exchange",
    PersonStatus.VERIFIED: "Verified", PersonStatus.HANDED_OVER: "Handed over",
    PersonStatus.REPATRIATED: "Repatriated",
    PersonStatus.DECLINED_REPATRIATION: "Declined repatriation",
    PersonStatus.DECEASED: "Deceased", PersonStatus.MISSING: "Missing",
    PersonStatus.WISHES: "Wishes to return",
}


@dataclass(frozen=True)
class HistoryLine:
    event: int | None
    status: str
    label: str
    source: str


@dataclass(frozen=True)
class StatusView:
    status: str
    label: str
    source: str
    history: list[HistoryLine] = field(default_factory=list)


def person_status(ctx: ServiceContext, who: Principal, person_id: str,
                  route: str) -> StatusView:
    """The person's current status and its history, as ``who`` may see them (logged)."""
    found = ctx.projections.person_status(ctx.app, who, person_id)
    ctx.access_log.record(who, kind="person", ids=[person_id], route=route, detail="status")
    history = [HistoryLine(event=seq, status=status, label=LABELS.get(status, status),
                           source=source) for status, seq, source in found.history]
    return StatusView(status=found.status, label=LABELS.get(found.status, found.status),
                      source=found.source, history=history)
