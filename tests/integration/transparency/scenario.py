"""A small exchange written straight into the ledger, for the transparency tests.

It appends the exchange's events (agreement, stage lists, handover confirmations, a
cosigned stage close, statements, a discrepancy) the way the exchange services do, so
these tests do not depend on that area's services, only on its event catalogue and the
stage head's form.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

from parley.bootstrap import App
from parley.domain.events import (
    AgreementRecorded,
    AgreementSigned,
    DiscrepancyOpened,
    HandoverConfirmed,
    StageClosed,
    StagePlanned,
    StatementRecorded,
)
from parley.domain.stage_head import (
    EMPTY_ROOT_HEX,
    Cosignature,
    StageHead,
    leaf_order,
    signed_head_json,
)
from parley.ledger.canonical import canonical_json
from parley.ledger.merkle import leaf_hash, root_from_leaf_hashes
from parley.ledger.signing import sign
from parley.services.intake.lists import ListMeta, RecordInput, record_list
from parley.services.people.organisation import register_party
from parley.services.publication.public_heads import seal_public_head
from parley.synth.people import population

INT, UA, RU = "INT", "UA", "RU"
ACTORS = {INT: "int-tracing", UA: "ua-coordination", RU: "ru-coordination"}
CATEGORIES = ("wounded", "young")
TERMS = {
    "reference": "istanbul-2025", "title": "Istanbul exchange, 2 June 2025",
    "date": "2025-06-02", "place": "Istanbul", "parties": [UA, RU], "intermediary": INT,
    "signatories": {INT: ACTORS[INT], RU: ACTORS[RU], UA: ACTORS[UA]},
    "stages": {"from": "2025-06-09", "to": "2025-07-31"},
    "categories": [
        {"code": "wounded", "title": "Seriously wounded and sick",
         "rule": {"seriously_wounded_or_sick": True}, "ratio": "all for all", "priority": 1},
        {"code": "young", "title": "Aged 18 to 25",
         "rule": {"age": {"from": 18, "to": 25, "on": "2025-06-02"}},
         "ratio": "all for all", "priority": 2},
        {"code": "remains", "title": "Bodies of the dead", "rule": {"deceased": True},
         "ratio": "6000 for 6000", "priority": 3},
    ],
}


@dataclass
class Scenario:
    """What the builder made: persons per party with their commitments, stages."""

    agreement_id: str
    persons: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    stages: list[str] = field(default_factory=list)
    handed: dict[str, list[str]] = field(default_factory=dict)  # stage -> person ids
    fields: list[dict[str, str]] = field(default_factory=list)


def _register(app: App) -> None:
    register_party(app, code=INT, title="Neutral intermediary", kind="intermediary",
                   actor=ACTORS[INT])
    register_party(app, code=UA, title="Ukraine", kind="party", actor=ACTORS[UA])
    register_party(app, code=RU, title="Russian Federation", kind="party", actor=ACTORS[RU])


def _people(app: App, party: str, count: int, seed: int, sc: Scenario) -> None:
    people = population(count, seed=seed)
    records = [RecordInput(row_number=i + 2, fields=p.fields(f"{party}-{seed}-{i:04d}"))
               for i, p in enumerate(people)]
    sc.fields += [r.fields for r in records]
    digest = hashlib.sha256(repr([r.fields for r in records]).encode()).hexdigest()
    recorded = record_list(app, meta=ListMeta(
        source=f"{party.lower()}-origin", kind="origin_list", file_name=f"{party}.csv",
        file_sha256=digest, party=party, rows=len(records)),
        records=records, actor=ACTORS[party], one_person_per_record=True)
    from sqlalchemy import select

    from parley.store.tables import record_links

    with app.read() as conn:
        links = {r.record_id: r.person_id for r in
                 conn.execute(select(record_links.c.record_id, record_links.c.person_id))}
    sc.persons[party] = [(links[r], c) for r, c in
                         zip(recorded.record_ids, recorded.commitments, strict=True)]


def build(app: App, *, per_party: int = 12, stages: int = 2, seed: int = 7) -> Scenario:
    """Register three sides, two origin lists, an agreement and ``stages`` closed stages.

    Stage i hands over persons [i*s, (i+1)*s) of each party's list (s = per_party //
    stages), alternating categories; the last person of each party in each stage is
    confirmed by two sides only, so a discrepancy opens and the person is not counted.
    """
    _register(app)
    sc = Scenario(agreement_id=str(uuid.uuid4()))
    _people(app, UA, per_party, seed, sc)
    _people(app, RU, per_party, seed + 1, sc)
    terms_hash = hashlib.sha256(canonical_json(TERMS)).hexdigest()
    with app.uow() as uow:
        uow.append(AgreementRecorded(agreement_id=sc.agreement_id, reference="istanbul-2025",
                                     terms=TERMS, terms_hash=terms_hash), actor=ACTORS[INT])
        for party in (UA, RU):
            uow.append(AgreementSigned(agreement_id=sc.agreement_id, party=party,
                                       terms_hash=terms_hash), actor=ACTORS[party])
        uow.commit()
    size = per_party // stages
    for number in range(stages):
        stage_id = str(uuid.uuid4())
        sc.stages.append(stage_id)
        # persons of UA's list are returned to UA (RU->UA), RU's to RU (UA->RU)
        lists: dict[str, list[dict[str, str]]] = {}
        for party, direction in ((UA, f"{RU}->{UA}"), (RU, f"{UA}->{RU}")):
            chunk = sc.persons[party][number * size:(number + 1) * size]
            lists[direction] = [{"person_id": p, "category": CATEGORIES[i % 2],
                                 "commitment": c} for i, (p, c) in enumerate(chunk)]
        _stage(app, sc, stage_id, number + 1, lists)
    return sc


def _stage(app: App, sc: Scenario, stage_id: str, number: int,
           lists: dict[str, list[dict[str, str]]]) -> None:
    date = f"2025-06-{9 + number * 5:02d}"
    at = f"{date}T17:00:00.000000Z"
    with app.uow() as uow:
        uow.append(StagePlanned(agreement_id=sc.agreement_id, stage_id=stage_id,
                                number=number, date=date, capacity=100, lists=lists,
                                left_out={}), actor=ACTORS[INT])
        handed: list[str] = []
        heads = []
        totals: dict[str, dict[str, int]] = {}
        for direction, entries in sorted(lists.items()):
            sending, receiving = direction.split("->")
            persons = [e["person_id"] for e in entries]
            everyone = persons[:-1]
            for role, party in (("sending", sending), ("receiving", receiving),
                                ("intermediary", INT)):
                confirmed = persons if role != "receiving" else everyone
                uow.append(HandoverConfirmed(stage_id=stage_id, role=role, party=party,
                                             person_ids=confirmed), actor=ACTORS[party])
            uow.append(DiscrepancyOpened(
                discrepancy_id=str(uuid.uuid4()), stage_id=stage_id, kind="not_handed_over",
                person_id=persons[-1], direction=direction,
                category=entries[-1]["category"], counts=None), actor=ACTORS[INT])
            handed += everyone
            for category in CATEGORIES:
                leaves = leaf_order(e["commitment"] for e in entries[:-1]
                                    if e["category"] == category)
                root = root_from_leaf_hashes([leaf_hash(bytes.fromhex(c))
                                              for c in leaves]).hex() if leaves \
                    else EMPTY_ROOT_HEX
                head = StageHead(agreement=sc.agreement_id, stage=stage_id,
                                 direction=direction, category=category,
                                 tree_size=len(leaves), root=root, time=at)
                cos = [Cosignature(actor=ACTORS[p], party=p,
                                   signature=sign(app.keyring.private(ACTORS[p]),
                                                  head.to_bytes()))
                       for p in (INT, RU, UA)]
                heads.append(signed_head_json(head, cos))
                totals.setdefault(direction, {})[category] = len(leaves)
        public_head = seal_public_head(
            app, uow.conn, agreement=sc.agreement_id, stage=stage_id, number=number,
            date=date, time=at, directions=sorted(lists), categories=list(CATEGORIES),
            leaves={(d, c): [e["commitment"] for e in entries[:-1] if e["category"] == c]
                    for d, entries in lists.items() for c in CATEGORIES},
            signers=[(p, ACTORS[p]) for p in (INT, RU, UA)])
        uow.append(StageClosed(agreement_id=sc.agreement_id, stage_id=stage_id,
                               totals=totals, heads=heads, carried=[],
                               public_head=public_head), actor=ACTORS[INT])
        for party in (UA, RU):
            claims = {d: {c: n + (1 if party == RU else 0) for c, n in cats.items()}
                      for d, cats in totals.items()}
            uow.append(StatementRecorded(
                statement_id=str(uuid.uuid4()), agreement_id=sc.agreement_id, party=party,
                stated_on=date, source=f"press release of {party}", stage_id=stage_id,
                claims=claims), actor=ACTORS[party])
        uow.commit()
    sc.handed[stage_id] = handed
