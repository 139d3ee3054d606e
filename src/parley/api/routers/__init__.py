"""One router per resource; :func:`ROUTERS` lists what the app factory mounts.

Routers of other areas' resources are included when their services exist, so the API
grows as the services land.
"""

from __future__ import annotations

import importlib
import logging

from fastapi import APIRouter

log = logging.getLogger(__name__)

BASE = ("me", "parties", "ledger", "lists", "inquiries", "access_log")
# Resource routers whose services other areas build; mounted once importable.
OPTIONAL: tuple[str, ...] = ("persons", "agreements", "stages", "reviews", "imports",
                             "publication", "remains")


def ROUTERS() -> list[APIRouter]:
    found = []
    for name in BASE + OPTIONAL:
        try:
            module = importlib.import_module(f"parley.api.routers.{name}")
        except ImportError as exc:
            # Another area's services may be missing or half-built: serve without them.
            if name in BASE or str(exc.name or "").startswith("parley.api"):
                raise
            log.warning("API routes for %s are not served: %s", name, exc)
            continue
        found.append(module.router)
    return found
