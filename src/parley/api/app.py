"""The application factory: one FastAPI app serving the API and the pages.

:func:`create_app` is called by ``parley serve`` (through :func:`create_from_env` in each
worker process) and by the tests; nothing happens at import time.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from fastapi import FastAPI

from parley.api import errors
from parley.api.deps import ServiceContext
from parley.api.ratelimit import RateLimiter, Rule
from parley.api.routers import ROUTERS
from parley.bootstrap import App, bootstrap
from parley.runtime.group_commit import GroupCommit
from parley.runtime.inquiry_matcher import InquiryMatcher
from parley.runtime.transactions import ServerTransactions
from parley.services.people.access import AccessLog
from parley.services.registry.inquiries import match_queued
from parley.settings import Settings

MAX_BODY = 1 * 1024 * 1024
MAX_UPLOAD = 64 * 1024 * 1024
UPLOAD_PREFIXES = ("/api/v1/imports", "/int/imports")
RATE_LIMIT_FILE = "ratelimits.bin"


def create_app(parley: App | None = None, *, settings: Settings | None = None,
               migrate: bool = True, secure_cookies: bool = True,
               rate_limits: dict[str, Rule] | None = None, web: bool = True,
               publish_dir: Path | None = None, shared_limits: bool = True,
               strict_transactions: bool = True) -> FastAPI:
    """The ASGI app over ``parley`` (or one bootstrapped from ``settings`` and owned).

    With ``shared_limits`` the rate limits live in a file of the data directory that
    every worker process of the host shares (see :mod:`parley.api.ratelimit`). With
    ``strict_transactions`` a service that opens a second unit of work inside a once-only
    request fails (see :mod:`parley.runtime.idempotency`).
    """
    owned = parley is None
    base = parley if parley is not None else bootstrap(settings, migrate=migrate)
    # The server's composition: its units of work join the group commit and once-only
    # requests (ServerTransactions), injected into the App every service receives.
    transactions = ServerTransactions(base.engine, base.keyring, strict=strict_transactions)
    served = replace(base, transactions=transactions)
    limits_file = base.settings.key_dir.parent / RATE_LIMIT_FILE if shared_limits else None
    # The process's one writer thread: access-log entries and the short writes that opt in.
    group = GroupCommit(served.engine, transactions.writer_lock)
    ctx = ServiceContext(app=served, access_log=AccessLog(served, group),
                         limiter=RateLimiter(rate_limits, path=limits_file),
                         secure_cookies=secure_cookies,
                         publish_dir=publish_dir or base.settings.key_dir.parent / "published",
                         group_commit=group,
                         matcher=InquiryMatcher(lambda: match_queued(served)))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if ctx.matcher is not None:
            ctx.matcher.start()
        try:
            yield
        finally:
            if ctx.matcher is not None:
                ctx.matcher.stop()
            group.stop()
            ctx.limiter.close()
            if owned:
                base.close()

    api = FastAPI(
        title="Parley",
        version="1",
        summary="Prisoner-of-war exchanges through a neutral intermediary",
        description="Every object is checked against the caller: one the caller may not "
                    "see answers 404 exactly like one that does not exist. Writes accept "
                    "an `Idempotency-Key` header.",
        lifespan=lifespan,
        responses=errors.ERROR_RESPONSES,
        docs_url="/api/docs",
        redoc_url=None,
    )
    api.state.parley = ctx
    errors.install(api)
    for router in ROUTERS():
        api.include_router(router)
    if web:
        from parley.web import install as install_web

        install_web(api)
    larger = dict.fromkeys(UPLOAD_PREFIXES, MAX_UPLOAD)
    api.add_middleware(errors.BodyLimit, default=MAX_BODY, larger=larger)
    return api


def create_from_env() -> FastAPI:
    """For uvicorn's ``--factory`` in each worker: settings from the environment.

    The parent process (``parley serve``) has migrated the database already. Lenient
    about a second unit of work in a once-only request: a weaker guarantee and a warning
    in the log rather than a failed request (the tests run strict).
    """
    insecure = os.environ.get("PARLEY_INSECURE_COOKIES") == "1"
    return create_app(migrate=False, secure_cookies=not insecure, strict_transactions=False)
