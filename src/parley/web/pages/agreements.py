"""Agreement pages: terms and signatures, nominations and their verification, interviews
(the intermediary's, confidential), eligibility with reasons (the intermediary's), stage
planning, statements beside the confirmed figures; and the stage actions of the
intermediary (check, resolve, close)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from parley.api.deps import ServiceContext, context, route_name
from parley.errors import InputError, ParleyError
from parley.services.exchange import agreements, handover, stages, statements, verification
from parley.services.people import access
from parley.web.forms import read_form, text
from parley.web.pages.exchange import _done, signed_in, to_login
from parley.web.render import render

router = APIRouter(include_in_schema=False)
OUTCOMES = ("wishes", "declines", "undecided")


@router.get("/agreements/{agreement_id}")
def agreement_page(request: Request, agreement_id: str = Path(max_length=64),
                   ctx: ServiceContext = Depends(context)) -> Response:
    caller = signed_in(request, "intermediary", "party")
    if caller is None:
        return to_login(request)
    who = caller.principal
    access.check_agreement(ctx.app, who, agreement_id)
    found = agreements.get_agreement(ctx.app, agreement_id)
    return render(request, caller, "agreement.html", agreement=found,
                  stages=stages.list_stages(ctx.app, found.id),
                  nominations=access.agreement_nominations(ctx.app, who, found.id),
                  claims=statements.compare(ctx.app, found.id), outcomes=OUTCOMES,
                  directions=list(found.terms.directions()),
                  categories=[c.code for c in found.terms.categories],
                  flash=request.query_params.get("flash"))


@router.get("/agreements/{agreement_id}/eligibility")
def eligibility_page(request: Request, agreement_id: str = Path(max_length=64),
                     ctx: ServiceContext = Depends(context)) -> Response:
    caller = signed_in(request, "intermediary")
    if caller is None:
        return to_login(request)
    rows = agreements.eligibility_report(ctx.app, agreement_id=agreement_id)
    ctx.access_log.record(caller.principal, kind="person", ids=[r.person_id for r in rows],
                          route=route_name(request), detail=f"eligibility {agreement_id}")
    return render(request, caller, "eligibility.html", agreement_id=agreement_id, rows=rows)


@router.post("/agreements/{agreement_id}/act")
async def act(request: Request, agreement_id: str = Path(max_length=64),
              ctx: ServiceContext = Depends(context)) -> Response:
    """One form handler for the agreement page's actions, by the button pressed."""
    caller = signed_in(request, "intermediary", "party")
    if caller is None:
        return to_login(request)
    form = await read_form(request, caller)
    who = caller.principal
    access.check_agreement(ctx.app, who, agreement_id)
    actor = who.actor or ""
    action = text(form, "action", 32)
    chosen = [str(v) for v in form.getlist("person_id") if isinstance(v, str)][:5000]
    typed = [p.strip() for p in text(form, "person_ids", 200_000).split() if p.strip()]
    back = f"/agreements/{agreement_id}"
    app = ctx.app
    try:
        if action == "sign":
            agreements.sign_agreement(app, agreement_id=agreement_id, actor=actor)
            message = "signed"
        elif action == "nominate":
            done = verification.nominate(app, agreement_id=agreement_id,
                                         person_ids=typed or chosen, actor=actor)
            message = f"{len(done)} nominated"
        elif action == "identity":
            n = verification.confirm_identity(app, agreement_id=agreement_id,
                                              person_ids=chosen, actor=actor)
            message = f"{n} identities confirmed"
        elif action == "eligibility" and who.is_intermediary:
            checked = verification.confirm_eligibility(app, agreement_id=agreement_id,
                                                       person_ids=chosen, actor=actor)
            message = (f"{len(checked.confirmed)} eligible, "
                       f"{len(checked.refused)} not confirmed")
        elif action == "interview" and who.is_intermediary:
            outcome = text(form, "outcome", 16)
            person = text(form, "person", 36)
            verification.record_interview(app, agreement_id=agreement_id, person_id=person,
                                          outcome=outcome, actor=actor)
            message = "interview recorded"
        elif action == "plan" and who.is_intermediary:
            result = stages.plan_stage(app, agreement_id=agreement_id,
                                       stage_date=text(form, "stage_date", 10),
                                       capacity=int(text(form, "capacity", 9) or "0"),
                                       actor=actor)
            message = f"stage {result.stage.number} planned"
        elif action == "statement":
            claims: dict[str, dict[str, int]] = {}
            for line in text(form, "claims", 10_000).splitlines():
                parts = line.split()
                if len(parts) == 3:
                    claims.setdefault(parts[0], {})[parts[1]] = int(parts[2])
                elif parts:
                    raise InputError(f"claims: {line!r} is not `DIRECTION CATEGORY NUMBER`")
            party = who.party if who.role == "party" else text(form, "party", 16)
            statements.record_statement(
                app, agreement_id=agreement_id, party=party or "",
                stated_on=text(form, "stated_on", 10) or date.today().isoformat(),
                source=text(form, "source", 500), claims=claims, actor=actor)
            message = "statement recorded"
        else:
            raise InputError(f"action {action!r} is not available here")
    except (ParleyError, ValueError) as exc:
        return _done(str(exc), back)
    return _done(message, back)


@router.post("/stages/{stage_id}/act")
async def stage_act(request: Request, stage_id: str = Path(max_length=36),
                    ctx: ServiceContext = Depends(context)) -> Response:
    """The intermediary's stage actions: check, resolve or carry a discrepancy, close."""
    caller = signed_in(request, "intermediary")
    if caller is None:
        return to_login(request)
    form = await read_form(request, caller)
    actor = caller.principal.actor or ""
    action = text(form, "action", 32)
    back = f"/stages/{stage_id}"
    try:
        if action == "check":
            found = handover.check_stage(ctx.app, stage_id=stage_id, actor=actor)
            message = f"{len(found)} discrepancies open"
        elif action == "resolve":
            handover.resolve_discrepancy(ctx.app, discrepancy_id=text(form, "discrepancy", 36),
                                         resolution=text(form, "resolution", 64), actor=actor)
            message = "discrepancy resolved"
        elif action == "close":
            closed = handover.close_stage(ctx.app, stage_id=stage_id, actor=actor)
            message = f"stage {closed.stage.number} closed and signed"
        else:
            raise InputError(f"action {action!r} is not available here")
    except ParleyError as exc:
        return _done(str(exc), back)
    return _done(message, back)
