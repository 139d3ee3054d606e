"""Pages over the other areas' services: the review queue, agreements and stages with
every person's state, handover confirmations, discrepancies, persons with their sources,
quarantine, list uploads and publication. Mounted once those services import."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path as FilePath
from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from parley.api.deps import ServiceContext, context, route_name
from parley.api.routers.exchange_models import UUID
from parley.api.routers.publication import publish_now
from parley.domain.vocabulary import ListKind
from parley.errors import NotFound, ParleyError
from parley.services.exchange import agreements, handover, stages
from parley.services.intake import imports, quarantine
from parley.services.people import access
from parley.services.people.access import Principal
from parley.services.registry import identity, persons
from parley.web.forms import act_once, read_form, text
from parley.web.render import PageCaller, page_caller, redirect, render
from parley.web.sections import Section, provides

router = APIRouter(include_in_schema=False)


def signed_in(request: Request, *roles: str) -> PageCaller | None:
    caller = page_caller(request)
    return caller if caller.principal.role in roles else None


def to_login(request: Request) -> Response:
    return redirect(f"/login?next={request.url.path}")


def _done(message: str, back: str) -> Response:
    from urllib.parse import quote

    return redirect(f"{back}?flash={quote(message[:300])}")


# --- dashboard sections ---------------------------------------------------------------


@provides
def exchange_section(ctx: ServiceContext, who: Principal) -> Section | None:
    if who.role not in ("intermediary", "party"):
        return None
    visible = access.visible_agreement_ids(ctx.app, who)
    found = [a for a in agreements.list_agreements(ctx.app)
             if visible is None or a.id in visible]
    rows = [{"agreement": a, "stages": stages.list_stages(ctx.app, a.id)} for a in found]
    open_items: list[handover.Discrepancy] = []
    for a in found:
        open_items += handover.list_discrepancies(ctx.app, agreement_id=a.id, open_only=True)
    return Section(title="Agreements", template="sections/exchange.html",
                   values={"agreements": rows, "discrepancies": open_items})


@provides
def work_section(ctx: ServiceContext, who: Principal) -> Section | None:
    if who.role not in ("intermediary", "party"):
        return None
    queued = len(identity.review_queue(ctx.app, limit=500)) if who.is_intermediary else 0
    return Section(title="Work", template="sections/work.html",
                   values={"queued": queued, "kinds": ListKind.values()})


# --- the review queue -----------------------------------------------------------------


def evidence_sides(evidence: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"for": [], "against": [], "neutral": []}
    for item in evidence:
        out.setdefault(str(item.get("direction", "neutral")), []).append(item)
    return out


@router.get("/int/review")
def review_queue(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = signed_in(request, "intermediary")
    if caller is None:
        return to_login(request)
    items = identity.review_queue(ctx.app, limit=50)
    ctx.access_log.record(caller.principal, kind="record",
                          ids=[r.id for i in items for r in i.records],
                          route=route_name(request), detail="review queue")
    return render(request, caller, "review.html", flash=request.query_params.get("flash"),
                  items=[(i, evidence_sides(i.evidence)) for i in items])


@router.post("/int/review/{review_id}")
async def decide(request: Request, review_id: str = Path(max_length=36),
                 ctx: ServiceContext = Depends(context)) -> Response:
    caller = signed_in(request, "intermediary")
    if caller is None:
        return to_login(request)
    form = await read_form(request, caller)
    decision = text(form, "decision", 16)
    actor = caller.principal.actor or ""
    try:
        identity.decide(ctx.app, decision=decision, actor=actor, review_id=review_id)
    except ParleyError as exc:
        return _done(str(exc), "/int/review")
    return _done(f"{decision}: recorded", "/int/review")


# --- stages and handover --------------------------------------------------------------


@router.get("/stages/{stage_id}")
def stage_page(request: Request, stage_id: str = Path(max_length=36),
               ctx: ServiceContext = Depends(context)) -> Response:
    caller = signed_in(request, "intermediary", "party")
    if caller is None:
        return to_login(request)
    who = caller.principal
    agreement_id = access.check_stage(ctx.app, who, stage_id)
    found = stages.get_stage(ctx.app, stage_id)
    people = stages.stage_list(ctx.app, stage_id)
    ids = [p["person_id"] for p in people]
    viewer = access.status_viewer(ctx.app, who)
    states = persons.statuses(ctx.app, ids, viewer=viewer) if ids else {}
    ctx.access_log.record(who, kind="person", ids=ids, route=route_name(request),
                          detail=f"stage {found.number} list")
    return render(request, caller, "stage.html", stage=found,
                  agreement=agreements.get_agreement(ctx.app, agreement_id),
                  people=people, states=states,
                  left_out=stages.left_out(ctx.app, stage_id, confidential=who.is_intermediary),
                  discrepancies=handover.list_discrepancies(ctx.app, stage_id=stage_id),
                  resolutions=handover.RESOLUTIONS,
                  flash=request.query_params.get("flash"))


@router.post("/stages/{stage_id}/handover")
async def confirm(request: Request, stage_id: str = Path(max_length=36),
                  ctx: ServiceContext = Depends(context)) -> Response:
    caller = signed_in(request, "intermediary", "party")
    if caller is None:
        return to_login(request)
    form = await read_form(request, caller)
    who = caller.principal
    access.check_stage(ctx.app, who, stage_id)
    chosen = [str(v) for v in form.getlist("person_id") if isinstance(v, str)][:5000]
    back = f"/stages/{stage_id}"
    if not chosen:
        return _done("choose at least one person", back)
    odd = next((p for p in chosen if not re.fullmatch(UUID, p)), None)
    if odd is not None:  # an id no person has (a NUL byte would trouble PostgreSQL)
        return _done(f"{odd[:40]!r} is not a person id", back)
    try:
        message = act_once(
            ctx, caller, form, "handover", stage_id, *chosen,
            operation=lambda: handover.confirm_handover(ctx.app, stage_id=stage_id,
                                                        person_ids=chosen,
                                                        actor=who.actor or ""),
            say=lambda n: f"{n} confirmations recorded")
    except ParleyError as exc:
        message = str(exc)
    return _done(message, back)


# --- persons --------------------------------------------------------------------------


@router.get("/persons/{person_id}")
def person_page(request: Request, person_id: str = Path(max_length=36),
                ctx: ServiceContext = Depends(context)) -> Response:
    caller = signed_in(request, "intermediary", "party")
    if caller is None:
        return to_login(request)
    who = caller.principal
    access.check_person(ctx.app, who, person_id)
    route = route_name(request)
    found = persons.person_status(ctx.app, person_id, viewer=access.status_viewer(ctx.app, who))
    records = access.person_records(ctx.app, who, person_id, log=ctx.access_log, route=route)
    return render(request, caller, "person.html", person=found, records=records)


@router.get("/int/persons/{person_id}")
def person_page_int(person_id: str = Path(max_length=36)) -> Response:
    return redirect(f"/persons/{person_id}")


# --- lists: upload, quarantine ---------------------------------------------------------


@router.post("/imports")
async def upload(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = signed_in(request, "intermediary", "party")
    if caller is None:
        return to_login(request)
    form = await read_form(request, caller)
    who = caller.principal
    back = "/int" if who.is_intermediary else "/party"
    upload_file = form.get("file")
    kind = text(form, "kind", 32)
    if not isinstance(upload_file, UploadFile) or not upload_file.filename:
        return _done("choose a file to upload", back)
    content = await upload_file.read()
    name = "".join(ch if ch.isalnum() or ch in "._-" else "_"
                   for ch in FilePath(upload_file.filename).name)[:120] or "upload.csv"
    party = who.party if who.role == "party" else (text(form, "party", 16) or None)
    try:
        with tempfile.TemporaryDirectory(prefix="parley-upload-") as tmp:
            path = FilePath(tmp) / name
            path.write_bytes(content)
            summary = imports.import_list(ctx.app, path=path, kind=kind,
                                          actor=who.actor, party=party,
                                          source=text(form, "source", 200) or None)
    except ParleyError as exc:
        return _done(str(exc), back)
    return _done(f"{summary.source}: {summary.accepted} accepted, {summary.quarantined} "
                 "quarantined", back)


@router.get("/int/quarantine/{list_id}")
def quarantine_page(request: Request, list_id: str = Path(max_length=36),
                    ctx: ServiceContext = Depends(context)) -> Response:
    caller = signed_in(request, "intermediary", "party")
    if caller is None:
        return to_login(request)
    meta = access.get_list(ctx.app, caller.principal, list_id)
    rows = quarantine.list_quarantined(ctx.app, list_id=list_id, status="all")
    ctx.access_log.record(caller.principal, kind="quarantined_row", ids=[r.id for r in rows],
                          route=route_name(request), detail=f"list {list_id}")
    return render(request, caller, "quarantine.html", meta=meta, rows=rows,
                  flash=request.query_params.get("flash"))


@router.post("/int/quarantine/{list_id}/fix")
async def quarantine_fix(request: Request, list_id: str = Path(max_length=36),
                         ctx: ServiceContext = Depends(context)) -> Response:
    """Correct a quarantined row's cells (``set:COLUMN`` fields) and re-check it, or
    (``action=recheck``) re-check every open row of the list."""
    caller = signed_in(request, "intermediary", "party")
    if caller is None:
        return to_login(request)
    form = await read_form(request, caller)
    who = caller.principal
    meta = access.get_list(ctx.app, who, list_id)  # 404 for a list the caller may not see
    back = f"/int/quarantine/{meta.id}"
    row_id = text(form, "quarantine_id", 36)
    changes = {str(k)[4:]: text(form, str(k), 2000) for k in form if str(k).startswith("set:")}

    def act() -> quarantine.ReleaseResult:
        if text(form, "action", 16) == "recheck":
            return quarantine.reimport_quarantined(ctx.app, list_id=meta.id, actor=who.actor)
        if quarantine.show_quarantined(ctx.app, row_id).list_id != meta.id:
            raise NotFound(f"no quarantined row {row_id} in this list")
        return quarantine.fix_quarantined(ctx.app, quarantine_id=row_id, changes=changes,
                                          actor=who.actor)

    def say(result: quarantine.ReleaseResult) -> str:
        still = [e.row_number for e in result.still]
        return (f"released rows {', '.join(map(str, result.released)) or 'none'}; still "
                f"quarantined: {', '.join(map(str, still)) or 'none'}")

    try:
        message = act_once(ctx, caller, form, "quarantine", meta.id, row_id,
                           text(form, "action", 16),
                           *(f"{k}={v}" for k, v in sorted(changes.items())),
                           operation=act, say=say)
    except ParleyError as exc:
        message = str(exc)
    return _done(message, back)


# --- publication ----------------------------------------------------------------------


@router.post("/int/publish")
async def publish(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = signed_in(request, "intermediary")
    if caller is None:
        return to_login(request)
    await read_form(request, caller)
    try:
        name, result = publish_now(ctx, caller.principal.actor or "")
    except ParleyError as exc:
        return _done(str(exc), "/int")
    return _done(f"published {name}: {result.stages} stages, "
                 f"{result.withheld_figures} figures withheld", "/int")
