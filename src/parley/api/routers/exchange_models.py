"""Response and request shapes of the exchange routers (agreements, stages, handover)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, Field, RootModel

from parley.api.schemas import Input
from parley.domain.planning import INTERVIEW_OUTCOMES
from parley.domain.vocabulary import (
    DiscrepancyKind,
    DiscrepancyStatus,
    Resolution,
    StagePersonOrigin,
    StagePersonState,
    StageStatus,
    one_of,
)

PersonIds = Field(min_length=1, max_length=5000)
UUID = r"^[0-9a-f-]{36}$"
# Each id a UUID: an id the database cannot even hold (a NUL byte, for PostgreSQL) is
# refused here with the field named, never sent to a query.
PersonId = Annotated[str, Field(pattern=UUID)]


class AgreementOut(BaseModel):
    id: str
    reference: str
    terms_hash: str
    active: bool
    signed_by: dict[str, str]
    terms: dict[str, Any]


class StageOut(BaseModel):
    id: str
    agreement_id: str
    number: int
    date: str
    capacity: int
    status: StageStatus


class StagePerson(BaseModel):
    person_id: str
    direction: str
    category: str
    origin: StagePersonOrigin
    state: StagePersonState


class LeftOut(BaseModel):
    person_id: str
    direction: str
    category: str
    reason: str


class StageDetail(StageOut):
    persons: list[StagePerson]
    left_out: list[LeftOut]


class DiscrepancyOut(BaseModel):
    id: str
    stage_id: str
    opened_stage_id: str
    kind: DiscrepancyKind
    person_id: str | None
    direction: str
    category: str | None
    counts: dict[str, int] | None
    status: DiscrepancyStatus
    resolution: Resolution | None
    description: str


class PersonsIn(Input):
    person_ids: list[PersonId] = PersonIds


class HandoverIn(PersonsIn):
    """Persons the caller's side confirms as handed over in this stage."""


class Confirmed(BaseModel):
    stage_id: str
    actor: str
    new_confirmations: int


class PlanIn(Input):
    stage_date: date
    capacity: int = Field(ge=0, le=1_000_000)


class ResolveIn(Input):
    resolution: str = Field(min_length=1, max_length=500, pattern=r"\S")


class CarryIn(Input):
    to_stage_id: str = Field(pattern=UUID)


class ClosedOut(BaseModel):
    stage: StageOut
    totals: dict[str, dict[str, int]]
    heads: list[dict[str, Any]]
    # Parties whose cosignatures the close awaits: then the stage is still open and
    # ``heads`` are the proposed heads (each party cosigns them on its own node).
    awaiting: list[str] = []


class DisputeIn(Input):
    """A person on the stage's list whose identity the receiving party disputes."""

    person_id: str = Field(pattern=UUID)


class ProposedHeads(BaseModel):
    time: str | None
    heads: list[dict[str, Any]]


class HeadSignature(Input):
    head: dict[str, Any]
    signature: str = Field(pattern=r"^[0-9a-f]{128}$")


class CosignIn(Input):
    """A party's cosignatures of the proposed heads, made on its node with key ``key``."""

    key: str = Field(pattern=r"^[0-9a-f]{16}$")
    time: str | None = None
    signatures: list[HeadSignature] = Field(min_length=1, max_length=500)


class CosignedOut(BaseModel):
    stage_id: str
    actor: str
    heads: int


class EligibilityOut(BaseModel):
    person_id: str
    detail: dict[str, Any]


class Counted(BaseModel):
    agreement_id: str
    count: int


class InterviewIn(Input):
    person_id: str = Field(pattern=UUID)
    outcome: str = Field(pattern=one_of(*INTERVIEW_OUTCOMES))


class InterviewOut(BaseModel):
    agreement_id: str
    person_id: str
    interview_id: str


class ClaimOut(BaseModel):
    statement_id: str
    party: str
    stated_on: str
    source: str
    scope: str
    direction: str
    category: str
    claimed: int
    confirmed: int


class StatementIn(Input):
    party: str = Field(min_length=1, max_length=16, pattern=r"^[A-Z0-9]+$")
    stated_on: date
    source: str = Field(min_length=1, max_length=500, pattern=r"\S")
    claims: dict[str, dict[str, int]]
    stage_number: int | None = Field(None, ge=1, le=10_000)


class StatementOut(BaseModel):
    statement_id: str
    agreement_id: str
    party: str


class DiscrepancyList(RootModel[list[DiscrepancyOut]]):
    """Discrepancies found by a check."""
