"""`/api/v1/exports/…`: lists, persons and quarantined rows as CSV or XLSX.

The files are what ``parley export`` writes (formula injection neutralised). A party's
office exports its own lists and their quarantined rows; persons, which span both
parties' lists, are the intermediary's. Every export is a read of personal data and is
logged like one.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from parley.api.deps import ServiceContext, context, principal, route_name
from parley.api.errors import ApiError
from parley.errors import NotFound
from parley.services.intake import export
from parley.services.people import access
from parley.services.people.access import Principal

router = APIRouter(prefix="/api/v1/exports", tags=["exports"])

UUID = r"^[0-9a-f-]{36}$"
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FILE_RESPONSES: dict[int | str, dict[str, object]] = {200: {
    "description": "The exported table",
    "content": {"text/csv": {"schema": {"type": "string"}},
                MEDIA["xlsx"]: {"schema": {"type": "string", "format": "binary"}}}}}
FORMAT = Query("csv", pattern=r"^(csv|xlsx)$", description="csv or xlsx")
MAX_LISTS = 10_000


def _exported(request: Request, ctx: ServiceContext, who: Principal, *, name: str,
              fmt: str, logged: list[str], kind: str,
              run: Callable[[Path], export.ExportResult]) -> Response:
    """Write the export to a private temporary file, log the read, send the file."""
    ctx.access_log.record(who, kind=kind, ids=logged, route=route_name(request),
                          detail=f"export {name}.{fmt}")
    workdir = Path(tempfile.mkdtemp(prefix="parley-export-"))
    try:
        result = run(workdir / f"{name}.{fmt}")
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return FileResponse(result.path, media_type=MEDIA[fmt], filename=result.path.name,
                        headers={"X-Parley-Rows": str(result.rows),
                                 "Cache-Control": "no-store"},
                        background=BackgroundTask(shutil.rmtree, workdir, True))


def _own_lists(ctx: ServiceContext, who: Principal) -> list[str]:
    _total, lists = access.list_lists(ctx.app, who, limit=MAX_LISTS)
    return [v.id for v in lists]


@router.get("/lists", response_class=Response, responses=FILE_RESPONSES,
            summary="Records of lists with provenance and every extra column (logged)")
def lists(request: Request,
          list_id: list[str] = Query([], max_length=100,
                                     description="Lists to export (repeatable); by "
                                                 "default every list the caller may see"),
          format: str = FORMAT, ctx: ServiceContext = Depends(context),
          who: Principal = Depends(principal)) -> Response:
    access.require_role(who, "intermediary", "party", what="exports")
    for wanted in list_id:
        access.get_list(ctx.app, who, wanted)
    chosen = list(dict.fromkeys(list_id))
    if not chosen and not who.is_intermediary:
        chosen = _own_lists(ctx, who)
        if not chosen:
            raise NotFound(f"party {who.party} has no lists to export")
    return _exported(request, ctx, who, name="lists", fmt=format, kind="list_export",
                     logged=chosen or ["all"],
                     run=lambda path: export.export_lists(ctx.app, path=path,
                                                          list_ids=chosen, fmt=format))


@router.get("/persons", response_class=Response, responses=FILE_RESPONSES,
            summary="Every person with each record linked to it (the intermediary; logged)")
def persons(request: Request, format: str = FORMAT, ctx: ServiceContext = Depends(context),
            who: Principal = Depends(principal)) -> Response:
    access.require_intermediary(who, "exports")
    return _exported(request, ctx, who, name="persons", fmt=format, kind="person_export",
                     logged=["all"],
                     run=lambda path: export.export_persons(ctx.app, path=path, fmt=format))


@router.get("/quarantine", response_class=Response, responses=FILE_RESPONSES,
            summary="Open quarantined rows with their cells and problems, to correct in a "
                    "spreadsheet (logged)")
def quarantined(request: Request,
                list_id: str | None = Query(None, pattern=UUID,
                                            description="One list (required for a party)"),
                format: str = FORMAT, ctx: ServiceContext = Depends(context),
                who: Principal = Depends(principal)) -> Response:
    access.require_role(who, "intermediary", "party", what="exports")
    if list_id is not None:
        access.get_list(ctx.app, who, list_id)
    elif not who.is_intermediary:
        raise ApiError(422, "invalid", "query.list_id: a party's office exports the "
                       "quarantine of one of its own lists; name it", field="query.list_id")
    return _exported(request, ctx, who, name="quarantine", fmt=format,
                     kind="quarantine_export", logged=[list_id or "all"],
                     run=lambda path: export.export_quarantine(ctx.app, path=path,
                                                               list_id=list_id, fmt=format))
