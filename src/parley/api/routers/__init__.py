"""One router per resource; :func:`ROUTERS` lists what the app factory mounts.

Routers of other areas' resources are included when their services exist, so the API
grows as the services land.
"""

from __future__ import annotations

import importlib

from fastapi import APIRouter

BASE = ("me", "parties", "ledger", "lists", "inquiries", "access_log")
# Resource routers whose services other areas build; mounted once importable.
OPTIONAL: tuple[str, ...] = ()


def ROUTERS() -> list[APIRouter]:
    found = []
    for name in BASE + OPTIONAL:
        try:
            module = importlib.import_module(f"parley.api.routers.{name}")
        except ImportError as exc:
            if name in BASE:
                raise
            if not str(exc.name or "").startswith("parley.services"):
                raise
            continue
        found.append(module.router)
    return found
