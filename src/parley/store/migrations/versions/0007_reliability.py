"""Tables of the reliability area (empty until that area needs some).

Revision ID: 0007_reliability
Revises: 0006_service
"""

from __future__ import annotations

revision = "0007_reliability"
down_revision = "0006_service"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
