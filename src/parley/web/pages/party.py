"""A party's coordination office: its own lists, and its stages once they exist."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from parley.api.deps import ServiceContext, context
from parley.services.people import access
from parley.web.render import page_caller, redirect, render
from parley.web.sections import dashboard_sections

router = APIRouter(include_in_schema=False)


@router.get("/party")
def dashboard(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = page_caller(request)
    if caller.principal.role != "party":
        return redirect("/login?next=/party")
    who = caller.principal
    total, lists = access.list_lists(ctx.app, who, limit=50)
    return render(request, caller, "party_dashboard.html", lists=lists, total=total,
                  sections=dashboard_sections(ctx, who),
                  flash=request.query_params.get("flash"))
