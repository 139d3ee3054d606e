"""The exchange as the public sees it, projected from the exchange's events.

Placeholder until the exchange events land: agreements, stages, heads, handovers,
discrepancies and statements are read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parley.domain.stage_head import StageHead, StageHeadError, parse_direction
from parley.ledger.chain import StoredEvent
from parley.ledger.merkle import leaf_hash, root_from_leaf_hashes
from parley.ledger.signing import verify_signature
from parley.reports import bundle as names
from parley.reports.policy import Policy


STAGE_CLOSED = "stage.closed"


def stage_of(event_type: str, payload: dict[str, Any]) -> str | None:
    stage = payload.get("stage_id")
    return stage if isinstance(stage, str) else None


class ExchangeState:
    def __init__(self) -> None:
        self._leaves: dict[tuple[str, str, str], list[str]] = {}

    def apply(self, ev: StoredEvent, payload: dict[str, Any]) -> None:
        return None

    def files(self, *, policy: Policy, parties: dict[str, dict[str, Any]],
              actors: dict[str, dict[str, Any]], held: dict[str, dict[str, Any]]
              ) -> dict[str, Any]:
        return {names.AGREEMENTS: [], names.STAGES: [], names.STATEMENTS: [],
                names.DISCREPANCIES: [], names.TOTALS: {"k": policy.k, "rows": []}}

    def leaves(self) -> dict[tuple[str, str, str], list[str]]:
        return self._leaves

    def head_sources(self) -> dict[tuple[str, str, str], tuple[int, str, dict[str, Any]]]:
        return {}


@dataclass(frozen=True)
class Signers:
    """Who may cosign: actors' keys, each actor's party, and each party's kind."""

    keys: dict[str, str]
    party_of: dict[str, str]
    kind_of: dict[str, str]


@dataclass(frozen=True)
class HeadCheck:
    heads: int = 0
    cosignatures: int = 0
    failure: tuple[int | None, str] | None = None


def signers_of(keys: dict[str, Any]) -> Signers:
    """The cosigners a bundle's ``keys.json`` (or its derivation) knows."""
    return Signers(
        keys={a["actor"]: a["public_key"] for a in keys["actors"]},
        party_of={a["actor"]: a["party"] for a in keys["actors"]},
        kind_of={p["code"]: p["kind"] for p in keys["parties"]},
    )


def check_signed_head(signed: Any, signers: Signers) -> str | None:
    """None when ``signed`` is a well-formed head cosigned by both parties of its
    direction and by the intermediary, each with its registered key; else the reason."""
    if not isinstance(signed, dict) or set(signed) != {"head", "cosignatures"}:
        return "expected {head, cosignatures}"
    try:
        head = StageHead.from_json(signed["head"])
        sending, receiving = parse_direction(head.direction)
    except (StageHeadError, TypeError) as exc:
        return str(exc)
    cosignatures = signed["cosignatures"]
    if not isinstance(cosignatures, list) or not all(
            isinstance(c, dict) and set(c) == {"actor", "party", "signature"}
            and all(isinstance(v, str) for v in c.values()) for c in cosignatures):
        return "cosignatures must be a list of {actor, party, signature}"
    if cosignatures != sorted(cosignatures, key=lambda c: (c["party"], c["actor"])):
        return "cosignatures are not sorted by party code"
    intermediaries = {code for code, kind in signers.kind_of.items()
                      if kind == "intermediary"}
    wanted = {sending, receiving}
    seen: set[str] = set()
    message = head.to_bytes()
    for c in cosignatures:
        actor, party = c["actor"], c["party"]
        if signers.party_of.get(actor) != party:
            return f"cosigner {actor} is not an actor of {party} in this chain"
        if party in seen:
            return f"{party} cosigned twice"
        if party not in wanted and party not in intermediaries:
            return f"{party} is neither a party of {head.direction} nor the intermediary"
        if not verify_signature(signers.keys[actor], message, c["signature"]):
            return f"cosignature by {actor} ({party}) does not verify"
        seen.add(party)
    missing = sorted(wanted - seen)
    if missing or not seen & intermediaries:
        return f"not cosigned by {', '.join(missing) or 'the intermediary'}"
    return None


def check_heads(derived: Any, signers: Signers) -> HeadCheck:
    """Every published head: cosignatures, and size and root against the handovers."""
    heads = cosignatures = 0
    for stage in derived.files[names.STAGES]:
        for signed in stage.get("heads", []):
            problem = check_signed_head(signed, signers)
            head = signed.get("head", {}) if isinstance(signed, dict) else {}
            if problem is None:
                key = (head["stage"], head["direction"], head["category"])
                leaves = derived.leaves.get(key, [])
                root = root_from_leaf_hashes(
                    [leaf_hash(bytes.fromhex(c)) for c in leaves]).hex()
                if head["tree_size"] != len(leaves) or head["root"] != root:
                    problem = (f"head {head['direction']} {head['category']}: size "
                               f"{head['tree_size']} root {head['root'][:12]}…; the "
                               f"handovers in the events give {len(leaves)} and "
                               f"{root[:12]}…")
            if problem is not None:
                return HeadCheck(heads, cosignatures,
                                 (stage.get("event"), f"stage {stage.get('id')}: {problem}"))
            heads += 1
            cosignatures += len(signed["cosignatures"])
    return HeadCheck(heads, cosignatures)


def signed_heads_of(event_type: str, payload: dict[str, Any]) -> list[Any]:
    """The cosigned heads a ``stage.closed`` event carries."""
    if event_type != STAGE_CLOSED:
        return []
    heads = payload.get("heads", [])
    return heads if isinstance(heads, list) else []


def count_totals(derived: Any) -> int:
    return 0
