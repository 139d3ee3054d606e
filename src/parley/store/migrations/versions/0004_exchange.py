"""Tables of the exchange area (empty until that area needs some).

Revision ID: 0004_exchange
Revises: 0003_linkage
"""

from __future__ import annotations

revision = "0004_exchange"
down_revision = "0003_linkage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
