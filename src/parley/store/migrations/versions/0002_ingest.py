"""Tables of the ingest area (empty until that area needs some).

Revision ID: 0002_ingest
Revises: 0001_foundation
"""

from __future__ import annotations

revision = "0002_ingest"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
