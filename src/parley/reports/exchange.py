"""The exchange as the public sees it, projected from the exchange's events.

Agreements (terms and who signed them), stages (their cosigned heads), the confirmed
totals recomputed from the handover confirmations, discrepancies, and the parties'
statements with the figures they claim. A person counts as handed over in a stage when
the stage list names them (``stage.planned`` and ``stage.person_listed``, less
``stage.person_withdrawn``) and the
sending party, the receiving party and the intermediary have each confirmed them
(``handover.confirmed``); remains count by case when all three confirmed the case
(``remains.confirmed``). Each stage head must have exactly those commitments as leaves.
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


STAGE_EVENTS = frozenset({
    "stage.planned", "stage.person_listed", "stage.person_withdrawn", "handover.confirmed",
    "handover.unlisted",
    "identity.disputed", "discrepancy.opened", "discrepancy.resolved", "stage.closed",
    "remains.confirmed", "statement.recorded"})
ROLES = ("sending", "receiving", "intermediary")


def stage_of(event_type: str, payload: dict[str, Any]) -> str | None:
    """The stage whose publication an event follows (None: not tied to one stage).

    A carried discrepancy belongs to the stage it leaves (its figures were that stage's);
    statements follow the stage they speak of.
    """
    if event_type == "discrepancy.carried":
        stage = payload.get("from_stage_id")
    elif event_type in STAGE_EVENTS:
        stage = payload.get("stage_id")
    else:
        return None
    return stage if isinstance(stage, str) else None


def _case_number(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("case") or item.get("case_number") or "")
    return str(item)


class ExchangeState:
    """The exchange's public state, folded from its events in chain order."""

    def __init__(self) -> None:
        self.agreements: dict[str, dict[str, Any]] = {}
        self.stages: dict[str, dict[str, Any]] = {}
        #: stage -> person -> {direction, category, commitment}
        self.lists: dict[str, dict[str, dict[str, Any]]] = {}
        #: stage -> person -> roles that confirmed
        self.confirmed: dict[str, dict[str, set[str]]] = {}
        #: (stage, direction, category) -> case -> {commitment, roles}
        self.remains: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {}
        self.closed: dict[str, dict[str, Any]] = {}
        self.discrepancies: dict[str, dict[str, Any]] = {}
        self.statements: list[dict[str, Any]] = []

    def apply(self, ev: StoredEvent, payload: dict[str, Any]) -> None:
        handler = getattr(self, "_" + ev.type.replace(".", "_"), None)
        if handler is not None:
            handler(ev, payload)

    # --- agreements -------------------------------------------------------------------

    def _agreement_recorded(self, ev: StoredEvent, p: dict[str, Any]) -> None:
        terms = p["terms"]
        self.agreements[p["agreement_id"]] = {
            "id": p["agreement_id"], "reference": p["reference"], "terms": terms,
            "terms_hash": p["terms_hash"], "event": ev.seq, "recorded_at": ev.recorded_at,
            "signed_by": [{"party": terms.get("intermediary"), "actor": ev.actor,
                           "event": ev.seq}],
        }

    def _agreement_signed(self, ev: StoredEvent, p: dict[str, Any]) -> None:
        agreement = self.agreements.get(p["agreement_id"])
        if agreement is not None and p["terms_hash"] == agreement["terms_hash"]:
            agreement["signed_by"].append({"party": p["party"], "actor": ev.actor,
                                           "event": ev.seq})

    # --- stages and handovers ---------------------------------------------------------

    def _stage_planned(self, ev: StoredEvent, p: dict[str, Any]) -> None:
        stage = p["stage_id"]
        self.stages[stage] = {"id": stage, "agreement": p["agreement_id"],
                              "number": p["number"], "date": p["date"],
                              "planned_event": ev.seq}
        listed = self.lists.setdefault(stage, {})
        for direction, persons in sorted(p["lists"].items()):
            for entry in persons:
                listed[entry["person_id"]] = {"direction": direction,
                                              "category": entry["category"],
                                              "commitment": entry["commitment"]}

    def _stage_person_listed(self, ev: StoredEvent, p: dict[str, Any]) -> None:
        self.lists.setdefault(p["stage_id"], {})[p["person_id"]] = {
            "direction": p["direction"], "category": p["category"],
            "commitment": p["commitment"]}

    def _stage_person_withdrawn(self, ev: StoredEvent, p: dict[str, Any]) -> None:
        self.lists.get(p["stage_id"], {}).pop(p["person_id"], None)

    def _handover_confirmed(self, ev: StoredEvent, p: dict[str, Any]) -> None:
        confirmed = self.confirmed.setdefault(p["stage_id"], {})
        for person in p["person_ids"]:
            confirmed.setdefault(person, set()).add(p["role"])

    def _remains_confirmed(self, ev: StoredEvent, p: dict[str, Any]) -> None:
        cases = self.remains.setdefault((p["stage_id"], p["direction"], p["category"]), {})
        for item in p["cases"]:
            case = cases.setdefault(_case_number(item), {"commitment": None, "roles": set()})
            if isinstance(item, dict) and item.get("commitment"):
                case["commitment"] = item["commitment"]
            case["roles"].add(p["role"])

    def _stage_closed(self, ev: StoredEvent, p: dict[str, Any]) -> None:
        self.closed[p["stage_id"]] = {"event": ev.seq, "hash": ev.hash, "at": ev.recorded_at,
                                      "totals": p["totals"], "heads": p["heads"],
                                      "carried": p["carried"],
                                      "agreement": p["agreement_id"]}

    # --- discrepancies and statements -------------------------------------------------

    def _discrepancy_opened(self, ev: StoredEvent, p: dict[str, Any]) -> None:
        self.discrepancies[p["discrepancy_id"]] = {
            "id": p["discrepancy_id"], "stage": p["stage_id"], "first_stage": p["stage_id"],
            "kind": p["kind"], "direction": p["direction"], "category": p["category"],
            "counts": p["counts"], "status": "open", "resolution": None,
            "opened_event": ev.seq, "opened_at": ev.recorded_at, "resolved_at": None}

    def _discrepancy_carried(self, ev: StoredEvent, p: dict[str, Any]) -> None:
        d = self.discrepancies.get(p["discrepancy_id"])
        if d is not None:
            d["stage"] = p["to_stage_id"]

    def _discrepancy_resolved(self, ev: StoredEvent, p: dict[str, Any]) -> None:
        d = self.discrepancies.get(p["discrepancy_id"])
        if d is not None:
            d.update(status="resolved", resolution=p["resolution"],
                     resolved_at=ev.recorded_at)

    def _statement_recorded(self, ev: StoredEvent, p: dict[str, Any]) -> None:
        self.statements.append({
            "id": p["statement_id"], "agreement": p["agreement_id"], "party": p["party"],
            "stated_on": p["stated_on"], "source": p["source"], "stage": p["stage_id"],
            "claims": p["claims"], "event": ev.seq, "actor": ev.actor})

    # --- results ----------------------------------------------------------------------

    def _handed_over(self) -> dict[tuple[str, str, str], list[str]]:
        """Commitments confirmed by all three sides, per stage, direction, category."""
        out: dict[tuple[str, str, str], list[str]] = {}
        for stage, listed in self.lists.items():
            confirmed = self.confirmed.get(stage, {})
            for person, entry in listed.items():
                if set(ROLES) <= confirmed.get(person, set()):
                    key = (stage, entry["direction"], entry["category"])
                    out.setdefault(key, []).append(entry["commitment"])
        for key, cases in self.remains.items():
            for case in cases.values():
                if set(ROLES) <= case["roles"] and case["commitment"]:
                    out.setdefault(key, []).append(case["commitment"])
        return {k: sorted(v) for k, v in out.items()}

    def leaves(self) -> dict[tuple[str, str, str], list[str]]:
        handed = self._handed_over()
        for stage in self.closed:
            for signed in self.closed[stage]["heads"]:
                head = signed.get("head", {}) if isinstance(signed, dict) else {}
                key = (stage, head.get("direction"), head.get("category"))
                handed.setdefault(key, [])  # type: ignore[arg-type]
        return handed

    def head_sources(self) -> dict[tuple[str, str, str], tuple[int, str, dict[str, Any]]]:
        out: dict[tuple[str, str, str], tuple[int, str, dict[str, Any]]] = {}
        for stage, closed in self.closed.items():
            for signed in closed["heads"]:
                head = signed["head"]
                out[(stage, head["direction"], head["category"])] = (
                    closed["event"], closed["hash"], signed)
        return out

    def files(self, *, policy: Policy, parties: dict[str, dict[str, Any]],
              actors: dict[str, dict[str, Any]], held: dict[str, dict[str, Any]]
              ) -> dict[str, Any]:
        handed = self._handed_over()
        known = dict(self.stages)
        for stage_id, close in self.closed.items():
            # A close without a plan is still published, so its heads are still checked.
            known.setdefault(stage_id, {"id": stage_id, "agreement": close["agreement"],
                                        "number": None, "date": None,
                                        "planned_event": None})
        stages = sorted(known.values(), key=lambda s: (s["agreement"], s["number"] or 0,
                                                        s["id"]))
        stage_json: list[dict[str, Any]] = []
        rows: list[dict[str, Any]] = []
        categories: dict[str, str] = {}
        for agreement in self.agreements.values():
            for cat in agreement["terms"].get("categories", []):
                categories.setdefault(cat["code"], cat.get("title") or cat["code"])
        for stage in stages:
            closed = self.closed.get(stage["id"])
            entry = {**stage, "status": "closed" if closed else "open",
                     "closed_event": closed["event"] if closed else None,
                     "closed_at": _head_time(closed) if closed else None,
                     "heads": closed["heads"] if closed else [],
                     "carried": closed["carried"] if closed else [],
                     "totals": closed["totals"] if closed else None, "held": None}
            stage_json.append(entry)
            if closed:
                rows += self._rows(stage, closed, handed, policy)
        for stage_id, hold in sorted(held.items()):
            stage_json.append({"id": stage_id, "held": hold})
        return {
            names.AGREEMENTS: sorted(self.agreements.values(), key=lambda a: a["event"]),
            names.STAGES: stage_json,
            names.STATEMENTS: sorted(self.statements, key=lambda s: s["event"]),
            names.DISCREPANCIES: sorted(self.discrepancies.values(),
                                        key=lambda d: d["opened_event"]),
            names.TOTALS: {
                "k": policy.k, "rows": rows,
                "categories": [{"code": c, "title": t} for c, t in categories.items()],
                "cumulative": _cumulative(rows, handed, self.agreements, policy),
                "by_direction": _by_direction(rows, handed, policy),
            },
        }

    def _rows(self, stage: dict[str, Any], closed: dict[str, Any],
              handed: dict[tuple[str, str, str], list[str]], policy: Policy
              ) -> list[dict[str, Any]]:
        rows = []
        for signed in closed["heads"]:
            head = signed["head"]
            direction, category = head["direction"], head["category"]
            sending, _, receiving = direction.partition("->")
            count = len(handed.get((stage["id"], direction, category), []))
            rows.append({
                "stage": stage["id"], "stage_number": stage["number"], "date": stage["date"],
                "agreement": stage["agreement"], "direction": direction, "from": sending,
                "to": receiving, "category": category, "confirmed": policy.shown(count),
                "claimed_by_sender": self._claim(stage["id"], sending, direction, category),
                "claimed_by_receiver": self._claim(stage["id"], receiving, direction,
                                                   category),
                "confirmed_by": [c["actor"] for c in signed["cosignatures"]],
            })
        return rows

    def _claim(self, stage: str, party: str, direction: str, category: str) -> int | None:
        value = None
        for st in self.statements:
            if st["stage"] == stage and st["party"] == party:
                claim = st["claims"].get(direction, {}).get(category)
                if isinstance(claim, int) and not isinstance(claim, bool):
                    value = claim
        return value


def _by_direction(rows: list[dict[str, Any]], handed: dict[tuple[str, str, str], list[str]],
                  policy: Policy) -> list[dict[str, Any]]:
    """Per closed stage and direction: confirmed over all categories, and the claims."""
    out: list[dict[str, Any]] = []
    seen: list[tuple[str, str]] = []
    for row in rows:
        key = (row["stage"], row["direction"])
        if key not in seen:
            seen.append(key)
    for stage, direction in seen:
        mine = [r for r in rows if (r["stage"], r["direction"]) == (stage, direction)]
        exact = sum(len(handed.get((stage, direction, r["category"]), [])) for r in mine)

        def claims(field: str, mine: list[dict[str, Any]] = mine) -> int | None:
            values = [r[field] for r in mine if r[field] is not None]
            return sum(values) if values else None

        out.append({"stage": stage, "stage_number": mine[0]["stage_number"],
                    "direction": direction, "confirmed": policy.shown(exact),
                    "claimed_by_sender": claims("claimed_by_sender"),
                    "claimed_by_receiver": claims("claimed_by_receiver")})
    return out


def _head_time(closed: dict[str, Any]) -> str:
    for signed in closed["heads"]:
        return str(signed["head"]["time"])
    return str(closed["at"])


def _cumulative(rows: list[dict[str, Any]], handed: dict[tuple[str, str, str], list[str]],
                agreements: dict[str, dict[str, Any]], policy: Policy
                ) -> list[dict[str, Any]]:
    """Running confirmed totals per direction and category over closed stages, with the
    agreement's limit for that category (cap or N of "N for N") where there is one."""
    limits: dict[str, int | None] = {}
    for agreement in agreements.values():
        for cat in agreement["terms"].get("categories", []):
            ratio = cat.get("ratio")
            n = None
            if isinstance(ratio, str) and ratio.endswith(" for " + ratio.split(" ")[0]) \
                    and ratio.split(" ")[0].isdigit():
                n = int(ratio.split(" ")[0])
            caps = [x for x in (cat.get("cap"), n) if isinstance(x, int)]
            limits[cat["code"]] = min(caps) if caps else None
    stages: list[str] = []
    for row in rows:
        if row["stage"] not in stages:
            stages.append(row["stage"])
    out = []
    keys = sorted({(r["direction"], r["category"]) for r in rows})
    for direction, category in keys:
        running, values = 0, []
        for stage in stages:
            for r in rows:
                if r["stage"] == stage and (r["direction"], r["category"]) == (direction,
                                                                                category):
                    running += len(handed.get((stage, direction, category), []))
            values.append(running)
        out.append({"direction": direction, "category": category,
                    "values": [policy.shown(v) for v in values],
                    "agreed": limits.get(category)})
    return out


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
            if problem is None and head["stage"] != stage.get("id"):
                problem = f"carries a head of stage {head['stage']}"
            if problem is None:
                stated = (stage.get("totals") or {}).get(head["direction"], {}).get(
                    head["category"])
                if stated != head["tree_size"]:
                    problem = (f"the stage.closed total {stated} for {head['direction']} "
                               f"{head['category']} differs from the head's size "
                               f"{head['tree_size']}")
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
    closed = {st["id"]: st for st in derived.files[names.STAGES]
              if st.get("status") == "closed"}
    covered = {(st["id"], h["head"]["direction"], h["head"]["category"])
               for st in closed.values() for h in st["heads"]}
    for key, leaves in sorted(derived.leaves.items()):
        if key[0] in closed and leaves and key not in covered:
            return HeadCheck(heads, cosignatures, (
                closed[key[0]].get("closed_event"),
                f"stage {key[0]}: {len(leaves)} handed over {key[1]} in category {key[2]} "
                "but the stage closed without a head for them"))
    return HeadCheck(heads, cosignatures)


def signed_heads_of(event_type: str, payload: dict[str, Any]) -> list[Any]:
    """The cosigned heads a ``stage.closed`` event carries."""
    if event_type != STAGE_CLOSED:
        return []
    heads = payload.get("heads", [])
    return heads if isinstance(heads, list) else []


def count_totals(derived: Any) -> int:
    """How many published totals the verifier recomputed."""
    return len(derived.files[names.TOTALS]["rows"])
