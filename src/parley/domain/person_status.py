"""A person's status: where the person stands, and the event that says so.

A person starts ``held`` (a detaining party's list names them), ``missing`` (only the
person's own party lists them) or ``deceased`` (a list says so). Steps through the
exchange follow, each from an event: ``nominated``, ``verified``,
``declined_repatriation`` (confidential to the intermediary), ``handed_over``,
``repatriated`` (the stage closed), ``deceased`` (remains identified). The current status
is the furthest step reached; a later interview in which the person chose to return
(``wishes``) undoes ``declined_repatriation`` back to ``verified``.

The registry service loads the steps; these rules decide. No I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from parley.domain.person_facts import HOLDER_KINDS, PersonView
from parley.domain.planning import DECLINES, WISHES
from parley.domain.vocabulary import Check, CheckOutcome, HandoverRole, PersonStatus

# How far along each status is; a step replaces the current status when it is as far.
# ``wishes`` is never a status (see current_status).
_RANK = {PersonStatus.MISSING: 0, PersonStatus.HELD: 0, PersonStatus.NOMINATED: 1,
         PersonStatus.VERIFIED: 2, PersonStatus.DECLINED_REPATRIATION: 3,
         PersonStatus.HANDED_OVER: 4, PersonStatus.REPATRIATED: 5, PersonStatus.DECEASED: 6}


class Step(NamedTuple):
    """One step of a person's history: the status, its event (None: none) and source."""

    status: PersonStatus
    event_seq: int | None
    source: str


@dataclass(frozen=True)
class StatusReport:
    """A person's current status and the event (and source) that established it."""

    person_id: str
    status: PersonStatus
    event_seq: int | None
    event_type: str | None
    source: str
    history: list[Step] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"person_id": self.person_id, "status": self.status,
                "event_seq": self.event_seq, "event_type": self.event_type,
                "source": self.source,
                "history": [{"status": s, "event_seq": q, "source": src}
                            for s, q, src in self.history]}


def base_status(view: PersonView) -> Step:
    """Where a person stands before any exchange step: from the records alone."""
    recs = view.records
    if view.facts.deceased:
        source = view.facts.sources.get("deceased", "")
        rec = next((r for r in recs if r.source == source), None)
        if rec is not None:
            return Step(PersonStatus.DECEASED, rec.link_seq, f"list {rec.source}")
    held = [r for r in recs if r.kind in HOLDER_KINDS]
    if held:
        return Step(PersonStatus.HELD, held[0].link_seq,
                    f"list {held[0].source} ({held[0].kind}, {held[0].party})")
    if recs:
        return Step(PersonStatus.MISSING, recs[0].link_seq,
                    f"list {recs[0].source} ({recs[0].kind}); no detaining party's record")
    return Step(PersonStatus.MISSING, None, "no records")


def current_status(history: Sequence[Step]) -> Step:
    """The step that gives the current status: the furthest, the later of equals."""
    best = history[0]
    for step in history[1:]:
        if step.status == PersonStatus.WISHES:
            if best.status == PersonStatus.DECLINED_REPATRIATION:
                best = Step(PersonStatus.VERIFIED, step.event_seq, step.source)
            continue
        if _RANK[step.status] >= _RANK[best.status]:
            best = step
    return best


# --- steps: what the exchange's records mean for a person ---------------------------


def verified_step(checks: Mapping[str, tuple[str, int]]) -> Step | None:
    """``verified`` once every verifying check of a nomination is ``confirmed``
    (``checks``: check kind -> (outcome, event)); its event is the last check's."""
    if not all(checks.get(k, ("", 0))[0] == CheckOutcome.CONFIRMED for k in Check):
        return None
    return Step(PersonStatus.VERIFIED, max(q for _, q in checks.values()),
                "identity confirmed by the receiving party, eligibility by the intermediary")


def interview_step(outcome: str | None, event_seq: int) -> Step | None:
    """What the latest private interview says (only the intermediary sees it)."""
    if outcome == DECLINES:
        return Step(PersonStatus.DECLINED_REPATRIATION, event_seq,
                    "private interview by the intermediary (confidential)")
    if outcome == WISHES:
        return Step(PersonStatus.WISHES, event_seq, "private interview by the intermediary")
    return None


def handover_steps(*, stage_number: int, stage_date: str, confirmations: Sequence[int],
                   closed_seq: int | None) -> list[Step]:
    """A listed person's handover in one stage: ``handed_over`` once all three sides
    confirmed (``confirmations``: their events), ``repatriated`` once the stage closed."""
    if len(confirmations) < len(HandoverRole):
        return []
    steps = [Step(PersonStatus.HANDED_OVER, max(confirmations),
                  f"stage {stage_number} ({stage_date}), confirmed by sending, receiving and "
                  "intermediary")]
    if closed_seq is not None:
        steps.append(Step(PersonStatus.REPATRIATED, closed_seq,
                          f"stage {stage_number} closed and signed by all three"))
    return steps
