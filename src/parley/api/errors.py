"""Errors as JSON naming the field, for every failure a client can cause; never a 500.

Every API error has the shape ``{"error": {"code", "message", "field", "errors"}}``.
Pages get the same conditions rendered as HTML by the web package's handlers.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parley.errors import (
    ConfigError,
    Conflict,
    InputError,
    IntegrityFailure,
    NotFound,
    ParleyError,
    Replayed,
    SignatureRefused,
)
from parley.runtime.idempotency import IdempotencyMismatch

log = logging.getLogger(__name__)


class FieldError(BaseModel):
    field: str
    message: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None
    errors: list[FieldError] = []


class ErrorBody(BaseModel):
    """Every error the API answers."""

    error: ErrorDetail


def _described(text: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": text}


# Declared for every route, so the OpenAPI schema documents every answer it can give.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _described("Bad request (a header or parameter is malformed)"),
    401: _described("Not signed in, or the token or session is not valid"),
    403: _described("Refused (a form without its CSRF token)"),
    404: _described("Does not exist, or the caller may not see it"),
    405: _described("Method not allowed on this path"),
    409: _described("Conflicts with the current state"),
    413: _described("Body too large"),
    415: _described("Unsupported content type"),
    422: _described("Invalid input; `field` names what is wrong; a refused signed "
                     "statement names its reason as `code` (unknown_key, key_revoked, "
                     "bad_signature, other_bytes, bad_statement)"),
    428: _described("A party's write that must be signed on the party's own machine: "
                     "`sign` lists the statements (docs/protocol.md)"),
    429: _described("Too many requests; retry after the time in Retry-After"),
    503: _described("The database is busy or unavailable; retry"),
}


class ApiError(Exception):
    """An error raised by the HTTP layer itself (authentication, headers, limits)."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers or {}


def error_response(status: int, code: str, message: str, field: str | None = None,
                   errors: list[FieldError] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(code=code, message=message, field=field,
                                       errors=errors or []))
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc) or "body"


def _parley_status(exc: ParleyError) -> tuple[int, str]:
    if isinstance(exc, IdempotencyMismatch):
        return 409, "idempotency_key_reused"
    if isinstance(exc, SignatureRefused):
        return (428 if exc.reason == "signature_required" else 422), exc.reason
    if isinstance(exc, Replayed):
        return 409, "replayed"
    if isinstance(exc, NotFound):
        return 404, "not_found"
    if isinstance(exc, Conflict):
        return 409, "conflict"
    if isinstance(exc, InputError):
        return 422, "invalid"
    if isinstance(exc, IntegrityFailure):
        return 409, "integrity_failure"
    if isinstance(exc, ConfigError):
        return 503, "unavailable"
    return 400, "refused"


def field_of(exc: ParleyError) -> str | None:
    return getattr(exc, "field", None)


def validation_errors(exc: RequestValidationError) -> list[FieldError]:
    out = []
    for err in exc.errors():
        loc = list(err.get("loc", ()))
        message = str(err.get("msg", "invalid"))
        if err.get("type") == "json_invalid":
            loc = ["body"]
            ctx = err.get("ctx") or {}
            message = f"the body is not valid JSON: {ctx.get('error', message)}"
        elif err.get("type") == "extra_forbidden":
            message = "unknown field"
        elif err.get("type") == "missing":
            message = "required"
        out.append(FieldError(field=_loc(loc), message=message))
    return out


def _answer(request: Request, status: int, code: str, message: str,
            field: str | None = None, errors: list[FieldError] | None = None,
            headers: dict[str, str] | None = None) -> Response:
    """JSON for the API; for pages, the HTML error page the web package installs."""
    html = getattr(request.app.state, "html_error", None)
    if html is not None and not request.url.path.startswith("/api/"):
        response: Response = html(request, status, message)
        for name, value in (headers or {}).items():
            response.headers[name] = value
        return response
    return error_response(status, code, message, field, errors, headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method any route serves at this exact path (Starlette names only the first)."""
    table = getattr(request.app.state, "method_table", None)
    if table is None:
        table = []
        for template, operations in request.app.openapi().get("paths", {}).items():
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            table.append((re.compile(pattern + "$"), [m.upper() for m in operations]))
        request.app.state.method_table = table
    methods: list[str] = []
    for pattern, verbs in table:
        if pattern.match(request.url.path):
            methods += [v for v in verbs if v not in methods]
    return sorted(methods)


def install(app: FastAPI) -> None:
    """Register the error handlers on ``app``."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = validation_errors(exc)
        first = errors[0] if errors else FieldError(field="body", message="invalid")
        return _answer(request, 422, "invalid", f"{first.field}: {first.message}",
                       field=first.field, errors=errors)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return _answer(request, exc.status, exc.code, exc.message, exc.field,
                       headers=exc.headers)

    @app.exception_handler(ParleyError)
    async def _parley(request: Request, exc: ParleyError) -> Response:
        status, code = _parley_status(exc)
        return _answer(request, status, code, exc.message, field_of(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
            exc.status_code, "refused")
        message = str(exc.detail) if exc.detail else code
        headers = dict(exc.headers) if exc.headers else None
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
        field = "body" if exc.status_code in (400, 413) else None
        return _answer(request, exc.status_code, code, message, field=field, headers=headers)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        log.warning("integrity error answered as 409: %s", exc.orig)
        return _answer(request, 409, "conflict", "the request conflicts with a concurrent "
                       "change; read the current state and retry")

    @app.exception_handler(OperationalError)
    async def _busy(request: Request, exc: OperationalError) -> Response:
        log.warning("database unavailable: %s", exc.orig)
        return _answer(request, 503, "unavailable", "the database is busy or unavailable; "
                       "retry", headers={"Retry-After": "1"})

    @app.exception_handler(DBAPIError)
    async def _db(request: Request, exc: DBAPIError) -> Response:
        log.warning("database error: %s", exc.orig)
        return _answer(request, 503, "unavailable", "the database refused the request; "
                       "retry", headers={"Retry-After": "1"})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal", "internal error; it was logged")


class BodyLimit:
    """Refuses request bodies over a size (by Content-Length, or as they stream in)."""

    def __init__(self, app: ASGIApp, *, default: int, larger: dict[str, int]) -> None:
        self.app = app
        self.default = default
        self.larger = larger

    def limit_for(self, path: str) -> int:
        for prefix, size in self.larger.items():
            if path.startswith(prefix):
                return size
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        length = None
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = -1
        if length is not None and (length < 0 or length > limit):
            message = ("header Content-Length is not a number" if length < 0 else
                       f"the body is {length} bytes; at most {limit} are accepted here")
            response = error_response(400 if length < 0 else 413,
                                      "bad_request" if length < 0 else "too_large",
                                      message, field="header.Content-Length")
            await _drain_and_send(response, scope, receive, send)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge as exc:
            if started:
                raise
            response = error_response(413, "too_large",
                                      f"the body is over {exc.limit} bytes", field="body")
            await response(scope, receive, send)


class _TooLarge(StarletteHTTPException):
    """Raised while the body streams in; FastAPI passes HTTP exceptions through."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the body is over {limit} bytes")
        self.limit = limit


async def _drain_and_send(response: Response, scope: Scope, receive: Receive,
                          send: Send) -> None:
    await response(scope, receive, send)
