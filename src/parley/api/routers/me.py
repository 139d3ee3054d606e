"""`/api/v1/me`: who the caller is, as the server sees it."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from parley.api.deps import principal
from parley.domain.vocabulary import Role
from parley.services.people.access import Principal

router = APIRouter(prefix="/api/v1", tags=["me"])


class Me(BaseModel):
    role: Role
    name: str
    party: str | None
    actor: str | None


@router.get("/me", response_model=Me, summary="The caller's role, party and signing actor")
async def me(who: Principal = Depends(principal)) -> Me:
    return Me(role=Role(who.role), name=who.name, party=who.party, actor=who.actor)
