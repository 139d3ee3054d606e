"""`/api/v1/access-log`: who read which personal data, when (the intermediary's review)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from parley.api.deps import ServiceContext, context, principal
from parley.domain.vocabulary import Role
from parley.services.people import access
from parley.services.people.access import Principal

router = APIRouter(prefix="/api/v1", tags=["access log"])


class Entry(BaseModel):
    at: str
    principal: str
    role: Role
    object_kind: str
    object_id: str
    route: str
    detail: str


@router.get("/access-log", response_model=list[Entry], summary="Reads of personal data")
def access_log(object_id: str | None = Query(None, max_length=64),
               before: str | None = Query(None, max_length=32),
               limit: int = Query(100, ge=1, le=1000),
               ctx: ServiceContext = Depends(context),
               who: Principal = Depends(principal)) -> list[Entry]:
    return [Entry(**e.__dict__) for e in access.read_access_log(
        ctx.app, who, object_id=object_id, limit=limit, before=before)]
