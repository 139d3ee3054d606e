"""`/api/v1/parties` and `/api/v1/actors`: who takes part and the keys that sign."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel

from parley.api.deps import ServiceContext, context, principal, rate_limited
from parley.domain.vocabulary import PartyKind
from parley.services.people import access
from parley.services.people.access import Principal

router = APIRouter(prefix="/api/v1", tags=["parties"],
                   dependencies=[Depends(rate_limited("public"))])


class Party(BaseModel):
    code: str
    title: str
    kind: PartyKind


class Actor(BaseModel):
    id: str
    party: str
    title: str
    role: str
    public_key: str


@router.get("/parties", response_model=list[Party], summary="Parties and the intermediary")
def parties(ctx: ServiceContext = Depends(context),
            who: Principal = Depends(principal)) -> list[Party]:
    return [Party(code=p.code, title=p.title, kind=PartyKind(p.kind))
            for p in access.list_parties(ctx.app, who)]


@router.get("/parties/{code}", response_model=Party, summary="One party")
def party(code: str = Path(max_length=16), ctx: ServiceContext = Depends(context),
          who: Principal = Depends(principal)) -> Party:
    p = access.get_party(ctx.app, who, code)
    return Party(code=p.code, title=p.title, kind=PartyKind(p.kind))


@router.get("/actors", response_model=list[Actor],
            summary="Actors and their Ed25519 public keys")
def actors(party: str | None = Query(None, max_length=16),
           ctx: ServiceContext = Depends(context),
           who: Principal = Depends(principal)) -> list[Actor]:
    return [Actor(id=a.id, party=a.party, title=a.title, role=a.role, public_key=a.public_key)
            for a in access.list_actors(ctx.app, who, party=party)]
