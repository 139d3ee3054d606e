"""An exchange run through the real services, with every kind of fact the public must not
learn: a seriously wounded person (medical certificate, eligibility), persons who
declined repatriation (interviewed, in no stage list), a closed stage of small and large
counts, an erasure and an identified body."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from parley.bootstrap import App
from parley.services.exchange.agreements import load_agreement, sign_agreement
from parley.services.exchange.handover import close_stage, confirm_handover
from parley.services.exchange.stages import plan_stage
from parley.store.tables import persons, source_records, stage_persons
from tests.helpers import ACTORS, INT, RU, UA
from tests.integration.exchange.builders import (
    ISTANBUL,
    OLD,
    YOUNG,
    Exchange,
    capture_cards,
    ready,
)


@dataclass
class SecurityWorld:
    ex: Exchange
    stages: list[str] = field(default_factory=list)
    handed: list[str] = field(default_factory=list)
    wounded: list[str] = field(default_factory=list)
    decliners: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    commitments: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)   # names, births, service numbers


def _stage(app: App, date: str) -> tuple[str, list[str]]:
    result = plan_stage(app, agreement_id="istanbul-2025", stage_date=date, capacity=20,
                        actor=ACTORS[INT])
    moving = [s.person_id for s in result.plan.selected]
    for actor in (ACTORS[UA], ACTORS[RU], ACTORS[INT]):
        confirm_handover(app, stage_id=result.stage.id, person_ids=moving, actor=actor)
    close_stage(app, stage_id=result.stage.id, actor=ACTORS[INT])
    return result.stage.id, moving


def build_security_world(app: App, *, registered: bool = False) -> SecurityWorld:
    """Stage 1: 6 young each way and one wounded person RU->UA (a small count);
    one decliner each way. Stage 2: 5 young each way."""
    if not registered:
        from tests.helpers import register_three

        register_three(app)
    ua = capture_cards(app, holder=RU, births=[YOUNG] * 12 + [OLD], tag="sa")
    ru = capture_cards(app, holder=UA, births=[YOUNG] * 12, tag="sr")
    agreement = load_agreement(app, path=ISTANBUL, actor=ACTORS[INT])
    sign_agreement(app, agreement_id=agreement.id, actor=ACTORS[UA])
    agreement = sign_agreement(app, agreement_id=agreement.id, actor=ACTORS[RU])
    ex = Exchange(app=app, agreement=agreement, ua_people=ua, ru_people=ru)
    world = SecurityWorld(ex=ex)
    ready(ex, ua[:6])
    ready(ex, ru[:6])
    ready(ex, [ua[12]], wounded=True)
    ready(ex, [ua[6]], outcome="declines")
    ready(ex, [ru[6]], outcome="declines")
    world.wounded, world.decliners = [ua[12]], [ua[6], ru[6]]
    stage, moving = _stage(app, "2025-06-09")
    world.stages.append(stage)
    world.handed += moving
    ready(ex, ua[7:12])
    ready(ex, ru[7:12])
    stage, moving = _stage(app, "2025-06-20")
    world.stages.append(stage)
    world.handed += moving
    with app.read() as conn:
        world.persons = [str(p) for p in conn.execute(select(persons.c.id)).scalars()]
        world.commitments = [str(c) for c in conn.execute(
            select(source_records.c.commitment)).scalars()]
        world.commitments += [str(c) for c in conn.execute(
            select(stage_persons.c.commitment)).scalars()]
    for tag, people in (("sa", ua), ("sr", ru)):
        for i in range(len(people)):
            world.secrets += [f"Surname{tag}{i}", f"{tag}{i:06d}", f"{tag}-{i}"]
    world.secrets += [YOUNG, OLD]
    return world
