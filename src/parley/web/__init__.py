"""Server-rendered pages (Jinja2, plain forms, English and Ukrainian) for every role.

:func:`install` adds the page routers, the static files and the HTML error page to the
FastAPI app that :func:`parley.api.create_app` builds.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from parley.web.i18n import translator
from parley.web.render import language, page_caller, render

STATIC = Path(__file__).resolve().parent / "static"
PAGES = ("auth", "family", "intermediary", "party", "public", "exchange", "agreements",
         "casework")

TITLES = {400: "Something is wrong with the request", 401: "Sign in",
          403: "The form has expired; please send it again.",
          404: "Not found", 413: "Something is wrong with the request",
          422: "Something is wrong with the request",
          429: "Too many attempts; wait a minute and try again."}


def html_error(request: Request, status: int, message: str) -> Response:
    _ = translator(language(request))
    title = _(TITLES.get(status, "Something is wrong with the request"))
    if status == 404:
        message = _("This page does not exist, or you may not see it.")
    return render(request, page_caller(request), "error.html", status=status,
                  title=title, message=message)


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for name in PAGES:
        app.include_router(importlib.import_module(f"parley.web.pages.{name}").router)
    app.state.html_error = html_error


__all__ = ["install"]
