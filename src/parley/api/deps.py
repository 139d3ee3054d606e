"""What every route needs: the service context, the caller, rate limits, idempotent writes.

Routers declare ``who: Principal = Depends(principal)`` and call services with it; the
services decide object by object what the caller may see.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from parley.api.errors import ApiError
from parley.api.ratelimit import RateLimiter
from parley.bootstrap import App
from parley.errors import InputError
from parley.runtime import idempotency
from parley.runtime.group_commit import GroupCommit
from parley.runtime.inquiry_matcher import InquiryMatcher
from parley.services.people import signed
from parley.services.people.access import PUBLIC, AccessLog, Principal, ProjectionCache, family
from parley.services.people.users import (
    SessionExpired,
    User,
    check_csrf,
    session_for_cookie,
    user_for_token,
)

T = TypeVar("T")
SESSION_COOKIE = "parley_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class ServiceContext:
    """Held on ``app.state.parley``: the Parley app (with the server's transactions,
    :class:`parley.runtime.transactions.ServerTransactions`) and the per-process helpers."""

    app: App
    access_log: AccessLog
    limiter: RateLimiter = field(default_factory=RateLimiter)
    secure_cookies: bool = True
    trust_forwarded: bool = False
    # Where published bundles are written (one sub-directory each) and served from.
    publish_dir: Path | None = None
    projections: ProjectionCache = field(default_factory=ProjectionCache)
    # Short writes that opt in share transactions (None: each write commits alone).
    group_commit: GroupCommit | None = None
    # Matches queued inquiries off the request path (None: they wait for the next run).
    matcher: InquiryMatcher | None = None


async def context(request: Request) -> ServiceContext:
    """The service context (``async``: FastAPI runs a plain function dependency in the
    thread pool, a hop each request would pay for nothing)."""
    return service_context(request)


def service_context(request: Request) -> ServiceContext:
    ctx: ServiceContext = request.app.state.parley
    return ctx


def user_principal(user: User) -> Principal:
    return Principal(role=user.role, name=user.username, user_id=user.id, party=user.party,
                     actor=user.actor)


@dataclass(frozen=True)
class Caller:
    """The principal and how it authenticated (a cookie session needs CSRF on writes)."""

    principal: Principal
    session_secret: str | None = None


def authenticate(request: Request, ctx: ServiceContext) -> Caller:
    """Bearer token first, then the session cookie; neither → the public."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthenticated",
                           "header Authorization must be `Bearer <token>`",
                           field="header.Authorization",
                           headers={"WWW-Authenticate": "Bearer"})
        user = user_for_token(ctx.app, token.strip())
        if user is None:
            raise ApiError(401, "unauthenticated",
                           "the API token is not valid (unknown, revoked or expired)",
                           field="header.Authorization",
                           headers={"WWW-Authenticate": "Bearer"})
        return Caller(user_principal(user))
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        try:
            session = session_for_cookie(ctx.app, cookie)
        except SessionExpired:
            raise ApiError(401, "session_expired", "the session has expired; sign in again",
                           field=f"cookie.{SESSION_COOKIE}") from None
        if session is None:
            raise ApiError(401, "unauthenticated", "the session is not valid; sign in again",
                           field=f"cookie.{SESSION_COOKIE}")
        if session.user is not None:
            return Caller(user_principal(session.user), cookie)
        if session.inquiry_id is not None:
            return Caller(family(session.inquiry_id), cookie)
    return Caller(PUBLIC)


def caller(request: Request, ctx: ServiceContext = Depends(context)) -> Caller:
    found = authenticate(request, ctx)
    if found.session_secret and request.method not in SAFE_METHODS:
        presented = request.headers.get(CSRF_HEADER, "")
        if not check_csrf(ctx.app, found.session_secret, presented):
            raise ApiError(403, "csrf", f"header {CSRF_HEADER} is missing or wrong for this "
                           "session", field=f"header.{CSRF_HEADER}")
    return found


async def principal(found: Caller = Depends(caller)) -> Principal:
    return found.principal


def client_address(request: Request, ctx: ServiceContext) -> str:
    if ctx.trust_forwarded:
        forwarded = request.headers.get("x-forwarded-for")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "unknown"


def rate_limited(bucket: str) -> Callable[..., Coroutine[Any, Any, None]]:
    """A dependency refusing a client over ``bucket``'s rate with 429 and Retry-After.

    Signed-in officers and parties' offices are not limited; families and the public are.
    """

    async def check(request: Request, ctx: ServiceContext = Depends(context),
                    who: Principal = Depends(principal)) -> None:
        if who.role in ("intermediary", "party"):
            return
        wait = ctx.limiter.check(bucket, client_address(request, ctx))
        if wait is not None:
            raise ApiError(429, "rate_limited", "too many requests; slow down",
                           headers={"Retry-After": str(max(1, math.ceil(wait)))})

    return check


def write(request: Request, ctx: ServiceContext, who: Principal, key: str | None,
          body: BaseModel | bytes | None, operation: Callable[[], T],
          render: Callable[[T], BaseModel], status: int = 200,
          grouped: bool = False) -> JSONResponse:
    """Run a write under the caller's Idempotency-Key and answer with ``render``'s model.

    ``grouped`` writes (short ones that read and write only through their own unit of
    work) are committed together with the other writes waiting at that moment
    (:mod:`parley.runtime.group_commit`); the answer still comes after the commit."""
    if isinstance(body, BaseModel):
        payload: bytes = body.model_dump_json().encode("utf-8")
    else:
        payload = body or b""
    fp = idempotency.fingerprint(request.method, request.url.path,
                                 str(request.url.query), payload)

    def rendered(result: T) -> tuple[int, Any]:
        return status, render(result).model_dump(mode="json")

    if key is not None:
        try:
            idempotency.check_key(key)
        except InputError as exc:
            raise ApiError(422, "invalid", str(exc), field="header.Idempotency-Key") from None
    sigs = signed.signatures_for(request.headers.get(signed.HEADER))

    def signed_operation() -> T:
        with signed.signed_write(sigs):
            return operation()

    def run() -> idempotency.Answer:
        return idempotency.run(ctx.app, owner=who.idempotency_owner, key=key,
                               request_fingerprint=fp, operation=signed_operation,
                               render=rendered)

    try:
        answer = ctx.group_commit.run(run) if grouped and ctx.group_commit else run()
    except signed.PrepareDone as done:
        actors = sorted({w.statement.actor for w in done.wanted})
        return JSONResponse(status_code=428, content={
            "error": {"code": "signature_required", "field": None, "errors": [],
                      "message": f"this write must be signed by {', '.join(actors)} on its "
                                 "own machine: sign the statements and send the request "
                                 f"again with the {signed.HEADER} header"},
            "sign": signed.prepared_json(sigs.nonce, done.wanted)})
    headers = {"Idempotent-Replayed": "true"} if answer.replayed else None
    return JSONResponse(answer.body, status_code=answer.status, headers=headers)


def record_failed_tracking(request: Request, ctx: ServiceContext) -> None:
    """Log a tracking code that opened no inquiry, with the client's address (never the
    code), so the intermediary sees someone trying codes; the rate limit bounds how many
    attempts get this far."""
    who = Principal(role="public", name=f"public@{client_address(request, ctx)}"[:100])
    ctx.access_log.record(who, kind="tracking_code", ids=["no-match"],
                          route=route_name(request),
                          detail="a tracking code that opens no inquiry")


def route_name(request: Request) -> str:
    """The route template (``/api/v1/persons/{person_id}``) for the access log."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return f"{request.method} {path or request.url.path}"
