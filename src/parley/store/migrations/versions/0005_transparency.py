"""Tables of the transparency area (empty until that area needs some).

Revision ID: 0005_transparency
Revises: 0004_exchange
"""

from __future__ import annotations

revision = "0005_transparency"
down_revision = "0004_exchange"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
