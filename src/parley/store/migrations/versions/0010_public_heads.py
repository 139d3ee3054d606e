"""Public stage heads: each closed stage's cosigned v2 head and its sealed openings.

The public bundle no longer carries the event chain; each published figure is a leaf
count under a head cosigned by both parties and the intermediary, with unlinkable leaves
whose salts stay sealed here (``docs/transparency.md``). Stages closed before this
revision have no such head; the bundle says their figures are not published.

Revision ID: 0010_public_heads
Revises: 0009_list_source
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_public_heads"
down_revision = "0009_list_source"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stage_public_heads",
        sa.Column("stage_id", sa.String(36), nullable=False),
        sa.Column("head", sa.Text, nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("stage_id", name="pk_stage_public_heads"),
    )


def downgrade() -> None:
    op.drop_table("stage_public_heads")
