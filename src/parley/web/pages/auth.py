"""The start page, signing in and out, and the language switch."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from parley.api.deps import (
    SESSION_COOKIE,
    ServiceContext,
    client_address,
    context,
    user_principal,
)
from parley.services.people.users import check_password, end_session, start_session
from parley.web.forms import read_form, text
from parley.web.i18n import translator
from parley.web.render import home_for, language, page_caller, redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request) -> Response:
    caller = page_caller(request)
    if caller.principal.role != "public":
        return redirect(home_for(caller.principal))
    return render(request, caller, "home.html")


@router.get("/login")
def login_form(request: Request) -> Response:
    caller = page_caller(request)
    _ = translator(language(request))
    flash = _("Your session has expired; sign in again.") if caller.expired else None
    return render(request, caller, "login.html", next=request.query_params.get("next", ""),
                  flash=flash, flash_kind="error")


def _safe_next(value: str) -> str | None:
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


@router.post("/login")
async def login(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = page_caller(request)
    form = await read_form(request, caller)
    _ = translator(language(request))
    username, password = text(form, "username", 64), text(form, "password", 200)
    if ctx.limiter.check("login", client_address(request, ctx)) is not None:
        return render(request, caller, "login.html", status=429, username=username,
                      flash=_("Too many attempts; wait a minute and try again."),
                      flash_kind="error")
    user = check_password(ctx.app, username=username, password=password)
    if user is None:
        return render(request, caller, "login.html", status=401, username=username,
                      flash=_("The username or password is wrong."), flash_kind="error")
    secret, _session = start_session(ctx.app, user=user)
    target = _safe_next(text(form, "next", 500)) or home_for(user_principal(user))
    response = redirect(target)
    set_session_cookie(response, ctx, secret)
    return response


def set_session_cookie(response: Response, ctx: ServiceContext, secret: str) -> None:
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, secure=ctx.secure_cookies,
                        samesite="strict", path="/", max_age=12 * 3600)


@router.post("/logout")
async def logout(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = page_caller(request)
    await read_form(request, caller)
    if caller.session_secret:
        end_session(ctx.app, caller.session_secret)
    response = redirect("/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
