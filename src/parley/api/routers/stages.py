"""`/api/v1/stages`: planning, every person's state, handover confirmations,
discrepancies, closing."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse

from parley.api.deps import ServiceContext, context, principal, write
from parley.api.routers.agreements import AGREEMENT, actor_of
from parley.api.routers.exchange_models import (
    UUID,
    CarryIn,
    ClosedOut,
    Confirmed,
    CosignedOut,
    CosignIn,
    DiscrepancyList,
    DiscrepancyOut,
    DisputeIn,
    HandoverIn,
    LeftOut,
    PlanIn,
    ProposedHeads,
    ResolveIn,
    StageDetail,
    StageOut,
    StagePerson,
)
from parley.api.schemas import idempotency_key_header
from parley.services.exchange import cosigning, handover, stages
from parley.services.people import access
from parley.services.people.access import Principal

router = APIRouter(prefix="/api/v1", tags=["stages"])

STAGE = Path(pattern=UUID, description="The stage's id (a UUID)")
DISCREPANCY = Path(pattern=UUID, description="The discrepancy's id (a UUID)")


def stage_out(s: stages.Stage) -> StageOut:
    return StageOut(id=s.id, agreement_id=s.agreement_id, number=s.number, date=s.date,
                    capacity=s.capacity, status=s.status)


def discrepancy_out(d: handover.Discrepancy) -> DiscrepancyOut:
    return DiscrepancyOut(id=d.id, stage_id=d.stage_id, opened_stage_id=d.opened_stage_id,
                          kind=d.kind, person_id=d.person_id, direction=d.direction,
                          category=d.category, counts=d.counts, status=d.status,
                          resolution=d.resolution, description=d.describe())


@router.get("/agreements/{agreement_id}/stages", response_model=list[StageOut],
            summary="An agreement's stages")
def agreement_stages(agreement_id: str = AGREEMENT, ctx: ServiceContext = Depends(context),
                     who: Principal = Depends(principal)) -> list[StageOut]:
    access.check_agreement(ctx.app, who, agreement_id)
    return [stage_out(s) for s in stages.list_stages(ctx.app, agreement_id)]


@router.post("/agreements/{agreement_id}/stages", response_model=StageOut, status_code=201,
             summary="Plan the next stage (the intermediary)")
def plan(request: Request, body: PlanIn, agreement_id: str = AGREEMENT,
         idempotency_key: str | None = idempotency_key_header(),
         ctx: ServiceContext = Depends(context),
         who: Principal = Depends(principal)) -> JSONResponse:
    access.require_intermediary(who, f"agreement {agreement_id}")
    actor = actor_of(who, "agreement")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: stages.plan_stage(ctx.app, agreement_id=agreement_id,
                                           stage_date=body.stage_date,
                                           capacity=body.capacity, actor=actor),
                 lambda result: stage_out(result.stage), status=201)


@router.get("/stages/{stage_id}", response_model=StageDetail,
            summary="A stage with every person's state and who was left out, and why")
def stage(stage_id: str = STAGE, ctx: ServiceContext = Depends(context),
          who: Principal = Depends(principal)) -> StageDetail:
    access.check_stage(ctx.app, who, stage_id)
    found = stages.get_stage(ctx.app, stage_id)
    people = [StagePerson(**p) for p in stages.stage_list(ctx.app, stage_id)]
    excluded = [LeftOut(person_id=x.person_id, direction=x.direction,
                        category=x.category or "", reason=x.reason)
                for x in stages.left_out(ctx.app, stage_id, confidential=who.is_intermediary)]
    return StageDetail(**stage_out(found).model_dump(), persons=people, left_out=excluded)


@router.post("/stages/{stage_id}/handover", response_model=Confirmed,
             summary="Confirm persons as handed over, as the caller's side")
def confirm(request: Request, body: HandoverIn, stage_id: str = STAGE,
            idempotency_key: str | None = idempotency_key_header(),
            ctx: ServiceContext = Depends(context),
            who: Principal = Depends(principal)) -> JSONResponse:
    access.check_stage(ctx.app, who, stage_id)
    actor = actor_of(who, "stage")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: handover.confirm_handover(ctx.app, stage_id=stage_id,
                                                   person_ids=body.person_ids, actor=actor),
                 lambda n: Confirmed(stage_id=stage_id, actor=actor, new_confirmations=n),
                 grouped=True)


@router.get("/stages/{stage_id}/discrepancies", response_model=list[DiscrepancyOut],
            summary="A stage's discrepancies, open and resolved")
def discrepancies(stage_id: str = STAGE, ctx: ServiceContext = Depends(context),
                  who: Principal = Depends(principal)) -> list[DiscrepancyOut]:
    access.check_stage(ctx.app, who, stage_id)
    return [discrepancy_out(d) for d in handover.list_discrepancies(ctx.app,
                                                                   stage_id=stage_id)]


@router.post("/stages/{stage_id}/checks", response_model=list[DiscrepancyOut],
             summary="Detect discrepancies now (the intermediary)")
def check(request: Request, stage_id: str = STAGE,
          idempotency_key: str | None = idempotency_key_header(),
          ctx: ServiceContext = Depends(context),
          who: Principal = Depends(principal)) -> JSONResponse:
    access.require_intermediary(who, f"stage {stage_id}")
    actor = actor_of(who, "stage")

    def render(found: list[handover.Discrepancy]) -> DiscrepancyList:
        return DiscrepancyList(root=[discrepancy_out(d) for d in found])

    return write(request, ctx, who, idempotency_key, None,
                 lambda: handover.check_stage(ctx.app, stage_id=stage_id, actor=actor),
                 render)


@router.post("/stages/{stage_id}/close", response_model=ClosedOut,
             summary="Close a stage: totals and signed heads (the intermediary)")
def close(request: Request, stage_id: str = STAGE,
          idempotency_key: str | None = idempotency_key_header(),
          ctx: ServiceContext = Depends(context),
          who: Principal = Depends(principal)) -> JSONResponse:
    access.require_intermediary(who, f"stage {stage_id}")
    actor = actor_of(who, "stage")
    return write(request, ctx, who, idempotency_key, None,
                 lambda: handover.close_stage(ctx.app, stage_id=stage_id, actor=actor),
                 lambda c: ClosedOut(stage=stage_out(c.stage), totals=c.totals,
                                     heads=c.heads, awaiting=c.awaiting))


@router.post("/stages/{stage_id}/disputes", response_model=DiscrepancyOut,
             summary="Dispute the identity of a listed person (the receiving party)")
def dispute(request: Request, body: DisputeIn, stage_id: str = STAGE,
            idempotency_key: str | None = idempotency_key_header(),
            ctx: ServiceContext = Depends(context),
            who: Principal = Depends(principal)) -> JSONResponse:
    access.check_stage(ctx.app, who, stage_id)
    actor = actor_of(who, "stage")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: handover.dispute_identity(ctx.app, stage_id=stage_id,
                                                   person_id=body.person_id, actor=actor),
                 discrepancy_out)


@router.get("/stages/{stage_id}/heads", response_model=ProposedHeads,
            summary="The stage heads proposed for cosigning (parties and the intermediary)")
def proposed(stage_id: str = STAGE, ctx: ServiceContext = Depends(context),
             who: Principal = Depends(principal)) -> ProposedHeads:
    access.check_stage(ctx.app, who, stage_id)
    time, heads = cosigning.proposed_heads(ctx.app, stage_id)
    return ProposedHeads(time=time, heads=heads)


@router.post("/stages/{stage_id}/cosignatures", response_model=CosignedOut,
             summary="Cosign the proposed heads, signed on the party's own node")
def cosign(request: Request, body: CosignIn, stage_id: str = STAGE,
           idempotency_key: str | None = idempotency_key_header(),
           ctx: ServiceContext = Depends(context),
           who: Principal = Depends(principal)) -> JSONResponse:
    access.check_stage(ctx.app, who, stage_id)
    actor = actor_of(who, "stage")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: cosigning.record_cosignatures(
                     ctx.app, stage_id=stage_id, actor=actor, key_id=body.key,
                     signatures=[s.model_dump() for s in body.signatures]),
                 lambda n: CosignedOut(stage_id=stage_id, actor=actor, heads=n))


@router.post("/discrepancies/{discrepancy_id}/resolution", response_model=DiscrepancyOut,
             summary="Resolve a discrepancy (the intermediary)")
def resolve(request: Request, body: ResolveIn, discrepancy_id: str = DISCREPANCY,
            idempotency_key: str | None = idempotency_key_header(),
            ctx: ServiceContext = Depends(context),
            who: Principal = Depends(principal)) -> JSONResponse:
    access.require_intermediary(who, f"discrepancy {discrepancy_id}")
    actor = actor_of(who, "discrepancy")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: handover.resolve_discrepancy(ctx.app, discrepancy_id=discrepancy_id,
                                                      resolution=body.resolution, actor=actor),
                 discrepancy_out)


@router.post("/discrepancies/{discrepancy_id}/carry", response_model=DiscrepancyOut,
             summary="Carry a discrepancy to a later stage (the intermediary)")
def carry(request: Request, body: CarryIn, discrepancy_id: str = DISCREPANCY,
          idempotency_key: str | None = idempotency_key_header(),
          ctx: ServiceContext = Depends(context),
          who: Principal = Depends(principal)) -> JSONResponse:
    access.require_intermediary(who, f"discrepancy {discrepancy_id}")
    actor = actor_of(who, "discrepancy")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: handover.carry_discrepancy(ctx.app, discrepancy_id=discrepancy_id,
                                                    to_stage_id=body.to_stage_id,
                                                    actor=actor),
                 discrepancy_out)


@router.get("/discrepancies", response_model=list[DiscrepancyOut],
            summary="Discrepancies of the agreements the caller is part of")
def all_discrepancies(open_only: bool = True, ctx: ServiceContext = Depends(context),
                      who: Principal = Depends(principal)) -> list[DiscrepancyOut]:
    access.require_role(who, "intermediary", "party", what="discrepancies")
    visible = access.visible_agreement_ids(ctx.app, who)
    found = []
    for agreement_id in sorted(visible) if visible is not None else [None]:
        found += handover.list_discrepancies(ctx.app, agreement_id=agreement_id,
                                             open_only=open_only)
    return [discrepancy_out(d) for d in found]
