"""Linkage: saved match models, the review queue, reviewers' decisions, merged persons.

Revision ID: 0003_linkage
Revises: 0002_ingest
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_linkage"
down_revision = "0002_ingest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "linkage_models",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("training_hash", sa.String(64), nullable=False),
        sa.Column("training_records", sa.Integer, nullable=False),
        sa.Column("parameters", sa.Text, nullable=False),
        sa.Column("sealed_tf", sa.LargeBinary, nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_linkage_models"),
        sa.UniqueConstraint("version", name="uq_linkage_models_version"),
        sa.ForeignKeyConstraint(["created_by"], ["actors.id"],
                                name="fk_linkage_models_created_by_actors"),
    )
    op.create_table(
        "match_reviews",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("record_a", sa.String(36), nullable=False),
        sa.Column("record_b", sa.String(36), nullable=False),
        sa.Column("probability", sa.Float, nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("model_version", sa.Integer, nullable=False),
        sa.Column("queued_at", sa.String(32), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_match_reviews"),
        sa.ForeignKeyConstraint(["record_a"], ["source_records.id"],
                                name="fk_match_reviews_record_a_source_records"),
        sa.ForeignKeyConstraint(["record_b"], ["source_records.id"],
                                name="fk_match_reviews_record_b_source_records"),
        sa.UniqueConstraint("record_a", "record_b", name="uq_match_reviews_pair"),
    )
    op.create_index("ix_match_reviews_record_a", "match_reviews", ["record_a"])
    op.create_index("ix_match_reviews_record_b", "match_reviews", ["record_b"])
    op.create_index("ix_match_reviews_status", "match_reviews", ["status"])
    op.create_table(
        "match_decisions",
        sa.Column("record_a", sa.String(36), nullable=False),
        sa.Column("record_b", sa.String(36), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("review_id", sa.String(36), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_at", sa.String(32), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("record_a", "record_b", name="pk_match_decisions"),
        sa.ForeignKeyConstraint(["record_a"], ["source_records.id"],
                                name="fk_match_decisions_record_a_source_records"),
        sa.ForeignKeyConstraint(["record_b"], ["source_records.id"],
                                name="fk_match_decisions_record_b_source_records"),
        sa.ForeignKeyConstraint(["review_id"], ["match_reviews.id"],
                                name="fk_match_decisions_review_id_match_reviews"),
        sa.ForeignKeyConstraint(["decided_by"], ["actors.id"],
                                name="fk_match_decisions_decided_by_actors"),
    )
    op.create_table(
        "person_redirects",
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("merged_into", sa.String(36), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("person_id", name="pk_person_redirects"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"],
                                name="fk_person_redirects_person_id_persons"),
        sa.ForeignKeyConstraint(["merged_into"], ["persons.id"],
                                name="fk_person_redirects_merged_into_persons"),
    )
    op.create_index("ix_person_redirects_merged_into", "person_redirects", ["merged_into"])


def downgrade() -> None:
    op.drop_index("ix_person_redirects_merged_into", table_name="person_redirects")
    op.drop_table("person_redirects")
    op.drop_table("match_decisions")
    for index in ("ix_match_reviews_status", "ix_match_reviews_record_b",
                  "ix_match_reviews_record_a"):
        op.drop_index(index, table_name="match_reviews")
    op.drop_table("match_reviews")
    op.drop_table("linkage_models")
