"""Tables of the exchange area: agreements, nominations, verification, stages, handover,
discrepancies, stage heads, remains and statements.

Revision ID: 0004_exchange
Revises: 0003_linkage
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_exchange"
down_revision = "0003_linkage"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, referred: str, ref_col: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{referred}.{ref_col}"],
                                   name=f"fk_{table}_{column}_{referred}")


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("agreed_on", sa.String(10), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("party_a", sa.String(16), nullable=False),
        sa.Column("party_b", sa.String(16), nullable=False),
        sa.Column("intermediary", sa.String(16), nullable=False),
        sa.Column("terms", sa.Text, nullable=False),
        sa.Column("terms_hash", sa.String(64), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agreements"),
        sa.UniqueConstraint("reference", name="uq_agreements_reference"),
        _fk("agreements", "party_a", "parties", "code"),
        _fk("agreements", "party_b", "parties", "code"),
        _fk("agreements", "intermediary", "parties", "code"),
        _fk("agreements", "recorded_by", "actors", "id"),
    )
    op.create_table(
        "agreement_signatures",
        sa.Column("agreement_id", sa.String(36), nullable=False),
        sa.Column("party_code", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("agreement_id", "party_code", name="pk_agreement_signatures"),
        _fk("agreement_signatures", "agreement_id", "agreements", "id"),
        _fk("agreement_signatures", "party_code", "parties", "code"),
        _fk("agreement_signatures", "actor", "actors", "id"),
    )
    op.create_table(
        "medical_certifications",
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("finding", sa.String(8), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("person_id", name="pk_medical_certifications"),
        _fk("medical_certifications", "person_id", "persons", "id"),
        _fk("medical_certifications", "actor", "actors", "id"),
    )
    op.create_table(
        "nominations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("agreement_id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("sending", sa.String(16), nullable=False),
        sa.Column("receiving", sa.String(16), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("commitment", sa.String(64), nullable=False),
        sa.Column("nominated_by", sa.String(64), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_nominations"),
        sa.UniqueConstraint("agreement_id", "person_id", name="uq_nominations_person"),
        _fk("nominations", "agreement_id", "agreements", "id"),
        _fk("nominations", "person_id", "persons", "id"),
        _fk("nominations", "sending", "parties", "code"),
        _fk("nominations", "receiving", "parties", "code"),
        _fk("nominations", "record_id", "source_records", "id"),
        _fk("nominations", "nominated_by", "actors", "id"),
    )
    op.create_index("ix_nominations_person_id", "nominations", ["person_id"])
    op.create_table(
        "verifications",
        sa.Column("nomination_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("category", sa.String(32), nullable=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("nomination_id", "kind", name="pk_verifications"),
        _fk("verifications", "nomination_id", "nominations", "id"),
        _fk("verifications", "actor", "actors", "id"),
    )
    op.create_table(
        "interviews",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("nomination_id", sa.String(36), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("salt", sa.LargeBinary, nullable=False),
        sa.Column("commitment", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_interviews"),
        _fk("interviews", "nomination_id", "nominations", "id"),
        _fk("interviews", "actor", "actors", "id"),
    )
    op.create_index("ix_interviews_nomination_id", "interviews", ["nomination_id"])
    op.create_table(
        "stages",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("agreement_id", sa.String(36), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("stage_date", sa.String(10), nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("planned_by", sa.String(64), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.Column("closed_seq", sa.BigInteger, nullable=True),
        sa.Column("closed_at", sa.String(32), nullable=True),
        sa.Column("totals", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_stages"),
        sa.UniqueConstraint("agreement_id", "number", name="uq_stages_number"),
        _fk("stages", "agreement_id", "agreements", "id"),
        _fk("stages", "planned_by", "actors", "id"),
    )
    op.create_table(
        "stage_persons",
        sa.Column("stage_id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("nomination_id", sa.String(36), nullable=False),
        sa.Column("direction", sa.String(40), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("commitment", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("stage_id", "person_id", name="pk_stage_persons"),
        _fk("stage_persons", "stage_id", "stages", "id"),
        _fk("stage_persons", "person_id", "persons", "id"),
        _fk("stage_persons", "nomination_id", "nominations", "id"),
    )
    op.create_table(
        "plan_exclusions",
        sa.Column("stage_id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("direction", sa.String(40), nullable=False),
        sa.Column("category", sa.String(32), nullable=True),
        sa.Column("reason", sa.String(24), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=True),
        sa.PrimaryKeyConstraint("stage_id", "person_id", name="pk_plan_exclusions"),
        _fk("plan_exclusions", "stage_id", "stages", "id"),
        _fk("plan_exclusions", "person_id", "persons", "id"),
    )
    op.create_table(
        "handover_confirmations",
        sa.Column("stage_id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("stage_id", "person_id", "role",
                                name="pk_handover_confirmations"),
        _fk("handover_confirmations", "stage_id", "stages", "id"),
        _fk("handover_confirmations", "person_id", "persons", "id"),
        _fk("handover_confirmations", "actor", "actors", "id"),
    )
    op.create_table(
        "discrepancies",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("agreement_id", sa.String(36), nullable=False),
        sa.Column("stage_id", sa.String(36), nullable=False),
        sa.Column("opened_stage_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=True),
        sa.Column("direction", sa.String(40), nullable=False),
        sa.Column("category", sa.String(32), nullable=True),
        sa.Column("counts", sa.Text, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("resolution", sa.String(32), nullable=True),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.Column("resolved_seq", sa.BigInteger, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_discrepancies"),
        _fk("discrepancies", "agreement_id", "agreements", "id"),
        _fk("discrepancies", "stage_id", "stages", "id"),
        _fk("discrepancies", "opened_stage_id", "stages", "id"),
        _fk("discrepancies", "person_id", "persons", "id"),
    )
    op.create_index("ix_discrepancies_stage_id", "discrepancies", ["stage_id"])
    op.create_table(
        "stage_heads",
        sa.Column("stage_id", sa.String(36), nullable=False),
        sa.Column("direction", sa.String(40), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("tree_size", sa.Integer, nullable=False),
        sa.Column("root", sa.String(64), nullable=False),
        sa.Column("head", sa.Text, nullable=False),
        sa.Column("cosignatures", sa.Text, nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("stage_id", "direction", "category", name="pk_stage_heads"),
        _fk("stage_heads", "stage_id", "stages", "id"),
    )
    op.create_table(
        "remains_cases",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("agreement_id", sa.String(36), nullable=False),
        sa.Column("stage_id", sa.String(36), nullable=False),
        sa.Column("case_number", sa.String(64), nullable=False),
        sa.Column("direction", sa.String(40), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("salt", sa.LargeBinary, nullable=True),
        sa.Column("commitment", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=True),
        sa.Column("identified_seq", sa.BigInteger, nullable=True),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_remains_cases"),
        sa.UniqueConstraint("agreement_id", "case_number", name="uq_remains_cases_case"),
        _fk("remains_cases", "agreement_id", "agreements", "id"),
        _fk("remains_cases", "stage_id", "stages", "id"),
        _fk("remains_cases", "person_id", "persons", "id"),
    )
    op.create_index("ix_remains_cases_stage_id", "remains_cases", ["stage_id"])
    op.create_table(
        "remains_confirmations",
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("case_id", "role", name="pk_remains_confirmations"),
        _fk("remains_confirmations", "case_id", "remains_cases", "id"),
        _fk("remains_confirmations", "actor", "actors", "id"),
    )
    op.create_table(
        "statements",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("agreement_id", sa.String(36), nullable=False),
        sa.Column("party_code", sa.String(16), nullable=False),
        sa.Column("stated_on", sa.String(10), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("stage_id", sa.String(36), nullable=True),
        sa.Column("claims", sa.Text, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_statements"),
        _fk("statements", "agreement_id", "agreements", "id"),
        _fk("statements", "party_code", "parties", "code"),
        _fk("statements", "stage_id", "stages", "id"),
        _fk("statements", "actor", "actors", "id"),
    )
    op.create_index("ix_statements_agreement_id", "statements", ["agreement_id"])


def downgrade() -> None:
    for table in ("statements", "remains_confirmations", "remains_cases", "stage_heads",
                  "discrepancies", "handover_confirmations", "plan_exclusions",
                  "stage_persons", "stages", "interviews", "verifications", "nominations",
                  "medical_certifications", "agreement_signatures", "agreements"):
        op.drop_table(table)
