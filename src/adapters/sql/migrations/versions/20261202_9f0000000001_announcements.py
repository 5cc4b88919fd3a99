"""announcements: the church's announcements and who read them

Revision ID: 9f0000000001
Revises: 9e0000000001
Create Date: 2026-12-02 15:50:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = '9f0000000001'
down_revision = '9e0000000001'
branch_labels = None
depends_on = None

PRIORITY = sa.Enum('low', 'normal', 'high', 'urgent', name='announcement_priority', native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        'announcements_items',
        sa.Column('id', sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column('title', sa.String(200), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('site_id', sa.BigInteger(), sa.ForeignKey('community_sites.id', ondelete='CASCADE')),
        sa.Column('start_date', advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column('end_date', advanced_alchemy.types.DateTimeUTC(timezone=True)),
        sa.Column('is_pinned', sa.Boolean(), nullable=False),
        sa.Column('priority', PRIORITY, nullable=False),
        sa.Column('author_id', sa.BigInteger(), sa.ForeignKey('identity_users.id', ondelete='RESTRICT'),
                  nullable=False),
        sa.Column('author_name', sa.String(300), nullable=False),
        sa.Column('announced_at', advanced_alchemy.types.DateTimeUTC(timezone=True)),
        sa.Column('created_at', advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column('updated_at', advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
    )
    op.create_index('ix_announcements_items_site_start', 'announcements_items', ['site_id', 'start_date'])
    op.create_index('ix_announcements_items_due', 'announcements_items', ['start_date'],
                    postgresql_where=sa.text('announced_at IS NULL'))
    op.create_table(
        'announcements_reads',
        sa.Column('announcement_id', sa.BigInteger(), sa.ForeignKey('announcements_items.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('user_id', sa.BigInteger(), sa.ForeignKey('identity_users.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('read_at', advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('announcement_id', 'user_id'),
    )


def downgrade() -> None:
    op.drop_table('announcements_reads')
    op.drop_index('ix_announcements_items_due', table_name='announcements_items')
    op.drop_index('ix_announcements_items_site_start', table_name='announcements_items')
    op.drop_table('announcements_items')
