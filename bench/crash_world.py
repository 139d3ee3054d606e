"""The world the crash harness writes into: three sides, users with tokens, one planned stage.

Built with the services directly (the set-up is not what the harness tests), before the
server starts: the intermediary and two parties, an officer and each party's office with
an API token, a capture-card list per holding side with one person per record, the
Istanbul 2025 agreement signed by all three, every person nominated, verified and
interviewed, and one stage listing all of them. The clients then confirm that stage's
handovers through the API, import new lists and file inquiries.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import select

import parley.synth
from parley.bootstrap import App
from parley.domain.records import RecordInput
from parley.services.exchange.agreements import load_agreement, sign_agreement
from parley.services.exchange.stages import plan_stage
from parley.services.exchange.verification import (
    confirm_eligibility,
    confirm_identity,
    nominate,
    record_interview,
)
from parley.services.intake.lists import ListMeta, record_list
from parley.services.people.organisation import register_party
from parley.services.people.users import add_user, create_token
from parley.store.tables import record_links, stage_persons

INT, UA, RU = "INT", "UA", "RU"
ACTORS = {INT: "int-tracing", UA: "ua-coordination", RU: "ru-coordination"}
USERS = {"int": ("officer", "intermediary", INT), "ua": ("ua-office", "party", UA),
         "ru": ("ru-office", "party", RU)}
YOUNG = "2002-03-05"
TERMS = Path(parley.synth.__file__).with_name("istanbul_2025.yaml")


@dataclass
class World:
    """What the clients need to know, saved as JSON beside the database."""

    tokens: dict[str, str] = field(default_factory=dict)       # "int"/"ua"/"ru" → token
    stage_id: str = ""
    # direction ("RU->UA", "UA->RU") → person ids listed in the stage
    listed: dict[str, list[str]] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1))

    @classmethod
    def load(cls, path: Path) -> World:
        return cls(**json.loads(path.read_text()))


def _capture_cards(app: App, *, holder: str, tag: str, count: int) -> list[str]:
    records = [RecordInput(row_number=i + 2, fields={
        "record_id": f"{tag}-{i}", "surname": f"Crashtest{tag}{i}", "given_name": "Ivan",
        "birth_date": YOUNG, "service_number": f"{tag.upper()}{i:06d}", "rank": "soldier",
        "status": "captured"}) for i in range(count)]
    digest = hashlib.sha256(f"crash-{tag}-{count}".encode()).hexdigest()
    recorded = record_list(app, meta=ListMeta(
        source=f"{tag}-capture-cards", kind="capture_card", file_name=f"{tag}.csv",
        file_sha256=digest, party=holder, rows=len(records)), records=records,
        actor=ACTORS[holder], one_person_per_record=True)
    with app.read() as conn:
        by_record = {r.record_id: r.person_id for r in conn.execute(
            select(record_links.c.record_id, record_links.c.person_id))}
    return [by_record[r] for r in recorded.record_ids]


def build_world(app: App, *, persons: int) -> World:
    """Set up ``persons`` persons per direction in one planned stage; returns the world."""
    world = World()
    for code, kind, title in ((INT, "intermediary", "Neutral intermediary"),
                              (UA, "party", "Ukraine"), (RU, "party", "Russian Federation")):
        register_party(app, code=code, title=title, kind=kind, actor=ACTORS[code])
    for key, (username, role, party) in USERS.items():
        add_user(app, username=username, role=role, party=party, actor=ACTORS[party])
        world.tokens[key] = create_token(app, username=username).secret
    ua_people = _capture_cards(app, holder=RU, tag="ua", count=persons)
    ru_people = _capture_cards(app, holder=UA, tag="ru", count=persons)
    agreement = load_agreement(app, path=TERMS, actor=ACTORS[INT])
    sign_agreement(app, agreement_id=agreement.id, actor=ACTORS[UA])
    sign_agreement(app, agreement_id=agreement.id, actor=ACTORS[RU])
    for people, receiving in ((ua_people, UA), (ru_people, RU)):
        nominate(app, agreement_id=agreement.id, person_ids=people, actor=ACTORS[receiving])
        confirm_identity(app, agreement_id=agreement.id, person_ids=people,
                         actor=ACTORS[receiving])
        confirm_eligibility(app, agreement_id=agreement.id, person_ids=people,
                            actor=ACTORS[INT])
        for pid in people:
            record_interview(app, agreement_id=agreement.id, person_id=pid,
                             outcome="wishes", actor=ACTORS[INT])
    planned = plan_stage(app, agreement_id=agreement.id, stage_date="2025-06-09",
                         capacity=persons, actor=ACTORS[INT])
    world.stage_id = planned.stage.id
    with app.read() as conn:
        for row in conn.execute(select(stage_persons.c.person_id, stage_persons.c.direction)
                                .where(stage_persons.c.stage_id == world.stage_id)
                                .order_by(stage_persons.c.person_id)):
            world.listed.setdefault(row.direction, []).append(row.person_id)
    return world
