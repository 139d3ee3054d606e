"""The intermediary's casework pages: remains by case number, medical findings, holds
on publication, and erasure. Each lists what was recorded and offers the one form that
records more, through the same services as the API and the CLI.

Anyone not signed in is sent to sign in; a signed-in party or family gets the not-found
page, as for any page it may not see.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from parley.api.deps import ServiceContext, context, route_name
from parley.domain.vocabulary import StageStatus
from parley.errors import NotFound, ParleyError
from parley.services.exchange import agreements, registers, remains, stages, verification
from parley.services.publication import erasure, publish
from parley.web.forms import act_once, read_form, text
from parley.web.pages.exchange import _done, to_login
from parley.web.render import PageCaller, page_caller, render

router = APIRouter(include_in_schema=False)


def officer_or_404(request: Request) -> PageCaller | None:
    """The signed-in intermediary; None (sign in) for nobody; NotFound for other roles."""
    caller = page_caller(request)
    if caller.principal.is_intermediary:
        return caller
    if caller.principal.role == "public":
        return None
    raise NotFound(f"{request.url.path}: not found")


def _ids(form: Any, name: str) -> list[str]:
    return [p.strip() for p in text(form, name, 200_000).replace(",", " ").split()
            if p.strip()]


# --- remains ----------------------------------------------------------------------------


@router.get("/int/remains")
def remains_page(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = officer_or_404(request)
    if caller is None:
        return to_login(request)
    found = agreements.list_agreements(ctx.app)
    rows = [{"agreement": a, "counts": remains.remains_counts(ctx.app, a.id),
             "stages": [s for s in stages.list_stages(ctx.app, a.id)
                        if s.status != StageStatus.CLOSED],
             "categories": [c.code for c in a.terms.categories if c.remains],
             "directions": list(a.terms.directions())} for a in found]
    return render(request, caller, "remains.html", agreements=rows,
                  cases=registers.remains_cases_of(ctx.app, caller.principal),
                  flash=request.query_params.get("flash"))


@router.post("/int/remains")
async def remains_act(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = officer_or_404(request)
    if caller is None:
        return to_login(request)
    form = await read_form(request, caller)
    actor = caller.principal.actor or ""
    action = text(form, "action", 16)
    try:
        if action == "confirm":
            stage_id, direction = text(form, "stage_id", 36), text(form, "direction", 40)
            category, numbers = text(form, "category", 32), _ids(form, "case_numbers")
            message = act_once(ctx, caller, form, "remains", stage_id, direction, category,
                               *numbers,
                               operation=lambda: remains.confirm_remains(
                                   ctx.app, stage_id=stage_id, direction=direction,
                                   category=category, case_numbers=numbers, actor=actor),
                               say=lambda r: f"{r.added} cases confirmed as {r.role}")
        elif action == "identify":
            agreement_id, case = text(form, "agreement_id", 64), text(form, "case_number", 64)
            person_id = text(form, "person_id", 36)
            message = act_once(ctx, caller, form, "identify", agreement_id, case, person_id,
                               operation=lambda: remains.identify_remains(
                                   ctx.app, agreement_id=agreement_id, case_number=case,
                                   person_id=person_id, actor=actor),
                               say=lambda new: f"case {case} identified" if new else
                               f"case {case} was already so identified")
        else:
            message = f"unknown action {action!r}"
    except ParleyError as exc:
        message = str(exc)
    return _done(message, "/int/remains")


# --- medical findings -----------------------------------------------------------------


@router.get("/int/medical")
def medical_page(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = officer_or_404(request)
    if caller is None:
        return to_login(request)
    return render(request, caller, "medical.html",
                  findings=registers.medical_findings(ctx.app, caller.principal),
                  flash=request.query_params.get("flash"))


@router.post("/int/medical")
async def medical_act(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = officer_or_404(request)
    if caller is None:
        return to_login(request)
    form = await read_form(request, caller)
    person_ids, finding = _ids(form, "person_ids"), text(form, "finding", 8)
    if not person_ids or finding not in ("yes", "no"):
        return _done("give one or more person ids and a finding", "/int/medical")
    actor = caller.principal.actor or ""
    try:
        message = act_once(ctx, caller, form, "medical", finding, *person_ids,
                           operation=lambda: verification.certify_medical(
                               ctx.app, person_ids=person_ids,
                               seriously_wounded_or_sick=finding == "yes", actor=actor),
                           say=lambda n: f"{n} findings recorded")
    except ParleyError as exc:
        message = str(exc)
    return _done(message, "/int/medical")


# --- publication holds ----------------------------------------------------------------


@router.get("/int/holds")
def holds_page(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = officer_or_404(request)
    if caller is None:
        return to_login(request)
    return render(request, caller, "holds.html",
                  holds=registers.publication_holds(ctx.app, caller.principal),
                  flash=request.query_params.get("flash"))


@router.post("/int/holds")
async def holds_act(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = officer_or_404(request)
    if caller is None:
        return to_login(request)
    form = await read_form(request, caller)
    action, stage_id = text(form, "action", 16), text(form, "stage_id", 36)
    reason, until = text(form, "reason", 500), text(form, "until", 10) or None
    actor = caller.principal.actor or ""
    try:
        if action == "hold":
            message = act_once(ctx, caller, form, "hold", stage_id, until or "", reason,
                               operation=lambda: publish.hold_stage(
                                   ctx.app, stage_id=stage_id, until=until, reason=reason,
                                   actor=actor),
                               say=lambda _: "held back" + (f" until {until}" if until else ""))
        elif action == "release":
            message = act_once(ctx, caller, form, "release", stage_id, reason,
                               operation=lambda: publish.release_stage(
                                   ctx.app, stage_id=stage_id, reason=reason, actor=actor),
                               say=lambda _: "released for publication")
        else:
            message = f"unknown action {action!r}"
    except ParleyError as exc:
        message = str(exc)
    return _done(message, "/int/holds")


# --- erasure --------------------------------------------------------------------------


@router.get("/int/erasure")
def erasure_page(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = officer_or_404(request)
    if caller is None:
        return to_login(request)
    # The reasons are sealed (a reason may name who asked): reading them is logged.
    erased = list(reversed(erasure.erasure_reasons(ctx.app)))[:200]
    ctx.access_log.record(caller.principal, kind="erasure_reason",
                          ids=[e["person_id"] for e in erased], route=route_name(request),
                          detail="erasure log")
    return render(request, caller, "erasure.html", erased=erased,
                  flash=request.query_params.get("flash"))


@router.post("/int/erasure")
async def erasure_act(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = officer_or_404(request)
    if caller is None:
        return to_login(request)
    form = await read_form(request, caller)
    person_id, reason = text(form, "person_id", 36), text(form, "reason", 500)
    if text(form, "confirm", 8) != "yes":
        return _done("tick the box to confirm: an erasure cannot be undone", "/int/erasure")
    actor = caller.principal.actor or ""
    try:
        message = act_once(ctx, caller, form, "erase", person_id, reason,
                           operation=lambda: erasure.erase_person(ctx.app, person_id,
                                                                  reason=reason, actor=actor),
                           say=lambda r: f"erased {r.records} records of person {r.person_id}")
        erasure.forget_old_page_versions(ctx.app)  # now that the answer is committed too
    except ParleyError as exc:
        message = str(exc)
    return _done(message, "/int/erasure")
