"""`parley demo`: the Istanbul 2025 scenario on a fresh embedded database, on synthetic people.

Each step calls the same services the CLI and the API call:

1. three nodes, each with its own data directory, keys and database: ``DIR/int`` (the
   hub), ``DIR/ua`` and ``DIR/ru``; the intermediary registers on the hub, each party's
   office makes its key on its own node and registers it (signed there). Every write of
   a party is signed by its node (:class:`PartyNode`), the hub checks each signature
   against the registered key, and the stage heads are cosigned on the nodes;
2. lists arrive (both parties' origin lists and capture cards, the intermediary's visit
   list, families' inquiries: ``parley.synth.exchange_scenario``) and are imported;
3. identities are resolved (``parley.services.registry.identity.resolve_list`` when the linkage
   area provides it; until then one person per capture card);
4. the agreement of 2 June 2025 is recorded and signed by all three;
5. medical certification, nominations, identity and eligibility checks and private
   interviews arrive in waves; seven stages run on the historical dates (9, 10, 12, 14,
   20, 26 June, 4 July 2025) with decliners, a person not handed over, a count that does
   not match, a disputed identity carried to and resolved in a later stage, a person
   handed over without being listed, remains by case number, and both parties'
   statements; remains are identified after the last stage;
6. the stage table is printed and written to ``DIR/summary.json``; the ledger verifies.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from parley.bootstrap import App
from parley.domain.planning import DECLINES, UNDECIDED, WISHES
from parley.domain.records import RecordInput
from parley.domain.vocabulary import (
    Direction,
    ListKind,
    PartyKind,
    PersonStatus,
    Resolution,
    StagePersonState,
)
from parley.errors import InputError
from parley.ingest.values import ValueProblem, parse_iso_date
from parley.ledger.chain import Statement, payload_hash, sign_statement
from parley.ledger.signing import public_key_hex, sign
from parley.services.exchange.agreements import eligibility_report, load_agreement, sign_agreement
from parley.services.exchange.cosigning import parse_head, proposed_heads, record_cosignatures
from parley.services.exchange.handover import (
    carry_discrepancy,
    check_stage,
    close_stage,
    confirm_handover,
    dispute_identity,
    report_unlisted,
    resolve_discrepancy,
)
from parley.services.exchange.remains import confirm_remains, identify_remains, remains_counts
from parley.services.exchange.stage_summary import render_table, stage_table, trace_check
from parley.services.exchange.stages import plan_stage, stage_list
from parley.services.exchange.statements import compare, record_statement
from parley.services.exchange.verification import (
    certify_medical,
    confirm_eligibility,
    confirm_identity,
    nominate,
    record_interview,
)
from parley.services.intake.imports import import_list
from parley.services.intake.lists import ListMeta, record_list
from parley.services.ledger import LedgerReport, verify_ledger
from parley.services.people.organisation import add_party, register_actor, register_party
from parley.services.people.signed import Signatures, SignedStatement, signed_write
from parley.services.publication.checkpoints import create_checkpoint
from parley.services.publication.publish import PublishedAndVerified, publish_and_verify
from parley.services.registry.persons import load_people, statuses
from parley.synth.exchange_scenario import STAGE_DATES, exchange_scenario

INTERMEDIARY = "INT"
PARTY_A = "UA"
PARTY_B = "RU"
ACTORS = {
    INTERMEDIARY: "int-tracing",
    PARTY_A: "ua-coordination",
    PARTY_B: "ru-coordination",
}
AGREEMENT_FILE = Path(__file__).resolve().parents[1] / "synth" / "istanbul_2025.yaml"
RU_UA, UA_RU = Direction.of(PARTY_B, PARTY_A), Direction.of(PARTY_A, PARTY_B)
WAVES = 4
CAPACITY = 45


@dataclass
class DemoSummary:
    """What the demo did, for the printed summary and `summary.json`."""

    directory: str
    parties: list[str] = field(default_factory=list)
    lists: list[dict[str, object]] = field(default_factory=list)
    identity: str = ""
    agreement: dict[str, Any] = field(default_factory=dict)
    table: dict[str, Any] = field(default_factory=dict)
    table_lines: list[str] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)
    remains: list[dict[str, Any]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    untraced: list[str] = field(default_factory=list)
    ledger: LedgerReport | None = None
    bundle: PublishedAndVerified | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "directory": self.directory, "parties": self.parties, "lists": self.lists,
            "identity_resolution": self.identity, "agreement": self.agreement,
            "stages": self.table.get("stages", []),
            "columns": self.table.get("columns", []),
            "handed_over_total": self.table.get("handed_over_total", {}),
            "statements": self.statements, "remains": self.remains,
            "person_statuses": self.statuses, "story": self.events,
            "figures_traced_to_events": not self.untraced, "untraced": self.untraced,
            "bundle": None if self.bundle is None else {
                "directory": self.bundle.published.directory,
                "events": self.bundle.verified.events,
                "verified": self.bundle.verified.ok,
                "failure": None if self.bundle.verified.ok else str(self.bundle.verified.failure)},
            "ledger": None if self.ledger is None else {
                "events": self.ledger.events, "head": self.ledger.head,
                "verified": self.ledger.ok},
        }


NODE_DIRS = {INTERMEDIARY: "int", PARTY_A: "ua", PARTY_B: "ru"}


def prepare_directory(out: Path) -> None:
    """Refuse to run over anything but an empty directory or an earlier demo's output."""
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file, not a directory; choose another --out")
    earlier = (out / "int" / "parley.db").exists() or (out / "parley.db").exists()
    if out.exists() and any(out.iterdir()) and not earlier:
        raise InputError(f"{out} is not empty and holds no earlier demo; choose another --out")
    out.mkdir(parents=True, exist_ok=True)


class PartyNode:
    """A party's own Parley in the demo: its data directory, its key, its database.

    The hub reaches it within this process the way it reaches a node over HTTP: with
    the exact statements to sign. The node signs only for its own actor, only statements
    whose payload it was shown, with its own key and the time the demo says it happened.
    """

    def __init__(self, app: App, party: str, actor: str) -> None:
        self.app = app
        self.party = party
        self.actor = actor
        key = app.keyring.private(actor) if app.keyring.has(actor) \
            else app.keyring.create(actor)
        self.public_key = public_key_hex(key)
        (app.keyring.key_dir.parent / "node.json").write_text(json.dumps(
            {"hub": "(the demo's hub, in process)", "actor": actor, "party": party},
            indent=1) + "\n", encoding="utf-8")

    @property
    def key_id(self) -> str:
        return self.app.keyring.key_id(self.actor)

    def sign(self, statement: Statement, payload: dict[str, Any]) -> SignedStatement:
        if statement.actor != self.actor or payload_hash(payload) != statement.payload_hash:
            raise InputError(f"node {self.party} refuses to sign {statement.type} for "
                             f"{statement.actor}")
        mine = replace(statement, key_id=self.key_id)
        return SignedStatement(mine, sign_statement(mine, self.app.keyring.private(self.actor)))

    def cosign(self, hub: App, stage_id: str) -> None:
        """Cosign the heads the hub proposes for ``stage_id`` (``parley node cosign``)."""
        _time, heads = proposed_heads(hub, stage_id)
        key = self.app.keyring.private(self.actor)
        record_cosignatures(hub, stage_id=stage_id, actor=self.actor, key_id=self.key_id,
                            signatures=[{"head": h, "signature": sign(
                                key, parse_head(h).to_bytes())} for h in heads])


@dataclass
class Nodes:
    """The two parties' nodes, asked by the hub to sign their actors' statements."""

    by_actor: dict[str, PartyNode]
    signatures: Signatures = field(default_factory=Signatures)

    def __post_init__(self) -> None:
        self.signatures.signer = self.sign

    def sign(self, statement: Statement, payload: dict[str, Any]) -> SignedStatement:
        node = self.by_actor.get(statement.actor)
        if node is None:
            raise InputError(f"no node holds the key of {statement.actor}")
        return node.sign(statement, payload)

    def at(self, when: str | None) -> str | None:
        """Let what follows happen at ``when`` (a date, or a full time); returns the
        previous time."""
        before = self.signatures.occurred_at
        self.signatures.occurred_at = None if when is None else (
            when if "T" in when else f"{when}T10:00:00.000000Z")
        return before


def open_nodes(out: Path) -> tuple[App, dict[str, App]]:
    """The hub's and the parties' applications, each on its own directory."""
    from parley.bootstrap import bootstrap
    from parley.settings import Settings

    hub = bootstrap(Settings.for_directory(out / NODE_DIRS[INTERMEDIARY]))
    parties = {p: bootstrap(Settings.for_directory(out / NODE_DIRS[p]))
               for p in (PARTY_A, PARTY_B)}
    return hub, parties


def run_demo(app: App, out: Path, *, records: int = 1_500,
             party_apps: dict[str, App] | None = None) -> DemoSummary:
    """The scenario with ``app`` as the hub. With ``party_apps`` (each party's own node)
    every party write is signed on its node; without, every key is in ``app``'s key
    directory (one machine, for tests)."""
    summary = DemoSummary(directory=str(out))
    if party_apps is None:
        _register(app, summary)
        nodes = None
    else:
        nodes = _register_nodes(app, party_apps, summary)
    with signed_write(nodes.signatures if nodes is not None else Signatures()):
        if nodes is not None:
            nodes.at("2025-06-02T12:00:00.000000Z")  # the lists and the agreement
        _lists_and_identities(app, out, summary, records=records)
        agreement_id = _agreement(app, summary)
        Exchange(app, agreement_id, summary, nodes).run()
    summary.table = stage_table(app, agreement_id)
    summary.table_lines = render_table(summary.table)
    summary.untraced = trace_check(app, agreement_id)
    summary.statements = [row.__dict__ for row in compare(app, agreement_id)]
    summary.remains = [row.__dict__ for row in remains_counts(app, agreement_id)]
    tally: dict[str, int] = {}
    for status in statuses(app).values():
        tally[status.status] = tally.get(status.status, 0) + 1
    summary.statuses = dict(sorted(tally.items()))
    # --- publication (issue 7): publish the bundle to out / "bundle" and verify it here,
    # before the ledger check below, so the summary reports both. ---
    summary.bundle = publish_and_verify(app, out / "bundle",
                                        family_proof_to=out / "family-proof.json")
    summary.ledger = verify_ledger(app)
    (out / "summary.json").write_text(
        json.dumps(summary.to_json(), ensure_ascii=False, indent=2, default=str) + "\n",
        encoding="utf-8")
    return summary


def _register_nodes(hub: App, party_apps: dict[str, App], summary: DemoSummary) -> Nodes:
    """The intermediary on the hub; each party's key made on its node, its actor
    registered at the hub with a registration signed there."""
    register_party(hub, code=INTERMEDIARY, title="Neutral intermediary", kind="intermediary",
                   actor=ACTORS[INTERMEDIARY], actor_title="Central tracing agency")
    titles = {PARTY_A: ("Ukraine", "Coordination HQ for the treatment of POWs"),
              PARTY_B: ("Russian Federation", "POW information bureau")}
    nodes = Nodes(by_actor={})
    for party, (title, office) in titles.items():
        add_party(hub, code=party, title=title, kind="party", by=ACTORS[INTERMEDIARY])
        node = PartyNode(party_apps[party], party, ACTORS[party])
        nodes.by_actor[node.actor] = node
        with signed_write(nodes.signatures):
            register_actor(hub, actor=node.actor, party=party, title=office,
                           role="coordinator", public_key=node.public_key)
    summary.parties = [INTERMEDIARY, PARTY_A, PARTY_B]
    return nodes


def _register(app: App, summary: DemoSummary) -> None:
    register_party(app, code=INTERMEDIARY, title="Neutral intermediary",
                   kind=PartyKind.INTERMEDIARY, actor=ACTORS[INTERMEDIARY],
                   actor_title="Central tracing agency")
    register_party(app, code=PARTY_A, title="Ukraine", kind=PartyKind.PARTY, actor=ACTORS[PARTY_A],
                   actor_title="Coordination HQ for the treatment of POWs")
    register_party(app, code=PARTY_B, title="Russian Federation", kind=PartyKind.PARTY,
                   actor=ACTORS[PARTY_B], actor_title="POW information bureau")
    summary.parties = [INTERMEDIARY, PARTY_A, PARTY_B]


def resolver() -> Callable[..., Any] | None:
    """The linkage area's ``resolve_list`` once it can be imported, else None."""
    try:
        from parley.services.registry.identity import resolve_list
    except Exception:  # noqa: BLE001 - work in progress elsewhere must not stop the demo
        return None
    return resolve_list


def _lists_and_identities(app: App, out: Path, summary: DemoSummary, *, records: int) -> None:
    scenario = exchange_scenario(records, seed=2025)
    files = scenario.write_csv(out / "lists")
    resolve = resolver()
    imported: list[str] = []
    for path, source, kind, party in files:
        owner = ACTORS.get(party or INTERMEDIARY, ACTORS[INTERMEDIARY])
        if resolve is None and kind == ListKind.CAPTURE_CARD:
            accepted, quarantined = _one_person_per_record(app, scenario, source, kind, party,
                                                           owner)
        else:
            result = import_list(app, path=path, kind=kind, actor=owner, source=source,
                                 party=party)
            accepted, quarantined = result.accepted, result.quarantined
            imported.append(result.list_id)
        summary.lists.append({"source": source, "kind": kind, "party": party,
                              "accepted": accepted, "quarantined": quarantined})
    if resolve is not None:
        for list_id in imported:
            resolve(app, list_id=list_id, actor=ACTORS[INTERMEDIARY])
        summary.identity = "resolved list by list (parley.services.registry.identity.resolve_list)"
    else:
        summary.identity = ("one person per capture card (identity resolution not "
                            "available yet; other lists imported unlinked)")


def _one_person_per_record(app: App, scenario: Any, source: str, kind: str,
                           party: str | None, actor: str) -> tuple[int, int]:
    (lst,) = [x for x in scenario.scenario.lists if x.source == source]
    rows = []
    for rec in lst.records:
        fields = {k: v for k, v in rec.fields.items() if v}
        if fields.get("birth_date"):
            try:
                fields["birth_date"] = parse_iso_date(fields["birth_date"]).iso
            except ValueProblem:
                del fields["birth_date"]
        rows.append(RecordInput(row_number=rec.row_number, fields=fields))
    digest = hashlib.sha256(repr([r.fields for r in rows]).encode()).hexdigest()
    recorded = record_list(app, meta=ListMeta(
        source=source, kind=kind, file_name=f"{source}.csv", file_sha256=digest, party=party,
        rows=len(rows)), records=rows, actor=actor, one_person_per_record=True)
    return len(recorded.record_ids), 0


def _agreement(app: App, summary: DemoSummary) -> str:
    agreement = load_agreement(app, path=AGREEMENT_FILE, actor=ACTORS[INTERMEDIARY])
    sign_agreement(app, agreement_id=agreement.id, actor=ACTORS[PARTY_A])
    signed = sign_agreement(app, agreement_id=agreement.id, actor=ACTORS[PARTY_B])
    summary.agreement = {"id": signed.id, "reference": signed.terms.reference,
                         "terms_hash": signed.terms_hash, "active": signed.active,
                         "signed_by": sorted(signed.signed_by)}
    return signed.id


def _stable(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


class Exchange:
    """The exchange as it unfolds: waves of verification, seven stages, what goes wrong."""

    def __init__(self, app: App, agreement_id: str, summary: DemoSummary,
                 nodes: Nodes | None = None) -> None:
        self.app = app
        self.nodes = nodes
        self.agreement = agreement_id
        self.summary = summary
        self.keys: dict[str, str] = {}
        self.nominated: dict[str, str] = {}  # person -> direction
        self.wave_of: dict[str, int] = {}
        self.undecided: set[str] = set()
        self.stage_ids: list[str] = []
        self.stranger: str | None = None
        self.directions: dict[str, str] = {}

    def say(self, text: str) -> None:
        self.summary.events.append(text)

    # --- who is who -------------------------------------------------------------------

    def _load(self) -> dict[str, Any]:
        with self.app.read() as conn:
            people = load_people(conn, self.app.cipher)
        for pid, view in people.items():
            names = sorted(f"{r.source}:{(r.fields or {}).get('record_id', '')}"
                           for r in view.records)
            self.keys[pid] = names[0] if names else pid
        return people

    def _direction(self, person: str) -> str:
        return self.directions.get(person, "")

    def _order(self, persons: list[str]) -> list[str]:
        return sorted(persons, key=lambda p: self.keys[p])

    # --- before the stages ------------------------------------------------------------

    def prepare(self) -> None:
        people = self._load()
        reported = self._order([p for p, v in people.items() if v.facts.wounded_reported])
        yes = [p for p in reported if _stable(self.keys[p]) % 5]
        no = [p for p in reported if p not in yes]
        if yes:
            certify_medical(self.app, person_ids=yes, seriously_wounded_or_sick=True,
                            actor=ACTORS[INTERMEDIARY])
        if no:
            certify_medical(self.app, person_ids=no, seriously_wounded_or_sick=False,
                            actor=ACTORS[INTERMEDIARY])
        self.say(f"medical certification: {len(yes)} seriously wounded or sick, "
                 f"{len(no)} not")
        rows = eligibility_report(self.app, agreement_id=self.agreement)
        by_direction: dict[str, list[str]] = {RU_UA: [], UA_RU: []}
        self.protected: set[str] = set()
        self.waiting: list[str] = []
        for row in rows:
            if row.direction is not None:
                self.directions[row.person_id] = row.direction
            if row.direction in by_direction and row.eligibility.category is not None:
                by_direction[row.direction].append(row.person_id)
                if row.eligibility.protected:
                    self.protected.add(row.person_id)
        for direction, persons in by_direction.items():
            ordered = self._order(persons)
            # A few eligible persons are left for later (never nominated in time).
            late = [p for p in ordered if _stable("late" + self.keys[p]) % 25 == 0
                    and p not in self.protected]
            self.waiting += late
            ordered = [p for p in ordered if p not in late]
            receiving = Direction(direction).receiving
            nominate(self.app, agreement_id=self.agreement, person_ids=ordered,
                     actor=ACTORS[receiving])
            confirm_eligibility(self.app, agreement_id=self.agreement, person_ids=ordered,
                                actor=ACTORS[INTERMEDIARY])
            for p in ordered:
                self.nominated[p] = direction
                self.wave_of[p] = 0 if p in self.protected else _stable("w" + self.keys[p]) \
                    % WAVES
            self.say(f"{receiving} nominated {len(ordered)} of its people ({direction}); "
                     "the intermediary confirmed their eligibility")

    def wave(self, k: int) -> None:
        """Identity checks and private interviews of the k-th wave."""
        due = self._order([p for p, w in self.wave_of.items() if w == k])
        for direction in (RU_UA, UA_RU):
            batch = [p for p in due if self.nominated[p] == direction]
            if batch:
                confirm_identity(self.app, agreement_id=self.agreement, person_ids=batch,
                                 actor=ACTORS[direction.receiving])
        declined = undecided = 0
        for p in due:
            roll = _stable("i" + self.keys[p]) % 100
            outcome = DECLINES if roll < 3 else UNDECIDED if roll < 6 else WISHES
            declined += outcome == DECLINES
            if outcome == UNDECIDED:
                undecided += 1
                self.undecided.add(p)
            record_interview(self.app, agreement_id=self.agreement, person_id=p,
                             outcome=outcome, actor=ACTORS[INTERMEDIARY])
        if k == WAVES - 1:
            self._late_nominations()
        settled = [p for p in self._order(list(self.undecided)) if self.wave_of[p] < k]
        for p in settled:
            record_interview(self.app, agreement_id=self.agreement, person_id=p,
                             outcome=WISHES, actor=ACTORS[INTERMEDIARY])
            self.undecided.discard(p)
        self.say(f"wave {k + 1}: {len(due)} identities confirmed and interviews held "
                 f"({declined} do not wish to return, {undecided} undecided; "
                 f"{len(settled)} earlier undecided now wish to return)")

    def _late_nominations(self) -> None:
        """The persons nominated late, all but one, who will arrive unlisted in stage 5."""
        late = self._order(self.waiting)
        self.stranger = next((p for p in late if p not in self.nominated), None)
        for direction in (RU_UA, UA_RU):
            batch = [p for p in late if p != self.stranger and self._direction(p) == direction]
            if not batch:
                continue
            receiving = direction.receiving
            nominate(self.app, agreement_id=self.agreement, person_ids=batch,
                     actor=ACTORS[receiving])
            confirm_eligibility(self.app, agreement_id=self.agreement, person_ids=batch,
                                actor=ACTORS[INTERMEDIARY])
            confirm_identity(self.app, agreement_id=self.agreement, person_ids=batch,
                             actor=ACTORS[receiving])
            for p in batch:
                record_interview(self.app, agreement_id=self.agreement, person_id=p,
                                 outcome=WISHES, actor=ACTORS[INTERMEDIARY])
                self.nominated[p] = direction
                self.waiting.remove(p)
            self.say(f"{receiving} nominated {len(batch)} more of its people late; verified "
                     "and interviewed at once")

    def settle(self) -> None:
        """The last undecided make up their minds."""
        for p in self._order(list(self.undecided)):
            record_interview(self.app, agreement_id=self.agreement, person_id=p,
                             outcome=WISHES, actor=ACTORS[INTERMEDIARY])
        if self.undecided:
            self.say(f"{len(self.undecided)} undecided persons now wish to return")
        self.undecided.clear()

    # --- the stages -------------------------------------------------------------------

    def plan(self, number: int) -> str:
        if self.nodes is not None:
            self.nodes.at(STAGE_DATES[number - 1])
        result = plan_stage(self.app, agreement_id=self.agreement,
                            stage_date=STAGE_DATES[number - 1], capacity=CAPACITY,
                            actor=ACTORS[INTERMEDIARY])
        self.stage_ids.append(result.stage.id)
        counts = {d: result.plan.count(d) for d in (RU_UA, UA_RU)}
        self.say(f"stage {number} ({STAGE_DATES[number - 1]}) planned: {counts[RU_UA]} "
                 f"{RU_UA}, {counts[UA_RU]} {UA_RU}; left out: {result.plan.reasons()}")
        return result.stage.id

    def listed(self, stage_id: str, direction: str | None = None) -> list[str]:
        return self._order([p["person_id"] for p in stage_list(self.app, stage_id)
                            if p["state"] == StagePersonState.LISTED
                            and (direction is None or p["direction"] == direction)])

    def confirm(self, stage_id: str, persons: list[str],
                sides: tuple[str, ...] = (PARTY_B, PARTY_A, INTERMEDIARY)) -> None:
        if persons:
            for side in sides:
                confirm_handover(self.app, stage_id=stage_id, person_ids=persons,
                                 actor=ACTORS[side])

    def remains(self, stage_id: str, direction: str, start: int, count: int, *,
                received: int | None = None) -> list[str]:
        sending, receiving = Direction(direction).parties
        cases = [f"{sending}-2025-{n:05d}" for n in range(start, start + count)]
        args = {"stage_id": stage_id, "direction": direction, "category": "remains"}
        confirm_remains(self.app, case_numbers=cases, actor=ACTORS[sending], **args)
        confirm_remains(self.app, case_numbers=cases, actor=ACTORS[INTERMEDIARY], **args)
        got = cases if received is None else cases[:received]
        confirm_remains(self.app, case_numbers=got, actor=ACTORS[receiving], **args)
        return cases

    def close(self, number: int, stage_id: str) -> None:
        before = None
        if self.nodes is not None:
            before = self.nodes.at(f"{STAGE_DATES[number - 1]}T18:00:00.000000Z")
        closed = close_stage(self.app, stage_id=stage_id, actor=ACTORS[INTERMEDIARY])
        if closed.awaiting and self.nodes is not None:
            for node in self.nodes.by_actor.values():
                node.cosign(self.app, stage_id)
            closed = close_stage(self.app, stage_id=stage_id, actor=ACTORS[INTERMEDIARY])
        if self.nodes is not None:
            self.nodes.at(before)
        create_checkpoint(self.app)  # the intermediary commits to the chain as it stands
        moved = ", ".join(f"{d} {sum(v.values())}" for d, v in closed.totals.items())
        self.say(f"stage {number} closed and cosigned by UA, RU and INT: {moved}")

    def run(self) -> None:
        app, int_actor = self.app, ACTORS[INTERMEDIARY]
        self.prepare()
        self.wave(0)
        # Stage 1: the receiving side first counts one person short.
        s1 = self.plan(1)
        ru_ua = self.listed(s1, RU_UA)
        self.confirm(s1, self.listed(s1), sides=(PARTY_B, INTERMEDIARY))
        self.confirm(s1, ru_ua[1:] + self.listed(s1, UA_RU), sides=(PARTY_A,))
        found = check_stage(app, stage_id=s1, actor=int_actor)
        self.say(f"stage 1 check: {', '.join(d.describe() for d in found)}")
        self.confirm(s1, ru_ua[:1], sides=(PARTY_A,))
        check_stage(app, stage_id=s1, actor=int_actor)
        self.say("UA confirmed the person it had missed; the counts agree again")
        record_statement(app, agreement_id=self.agreement, party=PARTY_A,
                         stated_on=STAGE_DATES[0], stage_number=1,
                         source="Coordination HQ, statement of 9 June 2025 (synthetic)",
                         claims={RU_UA: {"young": len(ru_ua) + 2}}, actor=ACTORS[PARTY_A])
        self.close(1, s1)

        # Stage 2: one nominated person is not brought to the handover; remains.
        self.wave(1)
        s2 = self.plan(2)
        absent = self.listed(s2, RU_UA)[0]
        self.confirm(s2, [p for p in self.listed(s2) if p != absent])
        self.remains(s2, RU_UA, 1, 120)
        self.remains(s2, UA_RU, 1, 4)
        (missing,) = check_stage(app, stage_id=s2, actor=int_actor)
        self.say(f"stage 2 check: {missing.describe()}")
        resolve_discrepancy(app, discrepancy_id=missing.id,
                            resolution=Resolution.PERSON_REMAINS_HELD, actor=int_actor)
        self.say("the person stays held and goes back to the pool for a later stage")
        self.close(2, s2)

        # Stage 3: UA disputes an identity; the dispute is carried to stage 4.
        self.wave(2)
        s3 = self.plan(3)
        doubted = self.listed(s3, RU_UA)[0]
        dispute = dispute_identity(app, stage_id=s3, person_id=doubted, actor=ACTORS[PARTY_A])
        self.confirm(s3, [p for p in self.listed(s3) if p != doubted])
        self.confirm(s3, [doubted], sides=(PARTY_B, INTERMEDIARY))
        self.wave(3)
        s4 = self.plan(4)
        carry_discrepancy(app, discrepancy_id=dispute.id, to_stage_id=s4, actor=int_actor)
        self.say("UA disputed one identity in stage 3; the intermediary carried the "
                 "dispute to stage 4")
        self.close(3, s3)

        # Stage 4: the identity is confirmed after further checks; remains with a count
        # that does not match at first.
        resolve_discrepancy(app, discrepancy_id=dispute.id,
                            resolution=Resolution.IDENTITY_CONFIRMED, actor=ACTORS[PARTY_A])
        self.confirm(s4, self.listed(s4))
        self.remains(s4, RU_UA, 121, 150, received=148)
        self.remains(s4, UA_RU, 5, 3)
        (short,) = check_stage(app, stage_id=s4, actor=int_actor)
        self.say(f"stage 4 check: {short.describe()}")
        confirm_remains(app, stage_id=s4, direction=RU_UA, category="remains",
                        case_numbers=[f"RU-2025-{n:05d}" for n in (269, 270)],
                        actor=ACTORS[PARTY_A])
        self.say("stage 4: UA found the two remaining cases on the train; counts agree")
        record_statement(app, agreement_id=self.agreement, party=PARTY_B,
                         stated_on="2025-06-14",
                         source="Ministry of Defence, statement of 14 June 2025 (synthetic)",
                         claims={RU_UA: {"remains": 400}}, actor=ACTORS[PARTY_B])
        self.close(4, s4)

        # Stage 5: a person arrives who was not on the list, and is admitted.
        self.settle()
        s5 = self.plan(5)
        self.confirm(s5, self.listed(s5))
        stranger = self.stranger
        if stranger is not None:
            unlisted = report_unlisted(app, stage_id=s5, person_id=stranger,
                                       actor=ACTORS[PARTY_A])
            resolve_discrepancy(app, discrepancy_id=unlisted.id, resolution=Resolution.ADMITTED,
                                actor=int_actor)
            self.confirm(s5, [stranger])
            self.say(f"stage 5: {unlisted.describe()} reported by UA; admitted by decision")
        self.remains(s5, RU_UA, 271, 90)
        self.close(5, s5)

        # Stages 6 and 7: the rest.
        for number in (6, 7):
            stage = self.plan(number)
            self.confirm(stage, self.listed(stage))
            if number == 7:
                self.remains(stage, RU_UA, 361, 60)
                self.remains(stage, UA_RU, 8, 2)
            self.close(number, stage)
        # Each party's account of the whole exchange, beside the confirmed figures.
        total = stage_table(app, self.agreement)["handed_over_total"]
        record_statement(app, agreement_id=self.agreement, party=PARTY_A,
                         stated_on=STAGE_DATES[-1],
                         source="Coordination HQ, statement of 4 July 2025 (synthetic)",
                         claims={RU_UA: {"wounded_sick": total[RU_UA]["wounded_sick"],
                                         "young": total[RU_UA]["young"] + 3,
                                         "remains": total[RU_UA]["remains"]}},
                         actor=ACTORS[PARTY_A])
        record_statement(app, agreement_id=self.agreement, party=PARTY_B,
                         stated_on=STAGE_DATES[-1],
                         source="Ministry of Defence, statement of 4 July 2025 (synthetic)",
                         claims={UA_RU: {"young": total[UA_RU]["young"],
                                         "remains": total[UA_RU]["remains"] + 10},
                                 RU_UA: {"remains": total[RU_UA]["remains"] + 40}},
                         actor=ACTORS[PARTY_B])
        self._late_identifications()

    def _late_identifications(self) -> None:
        """Months later, some remains are identified as persons known from the lists."""
        current = statuses(self.app)
        people = self._load()
        unmoved = {d: sorted(
            (p for p, v in people.items()
             if v.sides.direction((PARTY_A, PARTY_B)) == d.parties
             and current[p].status in (PersonStatus.HELD, PersonStatus.MISSING)),
            key=lambda p: (current[p].status != PersonStatus.MISSING, self.keys[p]))
            for d in (RU_UA, UA_RU)}
        done = 0
        for direction, count, first in ((RU_UA, 6, 3), (UA_RU, 1, 2)):
            sending, receiving = direction.parties
            for i, person in enumerate(unmoved[direction][:count]):
                identify_remains(self.app, agreement_id=self.agreement,
                                 case_number=f"{sending}-2025-{first + 7 * i:05d}",
                                 person_id=person, actor=ACTORS[receiving])
                done += 1
        self.say(f"after the last stage: {done} remains cases identified as persons on the "
                 "lists (their status becomes deceased)")
