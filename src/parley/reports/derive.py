"""The bundle's derived files: from the public events, and totals from the verified stages.

``keys.json``, ``agreements.json`` and ``statements.json`` are recomputed from
``public-events.jsonl``; ``totals.json`` from the figures that the cosigned stage heads
prove (``reports/stages.py``) and the parties' statements. The publisher writes exactly
this; the verifier recomputes it and compares file by file. Pure.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from parley.domain.public_head import TOTAL
from parley.domain.vocabulary import Direction
from parley.ledger.chain import StoredEvent
from parley.reports import bundle as names
from parley.reports.stages import Figure


class DeriveError(ValueError):
    """An event's payload does not have the form its type defines."""

    def __init__(self, seq: int | None, message: str) -> None:
        super().__init__(message)
        self.seq = seq
        self.message = message


def from_events(events: Sequence[StoredEvent]) -> dict[str, Any]:
    """keys.json, agreements.json and statements.json from the public events."""
    parties: dict[str, dict[str, Any]] = {}
    actors: dict[str, dict[str, Any]] = {}
    agreements: dict[str, dict[str, Any]] = {}
    statements: list[dict[str, Any]] = []
    for ev in events:
        try:
            p = json.loads(ev.payload)
            _apply(ev, p, parties, actors, agreements, statements)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DeriveError(ev.seq, f"payload not of the form its event type defines "
                                      f"({type(exc).__name__}: {exc})") from None
    return {
        names.KEYS: {"parties": sorted(parties.values(), key=lambda x: x["code"]),
                     "actors": sorted(actors.values(), key=lambda x: x["actor"])},
        names.AGREEMENTS: sorted(agreements.values(), key=lambda a: a["event"]),
        names.STATEMENTS: statements,
    }


def _apply(ev: StoredEvent, p: dict[str, Any], parties: dict[str, dict[str, Any]],
           actors: dict[str, dict[str, Any]], agreements: dict[str, dict[str, Any]],
           statements: list[dict[str, Any]]) -> None:
    if ev.type == "party.registered":
        parties.setdefault(p["code"], {"code": p["code"], "title": p["title"],
                                       "kind": p["kind"], "event": ev.seq})
    elif ev.type == "actor.registered":
        if ev.actor == p.get("actor") and ev.actor not in actors:
            actors[ev.actor] = {"actor": ev.actor, "party": p["party"], "title": p["title"],
                                "role": p["role"], "public_key": p["public_key"],
                                "event": ev.seq}
    elif ev.type == "agreement.recorded":
        terms = p["terms"]
        agreements[p["agreement_id"]] = {
            "id": p["agreement_id"], "reference": p["reference"], "terms": terms,
            "terms_hash": p["terms_hash"], "event": ev.seq, "recorded_at": ev.recorded_at,
            "signed_by": [{"party": terms.get("intermediary"), "actor": ev.actor,
                           "event": ev.seq}]}
    elif ev.type == "agreement.signed":
        agreement = agreements.get(p["agreement_id"])
        if agreement is not None and p["terms_hash"] == agreement["terms_hash"]:
            agreement["signed_by"].append({"party": p["party"], "actor": ev.actor,
                                           "event": ev.seq})
    elif ev.type == "statement.recorded":
        statements.append({
            "id": p["statement_id"], "agreement": p["agreement_id"], "party": p["party"],
            "stated_on": p["stated_on"], "source": p["source"], "stage": p["stage_id"],
            "claims": p["claims"], "event": ev.seq, "actor": ev.actor})


def _latest_claims(statements: Sequence[dict[str, Any]]
                   ) -> dict[tuple[str | None, str], dict[str, Any]]:
    """(stage, party) -> the claims of that party's latest statement about the stage."""
    return {(st["stage"], st["party"]): st["claims"] for st in statements}


def _claim(latest: dict[tuple[str | None, str], dict[str, Any]], stage: str, party: str,
           direction: str, category: str) -> int | None:
    claims = latest.get((stage, party), {}).get(direction, {})
    if category == TOTAL:
        numbers = [v for v in claims.values() if isinstance(v, int) and not isinstance(v, bool)]
        return sum(numbers) if numbers else None
    claim = claims.get(category)
    return claim if isinstance(claim, int) and not isinstance(claim, bool) else None


def totals(sections: Sequence[dict[str, Any]], figures: dict[str, list[Figure]], *, k: int,
           statements: Sequence[dict[str, Any]], agreements: Sequence[dict[str, Any]]
           ) -> dict[str, Any]:
    """totals.json from verified stage sections (in published order) and their figures."""
    categories: dict[str, str] = {}
    caps: dict[str, int | None] = {}
    for agreement in agreements:
        for cat in agreement["terms"].get("categories", []):
            categories.setdefault(cat["code"], cat.get("title") or cat["code"])
            caps.setdefault(cat["code"], _agreed(cat))
    rows: list[dict[str, Any]] = []
    by_direction: list[dict[str, Any]] = []
    running: dict[tuple[str, str], dict[str, Any]] = {}
    latest = _latest_claims(statements)
    for section in sections:
        if section.get("head") is None:
            continue
        signers = [c["actor"] for c in section["head"]["cosignatures"]]
        for f in figures[section["id"]]:
            sending, receiving = Direction.unchecked_parties(f.direction)
            row = {"stage": f.stage, "stage_number": section["number"],
                   "date": section["date"], "agreement": section["agreement"],
                   "direction": f.direction, "from": sending, "to": receiving,
                   "category": f.category, "confirmed": f.count, "withheld": f.reason,
                   # beside a withheld figure a party's claim is not repeated: the
                   # party's statement stays in statements.json, in its own words
                   "claimed_by_sender": None if f.count is None else _claim(
                       latest, f.stage, sending, f.direction, f.category),
                   "claimed_by_receiver": None if f.count is None else _claim(
                       latest, f.stage, receiving, f.direction, f.category),
                   "confirmed_by": signers}
            if f.category == TOTAL:
                by_direction.append({key: row[key] for key in (
                    "stage", "stage_number", "direction", "confirmed", "withheld",
                    "claimed_by_sender", "claimed_by_receiver")})
            else:
                rows.append(row)
            acc = running.setdefault((f.direction, f.category), {
                "direction": f.direction, "category": f.category, "values": [],
                "agreed": caps.get(f.category)})
            previous = acc["values"][-1] if acc["values"] else {"published": 0,
                                                                 "withheld_stages": 0}
            acc["values"].append({
                "stage": f.stage,
                "published": previous["published"] + (f.count or 0),
                "withheld_stages": previous["withheld_stages"] + (f.count is None)})
    return {"k": k, "rows": rows, "by_direction": by_direction,
            "categories": [{"code": c, "title": t} for c, t in categories.items()],
            "cumulative": sorted(running.values(),
                                 key=lambda c: (c["direction"], c["category"]))}


def _agreed(cat: dict[str, Any]) -> int | None:
    cap = cat.get("cap")
    ratio = cat.get("ratio")
    values = [v for v in (cap,) if isinstance(v, int) and not isinstance(v, bool)]
    if isinstance(ratio, str) and ratio.split(" ")[0].isdigit():
        values.append(int(ratio.split(" ")[0]))
    return min(values) if values else None
