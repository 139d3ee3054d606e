"""`/api/v1/inquiries`: a family files an inquiry and follows it with a tracking code.

Filing answers every well-formed inquiry with the same receipt (201; inquiry id,
tracking code, time received) and queues it: it is matched after the answer, never in
the request. Following it shows a status only once an officer has verified the inquirer
(``POST /inquiries/{id}/verification``); a code unknown, guessed or revoked gets the same
404. Limits: per address, per inquired-about name and birth date, per code, per person.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from parley.api.deps import (
    ServiceContext,
    context,
    principal,
    rate_limited,
    record_failed_tracking,
    route_name,
    write,
)
from parley.api.errors import ApiError
from parley.api.routers.agreements import actor_of
from parley.api.schemas import Input, idempotency_key_header
from parley.errors import InputError, NotFound
from parley.services.people.access import Principal, family
from parley.services.people.users import inquiry_for_tracking_code, normalise_tracking_code
from parley.services.registry import inquiries

router = APIRouter(prefix="/api/v1", tags=["inquiries"])

Text = Field(None, max_length=200)
NOT_BLANK = r"\S"


class InquiryIn(Input):
    """What a family knows about the relative; surname and given name are required."""

    surname: str = Field(max_length=200, pattern=NOT_BLANK)
    given_name: str = Field(max_length=200, pattern=NOT_BLANK)
    patronymic: str | None = Text
    full_name: str | None = Field(None, max_length=400)
    birth_date: str | None = Field(None, max_length=32)
    birth_place: str | None = Text
    sex: str | None = Field(None, max_length=16)
    service_number: str | None = Field(None, max_length=64)
    rank: str | None = Text
    unit: str | None = Text
    citizenship: str | None = Text
    notes: str | None = Field(None, max_length=2000)
    language: str = Field("en", pattern="^(en|uk)$")


class Filed(BaseModel):
    inquiry_id: str
    tracking_code: str
    received_at: str


class TrackIn(Input):
    tracking_code: str = Field(max_length=64)


class InquiryOut(BaseModel):
    inquiry_id: str
    received_at: str
    person_id: str | None
    fields: dict[str, Any]


class FamilyAnswerOut(BaseModel):
    """All a family is told: the same fields for every inquiry, matched or not; a status
    (and its date) only once an officer has verified the inquirer."""

    inquiry_id: str
    received_at: str
    verified: bool
    status: str | None
    status_date: str | None
    next_steps: str


class VerificationIn(Input):
    """The officer confirms having checked both the inquirer's identity and the
    relationship to the person asked about (what was seen stays in the case file)."""

    identity_checked: bool
    relationship_checked: bool


class VerificationOut(BaseModel):
    inquiry_id: str
    verified_by: str
    verified_at: str
    event_seq: int


class InquirySummary(BaseModel):
    inquiry_id: str
    received_at: str
    list_id: str
    person_id: str | None


@router.post("/inquiries", status_code=201, response_model=Filed,
             dependencies=[Depends(rate_limited("family"))],
             summary="File an inquiry; the answer holds the tracking code (shown once)")
def file_inquiry(body: InquiryIn, request: Request,
                 idempotency_key: str | None = idempotency_key_header(),
                 ctx: ServiceContext = Depends(context),
                 who: Principal = Depends(principal)) -> JSONResponse:
    fields = body.model_dump(exclude={"language"}, exclude_none=True)
    if who.role not in ("intermediary", "party"):
        limit(ctx, "family-target", inquiries.target_key(fields))
    response = write(
        request, ctx, who, idempotency_key, body,
        lambda: inquiries.file_inquiry(ctx.app, fields=fields, language=body.language,
                                       match=False),
        lambda f: Filed(inquiry_id=f.inquiry_id, tracking_code=f.tracking_code,
                        received_at=f.received_at),
        status=201)
    if ctx.matcher is not None:  # matched after the answer, by the matcher's thread
        ctx.matcher.wake()
    return response


def limit(ctx: ServiceContext, bucket: str, key: str) -> None:
    """429 when ``key`` is over ``bucket``'s rate (the answer says nothing else)."""
    wait = ctx.limiter.check(bucket, key)
    if wait is not None:
        raise ApiError(429, "rate_limited", "too many requests; slow down",
                       headers={"Retry-After": str(max(1, int(wait + 0.999)))})


@router.get("/inquiries", response_model=list[InquirySummary], summary="Inquiries received")
def all_inquiries(ctx: ServiceContext = Depends(context),
                  who: Principal = Depends(principal)) -> list[InquirySummary]:
    return [InquirySummary(**i) for i in inquiries.list_inquiries(ctx.app, who)]


@router.get("/inquiries/{inquiry_id}", response_model=InquiryOut,
            dependencies=[Depends(rate_limited("family"))],
            summary="An inquiry as filed and the person it matched (its family's only)")
def one_inquiry(request: Request,
                inquiry_id: str = Path(pattern=r"^[0-9a-f-]{36}$"),
                ctx: ServiceContext = Depends(context),
                who: Principal = Depends(principal)) -> InquiryOut:
    v = inquiries.view_inquiry(ctx.app, who, inquiry_id=inquiry_id, log=ctx.access_log,
                               route=route_name(request))
    return InquiryOut(inquiry_id=v.inquiry_id, received_at=v.received_at,
                      person_id=v.person_id, fields=v.fields)


@router.post("/tracking", response_model=FamilyAnswerOut,
             dependencies=[Depends(rate_limited("tracking"))],
             summary="Follow an inquiry with its tracking code (no account needed)")
def track(body: TrackIn, request: Request, ctx: ServiceContext = Depends(context)
          ) -> FamilyAnswerOut:
    code = normalise_tracking_code(body.tracking_code) or body.tracking_code.strip()
    limit(ctx, "tracking-code", hashlib.sha256(code.encode("utf-8")).hexdigest())
    inquiry_id = inquiry_for_tracking_code(ctx.app, body.tracking_code)
    if inquiry_id is None:
        record_failed_tracking(request, ctx)
        raise NotFound("tracking_code: no inquiry has this tracking code")
    answer = inquiries.family_answer(ctx.app, inquiry_id)
    if answer.person_id is not None:
        limit(ctx, "family-person", answer.person_id)
    ctx.access_log.record(family(inquiry_id),
                          kind="inquiry", ids=[inquiry_id], route=route_name(request),
                          detail="status" if answer.status else "receipt")
    return family_out(answer)


def family_out(a: inquiries.FamilyAnswer) -> FamilyAnswerOut:
    return FamilyAnswerOut(inquiry_id=a.inquiry_id, received_at=a.received_at,
                           verified=a.verified, status=a.status, status_date=a.status_date,
                           next_steps=a.next_steps)


@router.post("/inquiries/{inquiry_id}/verification", response_model=VerificationOut,
             summary="Record that the inquirer's identity and relationship were checked "
                     "(the intermediary, or a party's tracing office for its own people)")
def verify(body: VerificationIn, request: Request,
           inquiry_id: str = Path(pattern=r"^[0-9a-f-]{36}$"),
           idempotency_key: str | None = idempotency_key_header(),
           ctx: ServiceContext = Depends(context),
           who: Principal = Depends(principal)) -> JSONResponse:
    actor = actor_of(who, f"inquiry {inquiry_id}")
    if not body.identity_checked:
        raise InputError("identity_checked: the inquirer's identity must be checked first")
    if not body.relationship_checked:
        raise InputError("relationship_checked: the relationship must be checked first")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: inquiries.verify_inquirer(ctx.app, who, inquiry_id=inquiry_id,
                                                   actor=actor),
                 lambda v: VerificationOut(**vars(v)))


@router.post("/inquiries/{inquiry_id}/revocation", status_code=204,
             summary="Revoke an inquiry: its tracking code opens nothing from now on")
def revoke(request: Request, inquiry_id: str = Path(pattern=r"^[0-9a-f-]{36}$"),
           ctx: ServiceContext = Depends(context),
           who: Principal = Depends(principal)) -> Response:
    actor = actor_of(who, f"inquiry {inquiry_id}")
    inquiries.revoke_inquiry(ctx.app, who, inquiry_id=inquiry_id, actor=actor)
    return Response(status_code=204)
