"""Foundation: the event log, the chain head, parties, actors, lists, records, persons, links.

Revision ID: 0001_foundation
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_events"),
        sa.UniqueConstraint("event_id", name="uq_events_event_id"),
        sa.UniqueConstraint("prev_hash", name="uq_events_prev_hash"),
        sa.UniqueConstraint("hash", name="uq_events_hash"),
    )
    op.create_index("ix_events_type", "events", ["type"])
    chain_head = op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_chain_head"),
    )
    op.bulk_insert(chain_head, [{"id": 1, "seq": 0, "hash": GENESIS_HASH}])
    op.create_table(
        "parties",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_parties"),
    )
    op.create_table(
        "actors",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("party_code", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_actors"),
        sa.ForeignKeyConstraint(["party_code"], ["parties.code"],
                                name="fk_actors_party_code_parties"),
    )
    op.create_table(
        "source_lists",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("party_code", sa.String(16), nullable=True),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("sheet", sa.String(200), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("accepted", sa.Integer, nullable=False),
        sa.Column("quarantined", sa.Integer, nullable=False),
        sa.Column("imported_by", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.String(32), nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_source_lists"),
        sa.ForeignKeyConstraint(["party_code"], ["parties.code"],
                                name="fk_source_lists_party_code_parties"),
        sa.ForeignKeyConstraint(["imported_by"], ["actors.id"],
                                name="fk_source_lists_imported_by_actors"),
        sa.UniqueConstraint("file_sha256", "sheet", name="uq_source_lists_content"),
    )
    op.create_table(
        "source_records",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("list_id", sa.String(36), nullable=False),
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=True),
        sa.Column("salt", sa.LargeBinary, nullable=True),
        sa.Column("commitment", sa.String(64), nullable=False),
        sa.Column("erased_at", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_source_records"),
        sa.ForeignKeyConstraint(["list_id"], ["source_lists.id"],
                                name="fk_source_records_list_id_source_lists"),
        sa.UniqueConstraint("list_id", "row_number", name="uq_source_records_row"),
    )
    op.create_index("ix_source_records_list_id", "source_records", ["list_id"])
    op.create_index("ix_source_records_commitment", "source_records", ["commitment"])
    op.create_table(
        "persons",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("created_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_persons"),
    )
    op.create_table(
        "record_links",
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("probability", sa.Float, nullable=False),
        sa.Column("event_seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("record_id", name="pk_record_links"),
        sa.ForeignKeyConstraint(["record_id"], ["source_records.id"],
                                name="fk_record_links_record_id_source_records"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"],
                                name="fk_record_links_person_id_persons"),
    )
    op.create_index("ix_record_links_person_id", "record_links", ["person_id"])


def downgrade() -> None:
    for table in ("record_links", "persons", "source_records", "source_lists", "actors",
                  "parties", "chain_head", "events"):
        op.drop_table(table)
