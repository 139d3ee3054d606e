"""`/api/v1/publications`: publish the bundle and report (the intermediary), and read the
latest publication's manifest (anyone)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from parley.api.deps import ServiceContext, context, principal, rate_limited, write
from parley.api.routers.agreements import actor_of
from parley.api.schemas import idempotency_key_header
from parley.errors import ConfigError, NotFound
from parley.services.people import access
from parley.services.people.access import Principal
from parley.services.publication import publish

router = APIRouter(prefix="/api/v1/publications", tags=["publication"])

MANIFEST = "manifest.json"


class Published(BaseModel):
    name: str
    public_events: int
    stages: int
    withheld_figures: int
    held_stages: list[str]
    tree_size: int


class Manifest(BaseModel):
    name: str
    manifest: dict[str, Any]


def publication_dir(ctx: ServiceContext) -> Path:
    if ctx.publish_dir is None:
        raise ConfigError("no publication directory is configured")
    return ctx.publish_dir


def latest(ctx: ServiceContext) -> Path | None:
    """The newest complete bundle (one with a manifest) under the publication directory."""
    root = ctx.publish_dir
    if root is None or not root.is_dir():
        return None
    done = sorted(p for p in root.iterdir() if p.is_dir() and (p / MANIFEST).exists())
    return done[-1] if done else None


def publish_now(ctx: ServiceContext, actor: str) -> tuple[str, publish.PublishResult]:
    name = ctx.app.clock().strftime("%Y%m%dT%H%M%S%fZ")
    out = publication_dir(ctx) / name
    out.parent.mkdir(parents=True, exist_ok=True)
    return name, publish.publish_bundle(ctx.app, out, actor=actor)


@router.post("", response_model=Published, status_code=201,
             summary="Sign a checkpoint and publish the bundle and report (the intermediary)")
def publish_bundle(request: Request, idempotency_key: str | None = idempotency_key_header(),
                   ctx: ServiceContext = Depends(context),
                   who: Principal = Depends(principal)) -> JSONResponse:
    access.require_intermediary(who, "publications")
    actor = actor_of(who, "publications")
    return write(request, ctx, who, idempotency_key, None, lambda: publish_now(ctx, actor),
                 lambda done: Published(name=done[0], public_events=done[1].public_events,
                                        stages=done[1].stages,
                                        withheld_figures=done[1].withheld_figures,
                                        held_stages=done[1].held_stages,
                                        tree_size=done[1].tree_size),
                 status=201)


@router.get("/latest", response_model=Manifest,
            dependencies=[Depends(rate_limited("public"))],
            summary="The latest publication's signed manifest (anyone)")
def latest_manifest(ctx: ServiceContext = Depends(context)) -> Manifest:
    found = latest(ctx)
    if found is None:
        raise NotFound("nothing is published yet")
    return Manifest(name=found.name,
                    manifest=json.loads((found / MANIFEST).read_text(encoding="utf-8")))
