"""Shapes shared by several routers. Input models refuse unknown fields."""

from __future__ import annotations

from typing import Any

from fastapi import Header
from pydantic import BaseModel, ConfigDict


class Input(BaseModel):
    """Base of every request body: unknown fields are an error, not ignored."""

    model_config = ConfigDict(extra="forbid")


class Page(BaseModel):
    total: int
    limit: int
    offset: int


def idempotency_key_header() -> Any:
    """The ``Idempotency-Key`` header parameter of every write."""
    return Header(None, alias="Idempotency-Key", pattern=r"^[\x21-\x7e]{1,200}$",
                  description="Any string of 1-200 visible ASCII characters, unique per "
                              "request: a retry with the same key and body acts once and "
                              "answers as the first time; with another body it is refused.")
