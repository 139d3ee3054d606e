"""Rendering pages: the template environment, the page context, who is signed in.

Pages are server-rendered Jinja2 with plain HTML forms. Every form carries a CSRF token:
bound to the session for signed-in callers, a double-submit cookie for anonymous forms
(sign-in, a family's inquiry, a tracking code).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from parley.api.deps import SESSION_COOKIE, ServiceContext, service_context, user_principal
from parley.services.people.access import PUBLIC, Principal, family
from parley.services.people.users import SessionExpired, check_csrf, csrf_token, session_for_cookie
from parley.web.i18n import LANGUAGES, choose, translator

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANG_COOKIE = "parley_lang"
FORM_COOKIE = "parley_form"

_templates: Jinja2Templates | None = None


def templates() -> Jinja2Templates:
    global _templates
    if _templates is None:
        _templates = Jinja2Templates(directory=str(TEMPLATES))
        _templates.env.autoescape = True
    return _templates


@dataclass(frozen=True)
class PageCaller:
    """Who is looking at the page, with the session cookie when there is one."""

    principal: Principal
    session_secret: str | None = None
    expired: bool = False


def page_caller(request: Request) -> PageCaller:
    ctx = service_context(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return PageCaller(PUBLIC)
    try:
        session = session_for_cookie(ctx.app, cookie)
    except SessionExpired:
        return PageCaller(PUBLIC, expired=True)
    if session is None:
        return PageCaller(PUBLIC, expired=True)
    if session.user is not None:
        return PageCaller(user_principal(session.user), cookie)
    assert session.inquiry_id is not None
    return PageCaller(family(session.inquiry_id), cookie)


def language(request: Request) -> str:
    return choose(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                  request.headers.get("accept-language"))


def form_token(request: Request, caller: PageCaller) -> tuple[str, str | None]:
    """The CSRF token for forms on this page, and a new double-submit cookie if needed."""
    ctx = service_context(request)
    if caller.session_secret:
        return csrf_token(ctx.app, caller.session_secret), None
    existing = request.cookies.get(FORM_COOKIE)
    if existing and 20 <= len(existing) <= 100:
        return existing, None
    fresh = secrets.token_urlsafe(24)
    return fresh, fresh


def csrf_ok(request: Request, caller: PageCaller, presented: str) -> bool:
    ctx = service_context(request)
    if caller.session_secret:
        return check_csrf(ctx.app, caller.session_secret, presented)
    cookie = request.cookies.get(FORM_COOKIE, "")
    return bool(cookie) and secrets.compare_digest(cookie, presented)


def render(request: Request, caller: PageCaller, name: str, status: int = 200,
           **values: Any) -> HTMLResponse:
    lang = language(request)
    token, new_cookie = form_token(request, caller)
    ctx: ServiceContext = service_context(request)
    page = templates().TemplateResponse(request, name, {
        "_": translator(lang), "lang": lang, "languages": LANGUAGES, "who": caller.principal,
        "csrf": token, "path": request.url.path, "new_key": secrets.token_urlsafe(16),
        **values,
    }, status_code=status)
    secure = ctx.secure_cookies
    if new_cookie:
        page.set_cookie(FORM_COOKIE, new_cookie, httponly=True, secure=secure,
                        samesite="strict", path="/")
    if request.query_params.get("lang") in LANGUAGES:
        page.set_cookie(LANG_COOKIE, lang, secure=secure, samesite="lax", path="/",
                        max_age=365 * 24 * 3600)
    page.headers["Cache-Control"] = "no-store"
    return page


def redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def home_for(principal: Principal) -> str:
    return {"intermediary": "/int", "party": "/party", "family": "/family"}.get(
        principal.role, "/")
