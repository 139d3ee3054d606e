"""Reading plain HTML forms: size-bounded fields, CSRF, and the form's idempotency key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from parley.api.deps import ServiceContext
from parley.api.errors import ApiError
from parley.runtime import idempotency
from parley.web.render import PageCaller, csrf_ok

MAX_FIELD = 4000


async def read_form(request: Request, caller: PageCaller) -> FormData:
    """The submitted form, after its CSRF token was checked (403 otherwise)."""
    try:
        form = await request.form(max_files=1, max_fields=64)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the client's
        raise ApiError(400, "bad_request", f"the form cannot be read: {exc}",
                       field="body") from None
    token = form.get("csrf_token")
    if not isinstance(token, str) or not csrf_ok(request, caller, token):
        raise ApiError(403, "csrf", "The form has expired; please send it again.",
                       field="csrf_token")
    return form


def text(form: FormData, name: str, limit: int = MAX_FIELD) -> str:
    value = form.get(name)
    if value is None or isinstance(value, UploadFile):
        return ""
    if len(value) > limit:
        raise ApiError(422, "invalid", f"{name}: at most {limit} characters", field=name)
    if "\x00" in value:  # no person's data holds one; PostgreSQL refuses it in text
        raise ApiError(422, "invalid", f"{name}: a NUL character is not text", field=name)
    return value.strip()


def act_once(ctx: ServiceContext, caller: PageCaller, form: FormData, *parts: str,
             operation: Callable[[], Any], say: Callable[[Any], str]) -> str:
    """Run a form's write once per form (its idempotency key; ``parts`` say what the
    form asks for): a double submission answers as the first one did. Returns the
    message for the page."""
    who = caller.principal
    answer = idempotency.run(
        ctx.app, owner=who.idempotency_owner, key=text(form, "idempotency_key", 200) or None,
        request_fingerprint=idempotency.fingerprint(*parts),
        operation=operation, render=lambda result: (200, {"message": say(result)}))
    return str(answer.body["message"])
