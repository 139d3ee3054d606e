"""`/api/v1/persons`: a person's status with the event and source that established it,
its history, and the source records the caller may see (each read is logged)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel

from parley.api.deps import ServiceContext, context, principal, rate_limited, route_name
from parley.api.schemas import Page
from parley.domain.vocabulary import ListKind, PersonStatus
from parley.errors import Conflict, NotFound
from parley.services.people import access
from parley.services.people.access import Principal
from parley.services.publication import proofs

router = APIRouter(prefix="/api/v1/persons", tags=["persons"])

PERSON_ID = Path(pattern=r"^[0-9a-f-]{36}$", description="The person's id (a UUID)")


class Step(BaseModel):
    status: PersonStatus
    event_seq: int | None
    source: str


class Status(BaseModel):
    person_id: str
    status: PersonStatus
    event_seq: int | None
    event_type: str | None
    source: str
    history: list[Step]


class Source(BaseModel):
    list_id: str
    list_source: str
    list_kind: ListKind
    party: str | None
    row_number: int
    record_id: str
    fields: dict[str, Any] | None


class Person(BaseModel):
    status: Status
    records: list[Source]


class PersonRef(BaseModel):
    id: str


class PersonPage(Page):
    persons: list[PersonRef]


# OpenAPI links from the listing to one person, so stateful testing follows real ids.
LINKS: dict[int | str, dict[str, Any]] = {200: {"description": "Persons", "links": {
    "OnePerson": {"operationId": "person_api_v1_persons__person_id__get",
                  "parameters": {"person_id": "$response.body#/persons/0/id"}},
    "PersonStatus": {"operationId": "status_api_v1_persons__person_id__status_get",
                     "parameters": {"person_id": "$response.body#/persons/0/id"}},
}}}


@router.get("", response_model=PersonPage, responses=LINKS,
            summary="The ids of the persons the caller may see (a party: those of its own "
                    "lists, its stages and nominations)")
def persons(limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=10**9),
            ctx: ServiceContext = Depends(context),
            who: Principal = Depends(principal)) -> PersonPage:
    total, ids = access.list_persons(ctx.app, who, limit=limit, offset=offset)
    return PersonPage(total=total, limit=limit, offset=offset,
                      persons=[PersonRef(id=i) for i in ids])


def read_status(ctx: ServiceContext, who: Principal, person_id: str, route: str) -> Status:
    """The status as the caller may see it, after the object check; logged."""
    found = ctx.projections.person_status(ctx.app, who, person_id)
    ctx.access_log.record(who, kind="person", ids=[person_id], route=route, detail="status")
    return Status(person_id=found.person_id, status=found.status, event_seq=found.event_seq,
                  event_type=found.event_type, source=found.source,
                  history=[Step(status=s, event_seq=q, source=src)
                           for s, q, src in found.history])


@router.get("/{person_id}/status", response_model=Status,
            dependencies=[Depends(rate_limited("family"))],
            summary="A person's current status and its history, with sources")
def status(request: Request, person_id: str = PERSON_ID,
           ctx: ServiceContext = Depends(context),
           who: Principal = Depends(principal)) -> Status:
    return read_status(ctx, who, person_id, route_name(request))


@router.get("/{person_id}", response_model=Person,
            dependencies=[Depends(rate_limited("family"))],
            summary="A person: status, history and the source records the caller may see")
def person(request: Request, person_id: str = PERSON_ID,
           ctx: ServiceContext = Depends(context),
           who: Principal = Depends(principal)) -> Person:
    route = route_name(request)
    current = read_status(ctx, who, person_id, route)
    records = access.person_records(ctx.app, who, person_id, log=ctx.access_log, route=route)
    return Person(status=current, records=[
        Source(list_id=lv.id, list_source=lv.source, list_kind=ListKind(lv.kind), party=lv.party,
               row_number=rv.row_number, record_id=rv.record_id, fields=rv.fields)
        for lv, rv in records])


@router.get("/{person_id}/proof", response_model=dict[str, Any],
            dependencies=[Depends(rate_limited("family"))],
            summary="A family's inclusion proof against the signed stage head (the person's "
                    "family and the intermediary; personal data, logged)")
def proof(request: Request, person_id: str = PERSON_ID,
          ctx: ServiceContext = Depends(context),
          who: Principal = Depends(principal)) -> dict[str, Any]:
    access.require_role(who, "intermediary", "family", what=f"person {person_id}")
    ctx.projections.person_status(ctx.app, who, person_id)  # the object check
    try:
        found = proofs.family_proof(ctx.app, person_id)
    except NotFound as exc:  # the person is there; the proof is not, yet: a state
        raise Conflict(str(exc)) from None
    ctx.access_log.record(who, kind="person", ids=[person_id], route=route_name(request),
                          detail="inclusion proof")
    return found
