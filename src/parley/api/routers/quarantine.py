"""`/api/v1/quarantine/{id}` (one held-back row, cell by cell), its correction (`…/fix`),
and `/api/v1/lists/{id}/quarantine/reimport` (re-validate a list's open rows).

The intermediary and the party whose list it is may read and correct its quarantined
rows; for anyone else a row answers exactly like one that does not exist.
"""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from parley.api.deps import ServiceContext, context, principal, route_name, write
from parley.api.routers.agreements import actor_of
from parley.api.routers.imports import Problem
from parley.api.schemas import Input, idempotency_key_header
from parley.domain.vocabulary import QuarantineStatus
from parley.errors import NotFound
from parley.services.intake import quarantine
from parley.services.people import access
from parley.services.people.access import Principal

router = APIRouter(prefix="/api/v1", tags=["imports"])

UUID = r"^[0-9a-f-]{36}$"
ROW = Path(pattern=UUID, description="The quarantined row's id (a UUID)")
LIST = Path(pattern=UUID, description="The list's id (a UUID)")


class Cell(BaseModel):
    column: str
    field: str | None
    value: str


class QuarantinedRow(BaseModel):
    id: str
    list_id: str
    source: str
    row_number: int
    status: QuarantineStatus
    record_id: str | None
    problems: list[Problem]
    cells: list[Cell]


class FixIn(Input):
    set: dict[str, str] = Field(
        min_length=1, max_length=64,
        description="Column (its header, its letter or the field it maps to) → new "
                    "value; an empty value clears the cell.")


class ReimportIn(Input):
    ids: list[str] = Field(default=[], max_length=10_000,
                           description="Only these quarantined rows of the list "
                                       "(default: every open row).")


class StillQuarantined(BaseModel):
    id: str
    row_number: int
    problems: list[Problem]


class Released(BaseModel):
    released: list[int] = Field(description="Row numbers now records of their list")
    still_quarantined: list[StillQuarantined]


def _problems(entry: quarantine.QuarantineEntry) -> list[Problem]:
    return [Problem(row=p.row, column=p.column, value=p.value, reason=p.reason)
            for p in entry.problems]


def visible_row(ctx: ServiceContext, who: Principal,
                quarantine_id: str) -> quarantine.QuarantineEntry:
    """The row with its cells, if the caller may see its list; NotFound otherwise, with
    the same message as for a row that does not exist."""
    missing = NotFound(f"no quarantined row {quarantine_id}")
    if who.role not in ("intermediary", "party"):
        raise missing
    try:
        entry = quarantine.show_quarantined(ctx.app, quarantine_id)
        access.get_list(ctx.app, who, entry.list_id)
    except NotFound:
        raise missing from None
    if entry.id != quarantine_id:
        raise missing
    return entry


def row_out(entry: quarantine.QuarantineEntry) -> QuarantinedRow:
    return QuarantinedRow(id=entry.id, list_id=entry.list_id, source=entry.source,
                          row_number=entry.row_number, status=entry.status,
                          record_id=entry.record_id, problems=_problems(entry),
                          cells=[Cell(column=c, field=f, value=v) for c, f, v in entry.cells])


def released_out(result: quarantine.ReleaseResult) -> Released:
    return Released(released=list(result.released),
                    still_quarantined=[StillQuarantined(id=e.id, row_number=e.row_number,
                                                        problems=_problems(e))
                                       for e in result.still])


@router.get("/quarantine/{quarantine_id}", response_model=QuarantinedRow,
            summary="One quarantined row: every cell under its column, and its problems "
                    "(logged)")
def show(request: Request, quarantine_id: str = ROW, ctx: ServiceContext = Depends(context),
         who: Principal = Depends(principal)) -> QuarantinedRow:
    entry = visible_row(ctx, who, quarantine_id)
    ctx.access_log.record(who, kind="quarantined_row", ids=[entry.id],
                          route=route_name(request), detail=f"list {entry.list_id}")
    return row_out(entry)


@router.post("/quarantine/{quarantine_id}/fix", response_model=Released,
             summary="Correct cells of a quarantined row; it joins its list if it now "
                     "passes")
def fix(request: Request, body: FixIn, quarantine_id: str = ROW,
        idempotency_key: str | None = idempotency_key_header(),
        ctx: ServiceContext = Depends(context),
        who: Principal = Depends(principal)) -> JSONResponse:
    visible_row(ctx, who, quarantine_id)
    actor = actor_of(who, f"no quarantined row {quarantine_id}")
    return write(request, ctx, who, idempotency_key, body,
                 lambda: quarantine.fix_quarantined(ctx.app, quarantine_id=quarantine_id,
                                                    changes=body.set, actor=actor),
                 released_out)


@router.post("/lists/{list_id}/quarantine/reimport", response_model=Released,
             summary="Re-validate a list's open quarantined rows; those that pass join "
                     "the list")
def reimport(request: Request, list_id: str = LIST,
             body: ReimportIn | None = Body(None),
             idempotency_key: str | None = idempotency_key_header(),
             ctx: ServiceContext = Depends(context),
             who: Principal = Depends(principal)) -> JSONResponse:
    access.get_list(ctx.app, who, list_id)
    actor = actor_of(who, f"list {list_id}")
    wanted = body or ReimportIn()
    return write(request, ctx, who, idempotency_key, wanted,
                 lambda: quarantine.reimport_quarantined(ctx.app, ids=wanted.ids,
                                                         list_id=list_id, actor=actor),
                 released_out)

