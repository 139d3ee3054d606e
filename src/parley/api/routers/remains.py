"""Remains exchanged by case number, their identification, medical findings, holds on
publication and erasure: the remaining writes of the exchange and transparency areas."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from parley.api.deps import ServiceContext, context, principal, write
from parley.api.routers.agreements import AGREEMENT, actor_of
from parley.api.routers.exchange_models import UUID, PersonId, PersonIds
from parley.api.schemas import Input, idempotency_key_header
from parley.domain.vocabulary import Direction, HandoverRole
from parley.services.exchange import remains, verification
from parley.services.people import access
from parley.services.people.access import Principal
from parley.services.publication import erasure, publish

router = APIRouter(prefix="/api/v1", tags=["remains, findings, holds, erasure"])

STAGE = Path(pattern=UUID, description="The stage's id (a UUID)")
PERSON = Path(pattern=UUID, description="The person's id (a UUID)")
TEXT = r"\S"


class RemainsIn(Input):
    direction: str = Field(max_length=40, pattern=Direction.PATTERN)
    category: str = Field(max_length=32, pattern=r"^[a-z0-9_]+$")
    case_numbers: list[str] = Field(min_length=1, max_length=10_000)


class RemainsOut(BaseModel):
    role: HandoverRole
    added: int


class IdentifyIn(Input):
    case_number: str = Field(max_length=64, pattern=TEXT)
    person_id: str = Field(pattern=UUID)


class Identified(BaseModel):
    case_number: str
    person_id: str
    new: bool


class RemainsCount(BaseModel):
    stage: int
    direction: str
    category: str
    sent: int
    received: int
    witnessed: int
    identified: int


class FindingIn(Input):
    person_ids: list[PersonId] = PersonIds
    seriously_wounded_or_sick: bool


class Recorded(BaseModel):
    count: int


class HoldIn(Input):
    until: date | None = None
    reason: str = Field(min_length=1, max_length=500, pattern=TEXT)


class ReleaseIn(Input):
    reason: str = Field(min_length=1, max_length=500, pattern=TEXT)


class ErasureIn(Input):
    reason: str = Field(min_length=1, max_length=500, pattern=TEXT)


class Erased(BaseModel):
    person_id: str
    records: int


@router.post("/stages/{stage_id}/remains", response_model=RemainsOut,
             summary="Confirm remains of a stage by case number, as the caller's side")
def confirm_remains(request: Request, body: RemainsIn, stage_id: str = STAGE,
                    idempotency_key: str | None = idempotency_key_header(),
                    ctx: ServiceContext = Depends(context),
                    who: Principal = Depends(principal)) -> JSONResponse:
    access.check_stage(ctx.app, who, stage_id)
    actor = actor_of(who, "stage")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: remains.confirm_remains(ctx.app, stage_id=stage_id,
                                                 direction=body.direction,
                                                 category=body.category,
                                                 case_numbers=body.case_numbers, actor=actor),
                 lambda r: RemainsOut(role=r.role, added=r.added))


@router.get("/agreements/{agreement_id}/remains", response_model=list[RemainsCount],
            summary="Remains per stage, direction and category: sent, received, identified")
def remains_counts(agreement_id: str = AGREEMENT, ctx: ServiceContext = Depends(context),
                   who: Principal = Depends(principal)) -> list[RemainsCount]:
    access.check_agreement(ctx.app, who, agreement_id)
    return [RemainsCount(**asdict(c)) for c in remains.remains_counts(ctx.app, agreement_id)]


@router.post("/agreements/{agreement_id}/remains-identifications", response_model=Identified,
             summary="Link a remains case to the person identified")
def identify(request: Request, body: IdentifyIn, agreement_id: str = AGREEMENT,
             idempotency_key: str | None = idempotency_key_header(),
             ctx: ServiceContext = Depends(context),
             who: Principal = Depends(principal)) -> JSONResponse:
    access.check_agreement(ctx.app, who, agreement_id)
    actor = actor_of(who, "agreement")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: remains.identify_remains(ctx.app, agreement_id=agreement_id,
                                                  case_number=body.case_number,
                                                  person_id=body.person_id, actor=actor),
                 lambda new: Identified(case_number=body.case_number,
                                        person_id=body.person_id, new=bool(new)))


@router.post("/medical-findings", response_model=Recorded,
             summary="Record a medical finding for persons (the intermediary's doctors)")
def medical(request: Request, body: FindingIn,
            idempotency_key: str | None = idempotency_key_header(),
            ctx: ServiceContext = Depends(context),
            who: Principal = Depends(principal)) -> JSONResponse:
    access.require_intermediary(who, "medical findings")
    actor = actor_of(who, "medical findings")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: verification.certify_medical(
                     ctx.app, person_ids=body.person_ids,
                     seriously_wounded_or_sick=body.seriously_wounded_or_sick, actor=actor),
                 lambda n: Recorded(count=int(n)))


@router.post("/stages/{stage_id}/publication-hold", response_model=Recorded,
             summary="Hold a stage's figures back from publication (the intermediary)")
def hold(request: Request, body: HoldIn, stage_id: str = STAGE,
         idempotency_key: str | None = idempotency_key_header(),
         ctx: ServiceContext = Depends(context),
         who: Principal = Depends(principal)) -> JSONResponse:
    access.require_intermediary(who, f"stage {stage_id}")
    actor = actor_of(who, "stage")
    until = body.until.isoformat() if body.until else None
    return write(request, ctx, who, idempotency_key, body,
                 lambda: publish.hold_stage(ctx.app, stage_id=stage_id, until=until,
                                            reason=body.reason, actor=actor),
                 lambda seq: Recorded(count=1 if seq else 0))


@router.post("/stages/{stage_id}/publication-release", response_model=Recorded,
             summary="Release a held stage's figures for publication (the intermediary)")
def release(request: Request, body: ReleaseIn, stage_id: str = STAGE,
            idempotency_key: str | None = idempotency_key_header(),
            ctx: ServiceContext = Depends(context),
            who: Principal = Depends(principal)) -> JSONResponse:
    access.require_intermediary(who, f"stage {stage_id}")
    actor = actor_of(who, "stage")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: publish.release_stage(ctx.app, stage_id=stage_id,
                                               reason=body.reason, actor=actor),
                 lambda seq: Recorded(count=1 if seq else 0))


@router.post("/persons/{person_id}/erasure", response_model=Erased,
             summary="Erase a person's personal data and salts (the intermediary)")
def erase(request: Request, body: ErasureIn, person_id: str = PERSON,
          idempotency_key: str | None = idempotency_key_header(),
          ctx: ServiceContext = Depends(context),
          who: Principal = Depends(principal)) -> JSONResponse:
    access.require_intermediary(who, f"person {person_id}")
    actor = actor_of(who, "person")
    answer = write(request, ctx, who, idempotency_key, body,
                   lambda: erasure.erase_person(ctx.app, person_id, reason=body.reason,
                                                actor=actor),
                   lambda r: Erased(person_id=r.person_id, records=r.records))
    erasure.forget_old_page_versions(ctx.app)  # now that the answer is committed too
    return answer
