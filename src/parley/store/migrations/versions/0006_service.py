"""Tables of the service area (empty until that area needs some).

Revision ID: 0006_service
Revises: 0005_transparency
"""

from __future__ import annotations

revision = "0006_service"
down_revision = "0005_transparency"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
