"""Transparency: signed checkpoints of the chain, publication decisions, the erasure log.

Revision ID: 0005_transparency
Revises: 0004_exchange
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_transparency"
down_revision = "0004_exchange"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkpoints",
        sa.Column("tree_size", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("root", sa.String(64), nullable=False),
        sa.Column("head", sa.String(64), nullable=False),
        sa.Column("signed_at", sa.String(32), nullable=False),
        sa.Column("signer", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("tree_size", name="pk_checkpoints"),
        sa.ForeignKeyConstraint(["signer"], ["actors.id"], name="fk_checkpoints_signer_actors"),
    )
    op.create_table(
        "publication_decisions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("stage_id", sa.String(36), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("until", sa.String(32), nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("decided_at", sa.String(32), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_publication_decisions"),
        sa.ForeignKeyConstraint(["actor"], ["actors.id"],
                                name="fk_publication_decisions_actor_actors"),
    )
    op.create_index("ix_publication_decisions_stage_id", "publication_decisions",
                    ["stage_id"])
    op.create_table(
        "erasure_log",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("erased_at", sa.String(32), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_erasure_log"),
        sa.ForeignKeyConstraint(["actor"], ["actors.id"], name="fk_erasure_log_actor_actors"),
    )
    op.create_index("ix_erasure_log_person_id", "erasure_log", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_erasure_log_person_id", table_name="erasure_log")
    op.drop_table("erasure_log")
    op.drop_index("ix_publication_decisions_stage_id", table_name="publication_decisions")
    op.drop_table("publication_decisions")
    op.drop_table("checkpoints")
