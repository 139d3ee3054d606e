"""One router per resource; :func:`ROUTERS` lists what the app factory mounts."""

from __future__ import annotations

import importlib

from fastapi import APIRouter

RESOURCES = ("me", "parties", "ledger", "lists", "inquiries", "access_log", "persons",
             "agreements", "stages", "reviews", "imports", "publication", "remains",
             "quarantine", "exports", "resolutions")


def ROUTERS() -> list[APIRouter]:
    return [importlib.import_module(f"parley.api.routers.{name}").router
            for name in RESOURCES]
