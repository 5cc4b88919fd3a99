"""TOTP seeds are stored sealed (encrypted), which needs a wider column.

Revision ID: 5badcfa4ae49
Revises: 211e904af4b2
Create Date: 2026-11-22 08:49:26.332261

No deployment ever stored plain seeds (the previous revision never shipped), so there is nothing to convert.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "5badcfa4ae49"
down_revision = "211e904af4b2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("identity_users", "totp_secret", existing_type=sa.VARCHAR(length=64),
                    type_=sa.String(length=255), existing_nullable=True)


def downgrade() -> None:
    # The older code cannot read sealed seeds: drop them and the TOTP second factor they served.
    op.execute("UPDATE identity_users SET totp_secret = NULL, two_factor_enabled = false, two_factor_method = NULL "
               "WHERE totp_secret IS NOT NULL")
    op.alter_column("identity_users", "totp_secret", existing_type=sa.String(length=255),
                    type_=sa.VARCHAR(length=64), existing_nullable=True)
