"""Everything a bundle publishes besides the chain, derived from the chain alone.

:func:`derive` walks the published events once and returns the content of every derived
file (keys, agreements, stages with their cosigned heads, statements, discrepancies,
totals, erasures). The publisher writes exactly this; the verifier recomputes it from the
bundle's events and compares file by file, so a published total that the events do not
support cannot pass. Pure: no database, no clock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from parley.ledger.chain import StoredEvent
from parley.reports import bundle as names
from parley.reports import exchange
from parley.reports.chain import PublishedEvent, WithheldEvent
from parley.reports.policy import Policy, held_stages


@dataclass
class Derived:
    """The derived files' content, plus what the verifier and the report need besides."""

    files: dict[str, Any]
    held: dict[str, dict[str, Any]]
    #: (stage, direction, category) -> commitments of persons handed over (leaf order)
    leaves: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    erased: dict[str, int] = field(default_factory=dict)
    #: (stage, direction, category) -> (event seq, event hash, cosigned head) it came from
    head_sources: dict[tuple[str, str, str], tuple[int, str, dict[str, Any]]] = field(
        default_factory=dict)


class DeriveError(ValueError):
    """An event's payload does not have the form its type defines (seq None: no one event)."""

    def __init__(self, seq: int | None, message: str) -> None:
        super().__init__(message)
        self.seq = seq
        self.message = message


def stage_of(ev: StoredEvent) -> str | None:
    """The stage an event belongs to, if any (its figures are held with the stage's)."""
    if ev.type.startswith("publication."):
        return None
    return exchange.stage_of(ev.type, json.loads(ev.payload))


def redact(events: Sequence[StoredEvent], held: set[str]) -> list[PublishedEvent]:
    """The chain as published: events of held stages as signed hashes only."""
    out: list[PublishedEvent] = []
    for ev in events:
        stage = stage_of(ev) if held else None
        out.append(WithheldEvent.of(ev, stage) if stage in held and stage else ev)
    return out


def derive(events: Sequence[PublishedEvent], policy: Policy) -> Derived:
    """The derived files; raises :class:`DeriveError` for a payload of the wrong form."""
    seq: int | None = None
    try:
        return _derive(events, policy, lambda s: None)
    except DeriveError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        # Find the event at fault by deriving again, one event at a time.
        marks: list[int] = []
        try:
            _derive(events, policy, marks.append)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            seq = marks[-1] if marks else None
        raise DeriveError(seq, f"payload not of the form its event type defines "
                               f"({type(exc).__name__}: {exc})") from None


def _derive(events: Sequence[PublishedEvent], policy: Policy,
            mark: Callable[[int], None]) -> Derived:
    held = held_stages(events, policy.published_at)
    parties: dict[str, dict[str, Any]] = {}
    actors: dict[str, dict[str, Any]] = {}
    erasures: list[dict[str, Any]] = []
    erased: dict[str, int] = {}
    state = exchange.ExchangeState()
    for ev in events:
        if not isinstance(ev, StoredEvent):
            continue
        mark(ev.seq)
        payload = json.loads(ev.payload)
        if ev.type == "party.registered":
            parties.setdefault(payload["code"], {
                "code": payload["code"], "title": payload["title"],
                "kind": payload["kind"], "event": ev.seq})
        elif ev.type == "actor.registered":
            if ev.actor == payload.get("actor") and ev.actor not in actors:
                actors[ev.actor] = {
                    "actor": ev.actor, "party": payload["party"], "title": payload["title"],
                    "role": payload["role"], "public_key": payload["public_key"],
                    "event": ev.seq}
        elif ev.type == "person.erased":
            erasures.append({"event": ev.seq, "person": payload["person_id"],
                             "commitments": sorted(payload["commitments"])})
            for c in payload["commitments"]:
                erased[c] = ev.seq
        else:
            state.apply(ev, payload)
    files: dict[str, Any] = {
        names.KEYS: {"parties": sorted(parties.values(), key=lambda p: p["code"]),
                     "actors": sorted(actors.values(), key=lambda a: a["actor"])},
        names.ERASURES: erasures,
    }
    mark(0)  # past the events: a failure now is in the heads as a whole
    held_json = {s: h.to_json() for s, h in held.items()}
    files.update(state.files(policy=policy, parties=parties, actors=actors,
                             held=held_json))
    return Derived(files=files, held=held_json, leaves=state.leaves(), erased=erased,
                   head_sources=state.head_sources())
