"""The intermediary's pages: the dashboard, lists and their records, inquiries, the access
log, and publication. Other areas' pages (review queue, agreements, stages) live in their
own modules and appear once their services exist."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from parley.api.deps import ServiceContext, context, route_name
from parley.services.people import access
from parley.services.registry import inquiries
from parley.web.render import PageCaller, page_caller, redirect, render
from parley.web.sections import dashboard_sections

router = APIRouter(include_in_schema=False)


def officer(request: Request) -> PageCaller | None:
    caller = page_caller(request)
    return caller if caller.principal.is_intermediary else None


def login_redirect(request: Request) -> Response:
    return redirect(f"/login?next={request.url.path}")


@router.get("/int")
def dashboard(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = officer(request)
    if caller is None:
        return login_redirect(request)
    who = caller.principal
    total, lists = access.list_lists(ctx.app, who, limit=50)
    received = inquiries.list_inquiries(ctx.app, who, limit=20)
    head = access.ledger_head(ctx.app, who)
    return render(request, caller, "int_dashboard.html", lists=lists, total=total,
                  inquiries=received, head=head,
                  sections=dashboard_sections(ctx, who),
                  flash=request.query_params.get("flash"))


@router.get("/int/lists/{list_id}")
def list_page(request: Request, list_id: str = Path(max_length=36),
              ctx: ServiceContext = Depends(context)) -> Response:
    caller = page_caller(request)
    if caller.principal.role not in ("intermediary", "party"):
        return login_redirect(request)
    who = caller.principal
    meta = access.get_list(ctx.app, who, list_id)
    total, records = access.list_records(ctx.app, who, list_id, log=ctx.access_log,
                                         route=route_name(request), limit=500)
    return render(request, caller, "list.html", meta=meta, total=total, records=records)


@router.get("/int/access-log")
def access_log(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = officer(request)
    if caller is None:
        return login_redirect(request)
    entries = access.read_access_log(ctx.app, caller.principal, limit=200)
    return render(request, caller, "access_log.html", entries=entries)
