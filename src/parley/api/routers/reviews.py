"""`/api/v1/reviews`: the match review queue (the intermediary's): two records side by
side with the evidence for and against; a reviewer decides same or different."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from parley.api.deps import ServiceContext, context, principal, route_name, write
from parley.api.routers.agreements import actor_of
from parley.api.schemas import Input, idempotency_key_header
from parley.domain.vocabulary import ReviewStatus, Verdict
from parley.services.people import access
from parley.services.people.access import Principal
from parley.services.registry import identity

router = APIRouter(prefix="/api/v1/reviews", tags=["review queue"])


class ReviewRecord(BaseModel):
    id: str
    list_id: str
    source: str
    row_number: int
    record_id: str
    fields: dict[str, str]


class Review(BaseModel):
    id: str
    status: ReviewStatus
    probability: float
    reason: str
    evidence: list[dict[str, Any]]
    records: list[ReviewRecord]
    decision: Verdict | None


class DecisionIn(Input):
    decision: str = Field(pattern=Verdict.pattern())


class DecisionOut(BaseModel):
    review_id: str | None
    decision: Verdict
    linked: int
    merged: int
    split: int


def review_out(item: identity.ReviewItem) -> Review:
    return Review(id=item.id, status=item.status, probability=item.probability,
                  reason=item.reason, evidence=item.evidence, decision=item.decision,
                  records=[ReviewRecord(id=r.id, list_id=r.list_id, source=r.source,
                                        row_number=r.row_number, record_id=r.record_id,
                                        fields=dict(r.fields)) for r in item.records])


@router.get("", response_model=list[Review], summary="Pairs to review, strongest first")
def queue(request: Request,
          status: str = Query(ReviewStatus.OPEN.value, pattern=ReviewStatus.pattern("all")),
          limit: int = Query(50, ge=1, le=500), ctx: ServiceContext = Depends(context),
          who: Principal = Depends(principal)) -> list[Review]:
    access.require_intermediary(who, "the review queue")
    items = identity.review_queue(ctx.app, status=status, limit=limit)
    ctx.access_log.record(who, kind="record",
                          ids=[r.id for item in items for r in item.records],
                          route=route_name(request), detail="review queue")
    return [review_out(i) for i in items]


@router.post("/{review_id}/decision", response_model=DecisionOut,
             summary="Decide a pair: the same person, or different persons")
def decide(request: Request, body: DecisionIn,
           review_id: str = Path(pattern=r"^[0-9a-f-]{36}$"),
           idempotency_key: str | None = idempotency_key_header(),
           ctx: ServiceContext = Depends(context),
           who: Principal = Depends(principal)) -> JSONResponse:
    access.require_intermediary(who, f"review {review_id}")
    actor = actor_of(who, "review")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: identity.decide(ctx.app, decision=body.decision, actor=actor,
                                         review_id=review_id),
                 lambda d: DecisionOut(review_id=d.review_id, decision=d.decision,
                                       linked=d.resolution.linked, merged=d.resolution.merged,
                                       split=d.resolution.split))
