"""`/api/v1/parties` and `/api/v1/actors`: who takes part and the keys that sign."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from parley.api.deps import ServiceContext, context, principal, rate_limited, write
from parley.api.schemas import idempotency_key_header
from parley.domain.vocabulary import PartyKind
from parley.errors import NotFound
from parley.services.people import access, organisation
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


class ActorIn(BaseModel):
    """An actor of the caller's party and the public key made on its own machine."""

    model_config = ConfigDict(extra="forbid")

    actor: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")
    title: str = Field(min_length=1, max_length=200)
    role: str = Field("coordinator", min_length=1, max_length=32)
    public_key: str = Field(pattern=r"^[0-9a-f]{64}$")


@router.post("/actors", response_model=Actor, status_code=201,
             summary="Register an actor of the caller's party with its own key (a signed "
                     "write: the registration is signed by that key on the party's machine)")
def register(request: Request, body: ActorIn,
             idempotency_key: str | None = idempotency_key_header(),
             ctx: ServiceContext = Depends(context),
             who: Principal = Depends(principal)) -> JSONResponse:
    if who.role not in ("party", "intermediary") or who.party is None or who.user_id is None:
        raise NotFound("actors: not found")
    party_code, user_id = who.party, who.user_id
    return write(request, ctx, who, idempotency_key, body,
                 lambda: organisation.enrol_actor(
                     ctx.app, user_id=user_id, party=party_code, actor=body.actor,
                     title=body.title, role=body.role, public_key=body.public_key),
                 lambda a: Actor(id=a.id, party=a.party, title=a.title, role=a.role,
                                 public_key=a.public_key), status=201)
