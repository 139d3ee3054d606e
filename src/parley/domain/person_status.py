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

STATUSES = ("held", "nominated", "verified", "handed_over", "repatriated",
            "declined_repatriation", "deceased", "missing")
#: Not a status: a later interview's outcome that undoes ``declined_repatriation``.
WISHES = "wishes"

# How far along each status is; a step replaces the current status when it is as far.
_RANK = {"missing": 0, "held": 0, "nominated": 1, "verified": 2, "declined_repatriation": 3,
         "handed_over": 4, "repatriated": 5, "deceased": 6}


class Step(NamedTuple):
    """One step of a person's history: the status, its event (None: none) and source."""

    status: str
    event_seq: int | None
    source: str


@dataclass(frozen=True)
class PersonStatus:
    """A person's current status and the event (and source) that established it."""

    person_id: str
    status: str
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
            return Step("deceased", rec.link_seq, f"list {rec.source}")
    held = [r for r in recs if r.kind in HOLDER_KINDS]
    if held:
        return Step("held", held[0].link_seq, f"list {held[0].source} ({held[0].kind}, "
                                             f"{held[0].party})")
    if recs:
        return Step("missing", recs[0].link_seq, f"list {recs[0].source} ({recs[0].kind}); "
                                                "no detaining party's record")
    return Step("missing", None, "no records")


def current_status(history: Sequence[Step]) -> Step:
    """The step that gives the current status: the furthest, the later of equals."""
    best = history[0]
    for step in history[1:]:
        if step.status == WISHES:
            if best.status == "declined_repatriation":
                best = Step("verified", step.event_seq, step.source)
            continue
        if _RANK[step.status] >= _RANK[best.status]:
            best = step
    return best


# --- steps: what the exchange's records mean for a person ---------------------------

#: The checks that verify a nomination: identity (by the receiving party) and
#: eligibility (by the intermediary).
VERIFYING_CHECKS = ("identity", "eligibility")
#: Sides whose confirmations make a handover: sending, receiving, intermediary.
CONFIRMING_SIDES = 3


def verified_step(checks: Mapping[str, tuple[str, int]]) -> Step | None:
    """``verified`` once every verifying check of a nomination is ``confirmed``
    (``checks``: check kind -> (outcome, event)); its event is the last check's."""
    if not all(checks.get(k, ("", 0))[0] == "confirmed" for k in VERIFYING_CHECKS):
        return None
    return Step("verified", max(q for _, q in checks.values()),
                "identity confirmed by the receiving party, eligibility by the intermediary")


def interview_step(outcome: str | None, event_seq: int) -> Step | None:
    """What the latest private interview says (only the intermediary sees it)."""
    if outcome == "declines":
        return Step("declined_repatriation", event_seq,
                    "private interview by the intermediary (confidential)")
    if outcome == WISHES:
        return Step(WISHES, event_seq, "private interview by the intermediary")
    return None


def handover_steps(*, stage_number: int, stage_date: str, confirmations: Sequence[int],
                   closed_seq: int | None) -> list[Step]:
    """A listed person's handover in one stage: ``handed_over`` once all three sides
    confirmed (``confirmations``: their events), ``repatriated`` once the stage closed."""
    if len(confirmations) < CONFIRMING_SIDES:
        return []
    steps = [Step("handed_over", max(confirmations),
                  f"stage {stage_number} ({stage_date}), confirmed by sending, receiving and "
                  "intermediary")]
    if closed_seq is not None:
        steps.append(Step("repatriated", closed_seq,
                          f"stage {stage_number} closed and signed by all three"))
    return steps
