"""The public transparency page: the latest published report, its charts and its bundle."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response

from parley.api.deps import ServiceContext, context, rate_limited
from parley.errors import NotFound
from parley.web.render import page_caller, render

router = APIRouter(include_in_schema=False, dependencies=[Depends(rate_limited("public"))])

REPORT = "index.html"
MANIFEST = "manifest.json"


def latest_bundle(ctx: ServiceContext) -> Path | None:
    """The newest complete bundle under the publication directory (has a manifest)."""
    root = ctx.publish_dir
    if root is None or not root.is_dir():
        return None
    done = sorted(p for p in root.iterdir() if p.is_dir() and (p / MANIFEST).exists())
    return done[-1] if done else None


@router.get("/public")
def public(request: Request, ctx: ServiceContext = Depends(context)) -> Response:
    caller = page_caller(request)
    bundle = latest_bundle(ctx)
    manifest = None
    files: list[str] = []
    if bundle is not None:
        manifest = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))
        files = [*sorted(manifest.get("files", {})), MANIFEST]
    return render(request, caller, "public.html", bundle=bundle, manifest=manifest,
                  files=files)


@router.get("/public/bundle/{name}")
def bundle_file(name: str, ctx: ServiceContext = Depends(context)) -> Response:
    bundle = latest_bundle(ctx)
    if bundle is None:
        raise NotFound("no bundle is published yet")
    manifest = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))
    allowed = set(manifest.get("files", {})) | {MANIFEST}
    if name not in allowed:
        raise NotFound(f"{name} is not a file of the published bundle")
    media = "text/html; charset=utf-8" if name.endswith(".html") else None
    return FileResponse(bundle / name, media_type=media)
