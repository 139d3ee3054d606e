"""`/api/v1/lists`: lists received, and their records (personal data: logged)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel

from parley.api.deps import ServiceContext, context, principal, route_name
from parley.api.schemas import Page
from parley.services.people import access
from parley.services.people.access import Principal

router = APIRouter(prefix="/api/v1/lists", tags=["lists"])

UUID_PATH = Path(pattern=r"^[0-9a-f-]{36}$", description="The list's id (a UUID)")


class ListOut(BaseModel):
    id: str
    source: str
    kind: str
    party: str | None
    file_name: str
    file_sha256: str
    sheet: str
    rows: int
    accepted: int
    quarantined: int
    imported_by: str
    imported_at: str


class ListPage(Page):
    lists: list[ListOut]


class RecordOut(BaseModel):
    id: str
    row_number: int
    record_id: str
    person_id: str | None
    commitment: str
    fields: dict[str, Any] | None
    erased: bool


class RecordPage(Page):
    records: list[RecordOut]


def list_out(v: access.ListView) -> ListOut:
    return ListOut(**v.__dict__)


def record_out(v: access.RecordView) -> RecordOut:
    return RecordOut(**v.__dict__)


# OpenAPI links from the listing to one list, so stateful testing follows real ids.
LINKS: dict[int | str, dict[str, Any]] = {200: {"description": "Lists", "links": {
    "OneList": {"operationId": "one_list_api_v1_lists__list_id__get",
                "parameters": {"list_id": "$response.body#/lists/0/id"}},
    "ListRecords": {"operationId": "records_api_v1_lists__list_id__records_get",
                    "parameters": {"list_id": "$response.body#/lists/0/id"}},
}}}


@router.get("", response_model=ListPage, responses=LINKS,
            summary="Lists the caller may see, newest first")
def lists(limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=10**9),
          ctx: ServiceContext = Depends(context),
          who: Principal = Depends(principal)) -> ListPage:
    total, found = access.list_lists(ctx.app, who, limit=limit, offset=offset)
    return ListPage(total=total, limit=limit, offset=offset, lists=[list_out(v) for v in found])


@router.get("/{list_id}", response_model=ListOut, summary="One list's counts and provenance")
def one_list(list_id: str = UUID_PATH, ctx: ServiceContext = Depends(context),
             who: Principal = Depends(principal)) -> ListOut:
    return list_out(access.get_list(ctx.app, who, list_id))


@router.get("/{list_id}/records", response_model=RecordPage,
            summary="A list's records with their personal data (each read is logged)")
def records(request: Request, list_id: str = UUID_PATH,
            limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=10**9),
            ctx: ServiceContext = Depends(context),
            who: Principal = Depends(principal)) -> RecordPage:
    total, found = access.list_records(ctx.app, who, list_id, log=ctx.access_log,
                                       route=route_name(request), limit=limit, offset=offset)
    return RecordPage(total=total, limit=limit, offset=offset,
                      records=[record_out(r) for r in found])
