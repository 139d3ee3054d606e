"""Builders for the exchange scenarios: three sides, two capture-card lists, the
Istanbul terms, nominated and verified persons."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from parley.bootstrap import App
from parley.domain.records import RecordInput
from parley.services.exchange.agreements import Agreement, load_agreement, sign_agreement
from parley.services.exchange.verification import (
    certify_medical,
    confirm_eligibility,
    confirm_identity,
    nominate,
    record_interview,
)
from parley.services.intake.lists import ListMeta, record_list
from parley.store.tables import events
from tests.helpers import ACTORS, INT, RU, UA, register_three

ISTANBUL = Path(__file__).resolve().parents[3] / "src/parley/synth/istanbul_2025.yaml"


@dataclass
class Exchange:
    app: App
    agreement: Agreement
    ua_people: list[str] = field(default_factory=list)   # held by RU, belong to UA
    ru_people: list[str] = field(default_factory=list)   # held by UA, belong to RU
    actors: dict[str, str] = field(default_factory=lambda: dict(ACTORS))


def capture_cards(app: App, *, holder: str, births: list[str], tag: str) -> list[str]:
    """A capture-card list of ``holder`` with one person per record; returns person ids."""
    records = [RecordInput(row_number=i + 2, fields={
        "record_id": f"{tag}-{i}", "surname": f"Surname{tag}{i}", "given_name": "Ivan",
        "birth_date": b, "service_number": f"{tag}{i:06d}", "rank": "soldier",
        "status": "captured"}) for i, b in enumerate(births)]
    digest = hashlib.sha256(f"{tag}{births}".encode()).hexdigest()
    recorded = record_list(app, meta=ListMeta(
        source=f"{tag}-capture-cards", kind="capture_card", file_name=f"{tag}.csv",
        file_sha256=digest, party=holder, rows=len(records)), records=records,
        actor=ACTORS[holder], one_person_per_record=True)
    with app.read() as conn:
        from parley.store.tables import record_links
        by_record = {r.record_id: r.person_id for r in conn.execute(select(record_links))}
    return [by_record[r] for r in recorded.record_ids]


def exchange(app: App, *, ua_births: list[str], ru_births: list[str]) -> Exchange:
    register_three(app)
    ua_people = capture_cards(app, holder=RU, births=ua_births, tag="ua")
    ru_people = capture_cards(app, holder=UA, births=ru_births, tag="ru")
    agreement = load_agreement(app, path=ISTANBUL, actor=ACTORS[INT])
    sign_agreement(app, agreement_id=agreement.id, actor=ACTORS[UA])
    agreement = sign_agreement(app, agreement_id=agreement.id, actor=ACTORS[RU])
    return Exchange(app=app, agreement=agreement, ua_people=ua_people, ru_people=ru_people)


def ready(ex: Exchange, people: list[str], *, outcome: str = "wishes",
          wounded: bool = False) -> None:
    """Nominate, verify and interview persons of one side (all the same side)."""
    app, aid = ex.app, ex.agreement.id
    receiving = UA if people[0] in ex.ua_people else RU
    nominate(app, agreement_id=aid, person_ids=people, actor=ACTORS[receiving])
    if wounded:
        certify_medical(app, person_ids=people, seriously_wounded_or_sick=True,
                        actor=ACTORS[INT])
    confirm_identity(app, agreement_id=aid, person_ids=people, actor=ACTORS[receiving])
    confirm_eligibility(app, agreement_id=aid, person_ids=people, actor=ACTORS[INT])
    for pid in people:
        record_interview(app, agreement_id=aid, person_id=pid, outcome=outcome,
                         actor=ACTORS[INT])


def event_count(app: App) -> int:
    with app.read() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar_one())


YOUNG = "2002-03-05"
OLD = "1980-01-01"
