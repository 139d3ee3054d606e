"""`/api/v1/resolutions`: resolve identities against the registry (the intermediary's).

The same three runs as ``parley resolve``: every list with unresolved records, list by
list (the default); one list (``list_id``); or every record at once with Splink
(``all``, optionally training a new model version first with ``retrain``).
"""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from parley.api.deps import ServiceContext, context, principal, write
from parley.api.errors import ApiError
from parley.api.routers.agreements import actor_of
from parley.api.schemas import Input, idempotency_key_header
from parley.services.people import access
from parley.services.people.access import Principal
from parley.services.registry import identity

router = APIRouter(prefix="/api/v1", tags=["review queue"])


class ResolveIn(Input):
    list_id: str | None = Field(default=None, pattern=r"^[0-9a-f-]{36}$",
                                description="Resolve this list only")
    all: bool = Field(default=False, description="Re-resolve every record at once (batch)")
    retrain: bool = Field(default=False, description="With `all`: train and save a new model "
                                             "version first")


class ResolutionOut(BaseModel):
    scope: str
    list_id: str | None
    records: int
    linked: int
    new_persons: int
    merged: int
    split: int
    queued: int
    model_version: int


class Resolutions(BaseModel):
    resolutions: list[ResolutionOut]


def _checked(body: ResolveIn) -> None:
    if body.retrain and not body.all:
        raise ApiError(422, "invalid", "retrain: goes with all (a new model re-resolves "
                       "everything)", field="body.retrain")
    if body.all and body.list_id is not None:
        raise ApiError(422, "invalid", "list_id: give a list or all, not both",
                       field="body.list_id")


@router.post("/resolutions", response_model=Resolutions,
             summary="Resolve identities: pending lists (default), one list, or all at once")
def resolve(request: Request, body: ResolveIn | None = Body(None),
            idempotency_key: str | None = idempotency_key_header(),
            ctx: ServiceContext = Depends(context),
            who: Principal = Depends(principal)) -> JSONResponse:
    access.require_intermediary(who, "resolutions")
    actor = actor_of(who, "resolutions")
    wanted = body or ResolveIn()
    _checked(wanted)

    def run() -> list[identity.ResolutionSummary]:
        if wanted.all:
            return [identity.resolve_all(ctx.app, actor=actor, retrain=wanted.retrain)]
        if wanted.list_id is not None:
            return [identity.resolve_list(ctx.app, list_id=wanted.list_id, actor=actor)]
        return identity.resolve_pending(ctx.app, actor=actor)

    return write(request, ctx, who, idempotency_key, wanted, run,
                 lambda found: Resolutions(resolutions=[ResolutionOut(**s.__dict__)
                                                        for s in found]))
