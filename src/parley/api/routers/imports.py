"""`/api/v1/imports` (upload a list file) and `/api/v1/lists/{id}/quarantine` (rows
held back, with row number and reason)."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path as FilePath
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from parley.api.deps import ServiceContext, context, principal, route_name, write
from parley.api.routers.agreements import actor_of
from parley.api.schemas import idempotency_key_header
from parley.domain.vocabulary import ListKind, QuarantineStatus, one_of
from parley.errors import InputError, NotFound
from parley.services.intake import imports, quarantine
from parley.services.people import access
from parley.services.people.access import Principal

router = APIRouter(prefix="/api/v1", tags=["imports"])

SAFE_NAME = set("._- ")


class Problem(BaseModel):
    row: int
    column: str
    value: str
    reason: str


class Imported(BaseModel):
    list_id: str
    source: str
    kind: ListKind
    rows: int
    accepted: int
    quarantined: int
    already_imported: bool
    problems: list[Problem]


class Quarantined(BaseModel):
    id: str
    list_id: str
    row_number: int
    status: QuarantineStatus
    problems: list[Problem]
    cells: list[dict[str, Any]]


def _file_name(upload: UploadFile) -> str:
    raw = FilePath(upload.filename or "upload.csv").name
    # Letters and digits of any script stay (lists are named in Cyrillic); anything else
    # that could trouble a file system or a terminal becomes "_".
    clean = "".join(ch if ch.isalnum() or ch in SAFE_NAME else "_"
                    for ch in raw)[:120].strip(" .")
    return clean or "upload.csv"


def run_import(ctx: ServiceContext, who: Principal, *, content: bytes, file_name: str,
               kind: str, source: str | None, party: str | None) -> imports.ImportSummary:
    """Import uploaded bytes as the caller (a party imports its own lists only)."""
    actor = actor_of(who, "imports")
    if who.role == "party":
        if party not in (None, "", who.party):
            raise InputError(f"party: a party's office imports its own lists ({who.party})")
        party = who.party
    with tempfile.TemporaryDirectory(prefix="parley-upload-") as tmp:
        path = FilePath(tmp) / file_name
        path.write_bytes(content)
        return imports.import_list(ctx.app, path=path, kind=kind, actor=actor,
                                   source=source or None, party=party or None)


def imported_out(s: imports.ImportSummary) -> Imported:
    return Imported(list_id=s.list_id, source=s.source, kind=s.kind, rows=s.rows,
                    accepted=s.accepted, quarantined=s.quarantined,
                    already_imported=s.already_imported,
                    problems=[Problem(row=p.row, column=p.column, value=p.value,
                                      reason=p.reason) for p in s.errors[:1000]])


@router.post("/imports", response_model=Imported, status_code=201,
             summary="Import a list file (CSV or XLSX); every row accepted or quarantined")
def upload(request: Request, file: UploadFile = File(...),
           kind: str = Form(..., pattern=ListKind.pattern()),
           source: str = Form("", max_length=200),
           party: str = Form("", max_length=16, pattern=r"^[A-Z0-9]*$"),
           idempotency_key: str | None = idempotency_key_header(),
           ctx: ServiceContext = Depends(context),
           who: Principal = Depends(principal)) -> JSONResponse:
    access.require_role(who, "intermediary", "party", what="imports")
    content = file.file.read()
    name = _file_name(file)
    fingerprint = hashlib.sha256(content).hexdigest().encode() + \
        f"|{name}|{kind}|{source}|{party}".encode()
    return write(request, ctx, who, idempotency_key, fingerprint,
                 lambda: run_import(ctx, who, content=content, file_name=name, kind=kind,
                                    source=source, party=party),
                 imported_out, status=201)


@router.get("/lists/{list_id}/quarantine", response_model=list[Quarantined],
            summary="A list's quarantined rows with row number and reason (logged)")
def quarantined(request: Request, list_id: str = Path(pattern=r"^[0-9a-f-]{36}$"),
                status: str = Query(QuarantineStatus.OPEN.value,
                                    pattern=one_of(*quarantine.STATUS_FILTERS)),
                ctx: ServiceContext = Depends(context),
                who: Principal = Depends(principal)) -> list[Quarantined]:
    access.get_list(ctx.app, who, list_id)
    try:
        rows = quarantine.list_quarantined(ctx.app, list_id=list_id, status=status)
    except InputError as exc:
        raise NotFound(str(exc)) from None
    ctx.access_log.record(who, kind="quarantined_row", ids=[r.id for r in rows],
                          route=route_name(request), detail=f"list {list_id}")
    return [Quarantined(id=r.id, list_id=r.list_id, row_number=r.row_number, status=r.status,
                        problems=[Problem(row=p.row, column=p.column, value=p.value,
                                          reason=p.reason) for p in r.problems],
                        cells=[{"column": c, "field": f, "value": v} for c, f, v in r.cells])
            for r in rows]
