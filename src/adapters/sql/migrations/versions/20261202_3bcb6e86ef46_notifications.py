"""notifications: inbox, preferences, push devices, deliveries (push, email, SMS) and bulk sends

Revision ID: 3bcb6e86ef46
Revises: 7a1c0e5e0002 (ticket sales)
Create Date: 2026-12-02 05:45:01.433314
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '3bcb6e86ef46'
down_revision = '7a1c0e5e0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notifications_bulk_sends',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('batches', sa.Integer(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('data', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.Column('processed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('finished_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.CheckConstraint('processed >= 0 AND recipients >= 0', name=op.f('ck_notifications_bulk_sends_counts_positive')),
    sa.ForeignKeyConstraint(['created_by'], ['identity_users.id'], name=op.f('fk_notifications_bulk_sends_created_by_identity_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications_bulk_sends'))
    )
    op.create_index(op.f('ix_notifications_bulk_sends_created_by'), 'notifications_bulk_sends', ['created_by'], unique=False)
    op.create_table('notifications_deliveries',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('key', sa.String(length=500), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('channel', sa.Enum('IN_APP', 'EMAIL', 'PUSH', 'SMS', name='channel', native_enum=False, length=32), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('due_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('group_key', sa.String(length=600), nullable=False),
    sa.Column('notification_id', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.Enum('PENDING', 'SENT', 'FAILED', 'SKIPPED', name='delivery_status', native_enum=False, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('provider_id', sa.String(length=200), nullable=True),
    sa.Column('target', sa.String(length=4096), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('receipts', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.Column('receipts_checked', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['identity_users.id'], name=op.f('fk_notifications_deliveries_user_id_identity_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications_deliveries')),
    sa.UniqueConstraint('key', name='uq_notifications_deliveries_key')
    )
    op.create_index('ix_notifications_deliveries_due', 'notifications_deliveries', ['due_at', 'group_key'], unique=False, postgresql_where=sa.text("status = 'PENDING'"))
    op.create_index('ix_notifications_deliveries_receipts', 'notifications_deliveries', ['sent_at'], unique=False, postgresql_where=sa.text("status = 'SENT' AND channel = 'PUSH' AND NOT receipts_checked AND receipts <> '{}'::jsonb"))
    op.create_table('notifications_devices',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('token', sa.String(length=4096), nullable=False),
    sa.Column('service', sa.Enum('EXPO', 'FCM', name='push_service', native_enum=False, length=32), nullable=False),
    sa.Column('platform', sa.Enum('ANDROID', 'IOS', 'WEB', name='platform', native_enum=False, length=32), nullable=True),
    sa.Column('device_name', sa.String(length=100), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['identity_users.id'], name=op.f('fk_notifications_devices_user_id_identity_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications_devices')),
    sa.UniqueConstraint('token', name='uq_notifications_devices_token')
    )
    op.create_index('ix_notifications_devices_user', 'notifications_devices', ['user_id'], unique=False, postgresql_where=sa.text('active'))
    op.create_table('notifications_inbox',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('realm', sa.Enum('spotvibe', 'mairie', 'eebc', name='realm', native_enum=False, length=32), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('key', sa.String(length=500), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('data', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.Column('action_link', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('ENVOYE', name='notification_status', native_enum=False, length=32), nullable=False),
    sa.Column('read_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['identity_users.id'], name=op.f('fk_notifications_inbox_user_id_identity_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications_inbox')),
    sa.UniqueConstraint('user_id', 'key', name='uq_notifications_inbox_user_key')
    )
    op.create_index('ix_notifications_inbox_newest', 'notifications_inbox', ['user_id', sa.literal_column('created_at DESC'), sa.literal_column('id DESC')], unique=False)
    op.create_index('ix_notifications_inbox_unread', 'notifications_inbox', ['user_id'], unique=False, postgresql_where=sa.text('read_at IS NULL'))
    op.create_table('notifications_preferences',
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.Enum('IN_APP', 'EMAIL', 'PUSH', 'SMS', name='channel', native_enum=False, length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('frequency', sa.Enum('IMMEDIATE', 'DAILY', 'WEEKLY', 'JAMAIS', name='frequency', native_enum=False, length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['identity_users.id'], name=op.f('fk_notifications_preferences_user_id_identity_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', 'channel', name=op.f('pk_notifications_preferences'))
    )


def downgrade() -> None:
    op.drop_table('notifications_preferences')
    op.drop_index('ix_notifications_inbox_unread', table_name='notifications_inbox', postgresql_where=sa.text('read_at IS NULL'))
    op.drop_index('ix_notifications_inbox_newest', table_name='notifications_inbox')
    op.drop_table('notifications_inbox')
    op.drop_index('ix_notifications_devices_user', table_name='notifications_devices', postgresql_where=sa.text('active'))
    op.drop_table('notifications_devices')
    op.drop_index('ix_notifications_deliveries_receipts', table_name='notifications_deliveries', postgresql_where=sa.text("status = 'SENT' AND channel = 'PUSH' AND NOT receipts_checked AND receipts <> '{}'::jsonb"))
    op.drop_index('ix_notifications_deliveries_due', table_name='notifications_deliveries', postgresql_where=sa.text("status = 'PENDING'"))
    op.drop_table('notifications_deliveries')
    op.drop_index(op.f('ix_notifications_bulk_sends_created_by'), table_name='notifications_bulk_sends')
    op.drop_table('notifications_bulk_sends')
