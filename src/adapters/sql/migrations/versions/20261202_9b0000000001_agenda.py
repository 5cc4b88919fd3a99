"""agenda: the mayor's agenda (events, series, attendees, changed occurrences)

Revision ID: 9b0000000001
Revises: 9a0000000001
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '9b0000000001'
down_revision = '9a0000000001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'agenda_events',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('municipality_id', sa.BigInteger(), nullable=False),
        sa.Column('organiser_id', sa.BigInteger(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('category', sa.Enum('reunion', 'ceremonie', 'conseil', 'autre', name='agenda_category',
                                      native_enum=False, length=32), nullable=False),
        sa.Column('priority', sa.Enum('low', 'medium', 'high', 'urgent', name='agenda_priority', native_enum=False,
                                      length=32), nullable=False),
        sa.Column('color', sa.String(length=20), nullable=False),
        sa.Column('starts_at', advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column('ends_at', advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column('all_day', sa.Boolean(), nullable=False),
        sa.Column('location_name', sa.String(length=200), nullable=False),
        sa.Column('location_address', sa.String(length=500), nullable=False),
        sa.Column('rrule', sa.String(length=500), nullable=True),
        sa.Column('reminders', postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('is_public', sa.Boolean(), nullable=False),
        sa.Column('attendees', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('changes', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('created_at', advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column('updated_at', advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_agenda_events_ends_after_start')),
        sa.ForeignKeyConstraint(['municipality_id'], ['identity_municipalities.id'],
                                name=op.f('fk_agenda_events_municipality_id_identity_municipalities'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organiser_id'], ['identity_users.id'],
                                name=op.f('fk_agenda_events_organiser_id_identity_users'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_events')),
    )
    op.create_index('ix_agenda_events_town_starts', 'agenda_events', ['municipality_id', 'starts_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_agenda_events_town_starts', table_name='agenda_events')
    op.drop_table('agenda_events')
