"""Ingest: how each list file was read (list_imports) and its quarantined rows.

Revision ID: 0002_ingest
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_ingest"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "list_imports",
        sa.Column("list_id", sa.String(36), nullable=False),
        sa.Column("file_format", sa.String(8), nullable=False),
        sa.Column("encoding", sa.String(32), nullable=False),
        sa.Column("delimiter", sa.String(4), nullable=False),
        sa.Column("header_row", sa.Integer, nullable=False),
        sa.Column("skipped", sa.Integer, nullable=False),
        sa.Column("file_size", sa.BigInteger, nullable=False),
        sa.Column("sealed_layout", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("list_id", name="pk_list_imports"),
        sa.ForeignKeyConstraint(["list_id"], ["source_lists.id"],
                                name="fk_list_imports_list_id_source_lists"),
    )
    op.create_table(
        "quarantined_rows",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("list_id", sa.String(36), nullable=False),
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("codes", sa.String(200), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=True),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.Column("updated_at", sa.String(32), nullable=True),
        sa.Column("event_seq", sa.BigInteger, nullable=True),
        sa.Column("erased_at", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_quarantined_rows"),
        sa.ForeignKeyConstraint(["list_id"], ["source_lists.id"],
                                name="fk_quarantined_rows_list_id_source_lists"),
        sa.ForeignKeyConstraint(["record_id"], ["source_records.id"],
                                name="fk_quarantined_rows_record_id_source_records"),
        sa.ForeignKeyConstraint(["updated_by"], ["actors.id"],
                                name="fk_quarantined_rows_updated_by_actors"),
        sa.UniqueConstraint("list_id", "row_number", name="uq_quarantined_rows_row"),
    )
    op.create_index("ix_quarantined_rows_list_id", "quarantined_rows", ["list_id"])


def downgrade() -> None:
    op.drop_index("ix_quarantined_rows_list_id", table_name="quarantined_rows")
    op.drop_table("quarantined_rows")
    op.drop_table("list_imports")
