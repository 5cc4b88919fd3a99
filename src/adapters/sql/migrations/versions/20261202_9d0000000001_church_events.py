"""church_events: the sites' events and the accounts' registrations (places and waiting list)

Revision ID: 9d0000000001
Revises: 9c0000000001
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = '9d0000000001'
down_revision = '9c0000000001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('church_events_events',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('site_id', sa.BigInteger(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('end_time', sa.Time(), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('all_day', sa.Boolean(), nullable=False),
    sa.Column('color', sa.String(length=7), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('is_cancelled', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_church_events_events_capacity_positive')),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date',
                       name=op.f('ck_church_events_events_ends_after_start')),
    sa.ForeignKeyConstraint(['created_by'], ['identity_users.id'],
                            name=op.f('fk_church_events_events_created_by_identity_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['community_sites.id'],
                            name=op.f('fk_church_events_events_site_id_community_sites'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_church_events_events'))
    )
    op.create_index('ix_church_events_events_last_day', 'church_events_events',
                    ['site_id', 'start_date', 'end_date'], unique=False)
    op.create_index('ix_church_events_events_start', 'church_events_events', ['start_date', 'start_time'],
                    unique=False)
    op.create_table('church_events_registrations',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('event_id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('registered', 'waiting', name='church_registration_status', native_enum=False,
                                length=32), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('registered_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('promoted_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['church_events_events.id'],
                            name=op.f('fk_church_events_registrations_event_id_church_events_events'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['identity_users.id'],
                            name=op.f('fk_church_events_registrations_user_id_identity_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_church_events_registrations')),
    sa.UniqueConstraint('event_id', 'user_id', name='uq_church_events_registrations_event_user')
    )
    op.create_index('ix_church_events_registrations_event_status', 'church_events_registrations',
                    ['event_id', 'status', 'registered_at', 'id'], unique=False)
    op.create_index('ix_church_events_registrations_user', 'church_events_registrations', ['user_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_church_events_registrations_user', table_name='church_events_registrations')
    op.drop_index('ix_church_events_registrations_event_status', table_name='church_events_registrations')
    op.drop_table('church_events_registrations')
    op.drop_index('ix_church_events_events_start', table_name='church_events_events')
    op.drop_index('ix_church_events_events_last_day', table_name='church_events_events')
    op.drop_table('church_events_events')
