"""Tables of the linkage area (empty until that area needs some).

Revision ID: 0003_linkage
Revises: 0002_ingest
"""

from __future__ import annotations

revision = "0003_linkage"
down_revision = "0002_ingest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
