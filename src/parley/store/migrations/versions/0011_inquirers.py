"""Inquirers verified: an inquiry releases a status only once an officer has checked the
inquirer's identity and relationship (``verified_seq``, ``verified_by``, ``verified_at``),
and a revoked inquiry opens nothing (``revoked_at``). Existing inquiries stay unverified:
their families see no status until an officer verifies them.

Revision ID: 0011_inquirers
Revises: 0010_public_heads
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_inquirers"
down_revision = "0010_public_heads"
branch_labels = None
depends_on = None

COLUMNS = (("verified_seq", sa.BigInteger), ("verified_by", sa.String(64)),
           ("verified_at", sa.String(32)), ("revoked_at", sa.String(32)))


def upgrade() -> None:
    with op.batch_alter_table("inquiries") as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inquiries") as batch:
        for name, _kind in reversed(COLUMNS):
            batch.drop_column(name)
