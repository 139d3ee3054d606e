"""`/api/v1/inquiries`: a family files an inquiry and follows it with a tracking code."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
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
from parley.api.schemas import Input, idempotency_key_header
from parley.errors import NotFound
from parley.services.people.access import Principal, family
from parley.services.people.users import inquiry_for_tracking_code
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
    filed: list[inquiries.FiledInquiry] = []

    def operation() -> inquiries.FiledInquiry:
        found = inquiries.file_inquiry(ctx.app, fields=fields, language=body.language,
                                       match=False)
        filed.append(found)
        return found

    response = write(
        request, ctx, who, idempotency_key, body, operation,
        lambda f: Filed(inquiry_id=f.inquiry_id, tracking_code=f.tracking_code,
                        received_at=f.received_at),
        status=201)
    for done in filed:  # matched after the write and its answer are committed
        inquiries.match_inquiry(ctx.app, done.list_id)
    return response


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


@router.post("/tracking", response_model=InquiryOut,
             dependencies=[Depends(rate_limited("tracking"))],
             summary="Follow an inquiry with its tracking code (no account needed)")
def track(body: TrackIn, request: Request, ctx: ServiceContext = Depends(context)
          ) -> InquiryOut:
    inquiry_id = inquiry_for_tracking_code(ctx.app, body.tracking_code)
    if inquiry_id is None:
        record_failed_tracking(request, ctx)
        raise NotFound("tracking_code: no inquiry has this tracking code")
    v = inquiries.view_inquiry(ctx.app, family(inquiry_id), inquiry_id=inquiry_id,
                               log=ctx.access_log, route=route_name(request))
    return InquiryOut(inquiry_id=v.inquiry_id, received_at=v.received_at,
                      person_id=v.person_id, fields=v.fields)
