"""Own keys: events in format v2 (key id, occurred_at, payload hash) and the signing keys.

Adds to ``events`` the columns of format v2 (``version``, 1 for every event already
recorded, ``key_id``, ``occurred_at``, ``payload_hash``) and creates ``signing_keys``,
filled with each registered actor's key (its id computed from the public key, added by
the actor's registration). Old events stay in format v1 and keep verifying. A party's
user may exist before its actor (``users.actor_id`` nullable): the party's own node
registers the actor with a key made there (``parley node init``). ``head_proposals`` and
``head_cosignatures`` hold a stage's heads while the parties cosign them on their nodes.

Revision ID: 0013_own_keys
Revises: 0012_vocabulary
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0013_own_keys"
down_revision = "0012_vocabulary"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False,
                                   server_default="1"))
        batch.add_column(sa.Column("key_id", sa.String(16), nullable=True))
        batch.add_column(sa.Column("occurred_at", sa.String(32), nullable=True))
        batch.add_column(sa.Column("payload_hash", sa.String(64), nullable=True))
    keys = op.create_table(
        "signing_keys",
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("party_code", sa.String(16), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("added_seq", sa.BigInteger(), nullable=False),
        sa.Column("revoked_seq", sa.BigInteger(), nullable=True),
        sa.Column("revoked_from", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint("public_key", name=op.f("uq_signing_keys_public_key")),
    )
    op.create_index(op.f("ix_signing_keys_actor"), "signing_keys", ["actor"])
    with op.batch_alter_table("users") as batch:
        batch.alter_column("actor_id", existing_type=sa.String(64), nullable=True)
    op.create_table(
        "head_proposals",
        sa.Column("stage_id", sa.String(36), nullable=False),
        sa.Column("time", sa.String(32), nullable=False),
        sa.Column("heads", sa.Text(), nullable=False),
        sa.Column("openings", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["stage_id"], ["stages.id"],
                                name=op.f("fk_head_proposals_stage_id_stages")),
        sa.PrimaryKeyConstraint("stage_id", name=op.f("pk_head_proposals")),
    )
    op.create_table(
        "head_cosignatures",
        sa.Column("stage_id", sa.String(36), nullable=False),
        sa.Column("party_code", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("time", sa.String(32), nullable=False),
        sa.Column("signatures", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["stage_id"], ["stages.id"],
                                name=op.f("fk_head_cosignatures_stage_id_stages")),
        sa.PrimaryKeyConstraint("stage_id", "party_code", name=op.f("pk_head_cosignatures")),
    )
    actors = sa.table("actors", sa.column("id", sa.String), sa.column("party_code", sa.String),
                      sa.column("public_key", sa.String), sa.column("event_seq", sa.BigInteger))
    conn = op.get_bind()
    rows = [{"key_id": hashlib.sha256(bytes.fromhex(r.public_key)).hexdigest()[:16],
             "actor": r.id, "party_code": r.party_code, "public_key": r.public_key,
             "added_seq": r.event_seq, "revoked_seq": None, "revoked_from": None}
            for r in conn.execute(sa.select(actors))]
    if rows:
        op.bulk_insert(keys, rows)


def downgrade() -> None:
    op.drop_table("head_cosignatures")
    op.drop_table("head_proposals")
    with op.batch_alter_table("users") as batch:
        batch.alter_column("actor_id", existing_type=sa.String(64), nullable=False)
    op.drop_index(op.f("ix_signing_keys_actor"), table_name="signing_keys")
    op.drop_table("signing_keys")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("payload_hash")
        batch.drop_column("occurred_at")
        batch.drop_column("key_id")
        batch.drop_column("version")
