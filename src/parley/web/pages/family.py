"""Families: the inquiry form, the tracking code, and the status of the one person."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from parley.api.deps import (
    ServiceContext,
    client_address,
    context,
    record_failed_tracking,
    route_name,
)
from parley.errors import InputError
from parley.runtime import idempotency
from parley.services.people.access import family
from parley.services.people.users import (
    inquiry_for_tracking_code,
    normalise_tracking_code,
    start_session,
)
from parley.services.publication import proofs
from parley.services.registry import inquiries
from parley.web import status as person_status
from parley.web.forms import read_form, text
from parley.web.i18n import translator
from parley.web.pages.auth import set_session_cookie
from parley.web.render import language, page_caller, redirect, render

router = APIRouter(include_in_schema=False)

FIELDS = [
    ("surname", "Surname", "text"), ("given_name", "Given name", "text"),
    ("patronymic", "Patronymic", "text"), ("birth_date", "Date of birth", "date"),
    ("birth_place", "Place of birth", "text"), ("service_number", "Service number", "text"),
    ("rank", "Rank", "text"), ("unit", "Unit", "text"),
    ("notes", "Anything else that may help", "textarea"),
]


@router.get("/inquiry")
def inquiry_form(request: Request) -> Response:
    return render(request, page_caller(request), "inquiry.html", fields=FIELDS, values={})


@router.post("/inquiry")
async def inquiry(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = page_caller(request)
    form = await read_form(request, caller)
    _ = translator(language(request))
    values = {name: text(form, name, 2000 if kind == "textarea" else 200)
              for name, _label, kind in FIELDS}
    if ctx.limiter.check("family", client_address(request, ctx)) is not None or (
            values["surname"] and ctx.limiter.check("family-target", inquiries.target_key(values))
            is not None):
        return render(request, caller, "inquiry.html", status=429, fields=FIELDS,
                      values=values, flash=_("Too many attempts; wait a minute and try again."),
                      flash_kind="error")
    if not values["surname"] or not values["given_name"]:
        return render(request, caller, "inquiry.html", status=422, fields=FIELDS,
                      values=values, flash_kind="error",
                      flash=_("Please fill in the surname and given name (or the full name)."))
    # The form carries its own idempotency key: pressing "send" twice files one inquiry.
    key = text(form, "idempotency_key", 200) or None
    fields = {k: v for k, v in values.items() if v}
    lang = language(request)
    try:
        answer = idempotency.run(
            ctx.app, owner="web-inquiry", key=key,
            request_fingerprint=idempotency.fingerprint("inquiry", repr(sorted(fields.items()))),
            operation=lambda: inquiries.file_inquiry(ctx.app, fields=fields, language=lang,
                                                     match=False),
            render=lambda f: (201, {"tracking_code": f.tracking_code}))
    except InputError as exc:
        return render(request, caller, "inquiry.html", status=422, fields=FIELDS,
                      values=values, flash=str(exc), flash_kind="error")
    if ctx.matcher is not None:  # matched after the answer, never in the request
        ctx.matcher.wake()
    return render(request, caller, "inquiry_filed.html", status=201,
                  code=answer.body["tracking_code"])


@router.get("/track")
def track_form(request: Request) -> Response:
    return render(request, page_caller(request), "track.html")


@router.post("/track")
async def track(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = page_caller(request)
    form = await read_form(request, caller)
    _ = translator(language(request))
    if ctx.limiter.check("tracking", client_address(request, ctx)) is not None:
        return render(request, caller, "track.html", status=429, flash_kind="error",
                      flash=_("Too many attempts; wait a minute and try again."))
    code = text(form, "tracking_code", 64)
    if ctx.limiter.check("tracking-code", code_key(code)) is not None:
        return render(request, caller, "track.html", status=429, flash_kind="error",
                      flash=_("Too many attempts; wait a minute and try again."))
    inquiry_id = inquiry_for_tracking_code(ctx.app, code)
    if inquiry_id is None:
        record_failed_tracking(request, ctx)
        return render(request, caller, "track.html", status=404, flash_kind="error",
                      flash=_("No inquiry has this tracking code."))
    secret, _session = start_session(ctx.app, inquiry_id=inquiry_id)
    response = redirect("/family")
    set_session_cookie(response, ctx, secret)
    return response


@router.get("/family")
def family_status(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    """Status, its date and next steps, once an officer has verified the inquirer; until
    then the same receipt whether or not anyone matches."""
    caller = page_caller(request)
    who = caller.principal
    if who.role != "family" or who.inquiry_id is None:
        return redirect("/track")
    view = inquiries.view_inquiry(ctx.app, family(who.inquiry_id), inquiry_id=who.inquiry_id,
                                  log=ctx.access_log, route=route_name(request))
    answer = inquiries.family_answer(ctx.app, who.inquiry_id)
    if answer.person_id is not None and ctx.limiter.check(
            "family-person", answer.person_id) is not None:
        _ = translator(language(request))
        return render(request, caller, "track.html", status=429, flash_kind="error",
                      flash=_("Too many attempts; wait a minute and try again."))
    return render(request, caller, "family.html", inquiry=view, answer=answer,
                  label=person_status.LABELS.get(answer.status or "", answer.status or ""),
                  proof=answer.status in PROVEN)


# A proof exists only for a person handed over in a closed stage.
PROVEN = ("handed_over", "repatriated")


@router.get("/family/proof")
def family_proof(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    """The proof that the family's relative was handed over in a stage, as a file to keep
    or give on (only once the inquirer is verified)."""
    caller = page_caller(request)
    who = caller.principal
    if who.role != "family" or who.inquiry_id is None:
        return redirect("/track")
    answer = inquiries.family_answer(ctx.app, who.inquiry_id)
    if answer.person_id is None or answer.status not in PROVEN:
        return redirect("/family")
    ctx.projections.person_status(ctx.app, who, answer.person_id)
    found = proofs.family_proof(ctx.app, answer.person_id)
    ctx.access_log.record(who, kind="person", ids=[answer.person_id],
                          route=route_name(request), detail="inclusion proof")
    return Response(proofs.proof_file_text(found),
                    media_type="application/json", headers={
                        "Content-Disposition": 'attachment; filename="parley-proof.json"',
                        "Cache-Control": "no-store"})


def code_key(code: str) -> str:
    """A tracking code as the per-code limit keys it (hashed: the limiter keeps no code)."""
    normal = normalise_tracking_code(code) or code.strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()
