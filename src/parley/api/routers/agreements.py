"""`/api/v1/agreements`: terms and signatures, eligibility, nominations, verifications,
interviews (the intermediary's only: confidential) and statements."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse

from parley.api.deps import ServiceContext, context, principal, route_name, write
from parley.api.routers.exchange_models import (
    AgreementOut,
    ClaimOut,
    Counted,
    EligibilityOut,
    InterviewIn,
    InterviewOut,
    PersonsIn,
    StatementIn,
    StatementOut,
)
from parley.api.schemas import idempotency_key_header
from parley.errors import NotFound
from parley.services.exchange import agreements, statements, verification
from parley.services.people import access
from parley.services.people.access import Principal

router = APIRouter(prefix="/api/v1/agreements", tags=["agreements"])

AGREEMENT = Path(max_length=64, pattern=r"^[A-Za-z0-9._-]+$",
                 description="The agreement's id or reference")


def agreement_out(a: agreements.Agreement) -> AgreementOut:
    data = a.to_json()
    return AgreementOut(id=a.id, reference=a.terms.reference, terms_hash=a.terms_hash,
                        active=a.active, signed_by=dict(a.signed_by),
                        terms=data["terms"])  # type: ignore[arg-type]


def actor_of(who: Principal, what: str) -> str:
    """The signing actor of a signed-in user; NotFound for anyone else."""
    if who.actor is None:
        raise NotFound(f"{what}: not found")
    return who.actor


@router.get("", response_model=list[AgreementOut], summary="Agreements the caller is part of")
def list_agreements(ctx: ServiceContext = Depends(context),
                    who: Principal = Depends(principal)) -> list[AgreementOut]:
    access.require_role(who, "intermediary", "party", what="agreements")
    visible = access.visible_agreement_ids(ctx.app, who)
    return [agreement_out(a) for a in agreements.list_agreements(ctx.app)
            if visible is None or a.id in visible]


@router.get("/{agreement_id}", response_model=AgreementOut, summary="One agreement")
def one_agreement(agreement_id: str = AGREEMENT, ctx: ServiceContext = Depends(context),
                  who: Principal = Depends(principal)) -> AgreementOut:
    access.check_agreement(ctx.app, who, agreement_id)
    return agreement_out(agreements.get_agreement(ctx.app, agreement_id))


@router.post("/{agreement_id}/signatures", response_model=AgreementOut,
             summary="Sign the terms as the caller's party (signing twice changes nothing)")
def sign(request: Request, agreement_id: str = AGREEMENT,
         idempotency_key: str | None = idempotency_key_header(),
         ctx: ServiceContext = Depends(context),
         who: Principal = Depends(principal)) -> JSONResponse:
    access.check_agreement(ctx.app, who, agreement_id)
    actor = actor_of(who, "agreement")
    return write(request, ctx, who, idempotency_key, None,
                 lambda: agreements.sign_agreement(ctx.app, agreement_id=agreement_id,
                                                   actor=actor),
                 agreement_out)


@router.get("/{agreement_id}/eligibility", response_model=list[EligibilityOut],
            summary="Every person's categories and reasons (the intermediary's; logged)")
def eligibility(request: Request, agreement_id: str = AGREEMENT,
                ctx: ServiceContext = Depends(context),
                who: Principal = Depends(principal)) -> list[EligibilityOut]:
    access.require_intermediary(who, f"agreement {agreement_id} eligibility")
    rows = agreements.eligibility_report(ctx.app, agreement_id=agreement_id)
    ctx.access_log.record(who, kind="person", ids=[r.person_id for r in rows],
                          route=route_name(request), detail=f"eligibility {agreement_id}")
    return [EligibilityOut(person_id=r.person_id, detail={
        "direction": r.direction, "category": r.eligibility.category,
        "status": r.eligibility.status, "protected": r.eligibility.protected,
        "reasons": r.eligibility.reasons(), "sides_problem": r.sides_problem})
        for r in rows]


@router.post("/{agreement_id}/nominations", response_model=Counted,
             summary="Nominate persons (a party)")
def nominate(request: Request, body: PersonsIn, agreement_id: str = AGREEMENT,
             idempotency_key: str | None = idempotency_key_header(),
             ctx: ServiceContext = Depends(context),
             who: Principal = Depends(principal)) -> JSONResponse:
    access.check_agreement(ctx.app, who, agreement_id)
    actor = actor_of(who, "agreement")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: verification.nominate(ctx.app, agreement_id=agreement_id,
                                               person_ids=body.person_ids, actor=actor),
                 lambda done: Counted(agreement_id=agreement_id, count=len(done)))


@router.post("/{agreement_id}/identity-confirmations", response_model=Counted,
             summary="Confirm that nominated persons are the caller's people (receiving party)")
def confirm_identity(request: Request, body: PersonsIn, agreement_id: str = AGREEMENT,
                     idempotency_key: str | None = idempotency_key_header(),
                     ctx: ServiceContext = Depends(context),
                     who: Principal = Depends(principal)) -> JSONResponse:
    access.check_agreement(ctx.app, who, agreement_id)
    actor = actor_of(who, "agreement")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: verification.confirm_identity(ctx.app, agreement_id=agreement_id,
                                                       person_ids=body.person_ids,
                                                       actor=actor),
                 lambda n: Counted(agreement_id=agreement_id, count=int(n)))


@router.post("/{agreement_id}/eligibility-confirmations", response_model=Counted,
             summary="Confirm nominated persons' eligibility (the intermediary)")
def confirm_eligibility(request: Request, body: PersonsIn, agreement_id: str = AGREEMENT,
                        idempotency_key: str | None = idempotency_key_header(),
                        ctx: ServiceContext = Depends(context),
                        who: Principal = Depends(principal)) -> JSONResponse:
    access.require_intermediary(who, f"agreement {agreement_id}")
    actor = actor_of(who, "agreement")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: verification.confirm_eligibility(
                     ctx.app, agreement_id=agreement_id, person_ids=body.person_ids,
                     actor=actor),
                 lambda done: Counted(agreement_id=agreement_id, count=len(done.confirmed)))


@router.post("/{agreement_id}/interviews", response_model=InterviewOut,
             summary="Record a private interview (the intermediary; confidential)")
def interview(request: Request, body: InterviewIn, agreement_id: str = AGREEMENT,
              idempotency_key: str | None = idempotency_key_header(),
              ctx: ServiceContext = Depends(context),
              who: Principal = Depends(principal)) -> JSONResponse:
    access.require_intermediary(who, f"agreement {agreement_id}")
    actor = actor_of(who, "agreement")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: verification.record_interview(
                     ctx.app, agreement_id=agreement_id, person_id=body.person_id,
                     outcome=body.outcome, actor=actor),
                 lambda iid: InterviewOut(agreement_id=agreement_id, person_id=body.person_id,
                                          interview_id=str(iid)))


@router.get("/{agreement_id}/statements", response_model=list[ClaimOut],
            summary="Each party's public claims beside the confirmed figures")
def claims(agreement_id: str = AGREEMENT, ctx: ServiceContext = Depends(context),
           who: Principal = Depends(principal)) -> list[ClaimOut]:
    access.check_agreement(ctx.app, who, agreement_id)
    return [ClaimOut(**asdict(row)) for row in statements.compare(ctx.app, agreement_id)]


@router.post("/{agreement_id}/statements", response_model=StatementOut, status_code=201,
             summary="Record a party's public statement (that party or the intermediary)")
def statement(request: Request, body: StatementIn, agreement_id: str = AGREEMENT,
              idempotency_key: str | None = idempotency_key_header(),
              ctx: ServiceContext = Depends(context),
              who: Principal = Depends(principal)) -> JSONResponse:
    access.check_agreement(ctx.app, who, agreement_id)
    actor = actor_of(who, "agreement")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: statements.record_statement(
                     ctx.app, agreement_id=agreement_id, party=body.party,
                     stated_on=body.stated_on, source=body.source, claims=body.claims,
                     actor=actor, stage_number=body.stage_number),
                 lambda st: StatementOut(statement_id=st.id, agreement_id=agreement_id,
                                         party=st.party),
                 status=201)
