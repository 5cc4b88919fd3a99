"""throttle_windows: the rate limiter's sliding windows, shared by every API process

Revision ID: 2e6ef9466e66
Revises: 40e29177dca6
Create Date: 2026-11-24 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '2e6ef9466e66'
down_revision = '40e29177dca6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('throttle_windows',
    sa.Column('key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('hits', postgresql.ARRAY(sa.DateTime(timezone=True)), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_throttle_windows'))
    )
    op.create_index(op.f('ix_throttle_windows_expires_at'), 'throttle_windows', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_throttle_windows_expires_at'), table_name='throttle_windows')
    op.drop_table('throttle_windows')
