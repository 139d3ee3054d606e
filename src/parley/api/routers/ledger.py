"""`/api/v1/ledger`: the signed event chain's head and (for the intermediary) its events."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from parley.api.deps import ServiceContext, context, principal
from parley.services.people import access
from parley.services.people.access import Principal

router = APIRouter(prefix="/api/v1/ledger", tags=["ledger"])


class Head(BaseModel):
    events: int
    head: str


class Event(BaseModel):
    seq: int
    id: str
    type: str
    actor: str
    at: str
    payload: str
    prev: str
    hash: str
    signature: str


@router.get("/head", response_model=Head, summary="Length and head hash of the chain")
def head(ctx: ServiceContext = Depends(context), who: Principal = Depends(principal)) -> Head:
    h = access.ledger_head(ctx.app, who)
    return Head(events=h.events, head=h.head)


@router.get("/events", response_model=list[Event], summary="Events in order")
def events(after: int = Query(0, ge=0, le=2**62), limit: int = Query(100, ge=1, le=1000),
           ctx: ServiceContext = Depends(context),
           who: Principal = Depends(principal)) -> list[Event]:
    return [Event(**e.to_json()) for e in access.ledger_events(ctx.app, who, after=after,
                                                               limit=limit)]
