"""messaging: the town halls' conversations with their citizens

Revision ID: 9c0000000001
Revises: 9b0000000001
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = '9c0000000001'
down_revision = '9b0000000001'
branch_labels = None
depends_on = None

UTC = advanced_alchemy.types.DateTimeUTC(timezone=True)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        'messaging_conversations',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('municipality_id', sa.BigInteger(), nullable=False),
        sa.Column('citizen_id', sa.BigInteger(), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('category', _enum('conversation_category', 'services', 'etat_civil', 'urbanisme', 'voirie',
                                    'environnement', 'social', 'education', 'culture', 'autre'), nullable=False),
        sa.Column('priority', _enum('conversation_priority', 'low', 'normal', 'high', 'urgent'), nullable=False),
        sa.Column('status', _enum('conversation_status', 'unread', 'read', 'archived'), nullable=False),
        sa.Column('reply_token', sa.String(length=64), nullable=False),
        sa.Column('staff_unread', sa.Integer(), nullable=False),
        sa.Column('citizen_unread', sa.Integer(), nullable=False),
        sa.Column('message_count', sa.Integer(), nullable=False),
        sa.Column('last_message_id', sa.BigInteger(), nullable=True),
        sa.Column('first_response_at', UTC, nullable=True),
        sa.Column('resolved_at', UTC, nullable=True),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('updated_at', UTC, nullable=False),
        sa.CheckConstraint('staff_unread >= 0 AND citizen_unread >= 0',
                           name=op.f('ck_messaging_conversations_unread_not_negative')),
        sa.ForeignKeyConstraint(['citizen_id'], ['identity_users.id'],
                                name=op.f('fk_messaging_conversations_citizen_id_identity_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['municipality_id'], ['identity_municipalities.id'],
                                name=op.f('fk_messaging_conversations_municipality_id_identity_municipalities'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_messaging_conversations')),
        sa.UniqueConstraint('reply_token', name=op.f('uq_messaging_conversations_reply_token')),
    )
    op.create_index('ix_messaging_conversations_town_updated', 'messaging_conversations',
                    ['municipality_id', 'updated_at'], unique=False)
    op.create_index('ix_messaging_conversations_citizen_updated', 'messaging_conversations',
                    ['citizen_id', 'updated_at'], unique=False)
    op.create_table(
        'messaging_messages',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('conversation_id', sa.BigInteger(), nullable=False),
        sa.Column('sender_id', sa.BigInteger(), nullable=True),
        sa.Column('sender_type', sa.String(length=20), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('read_at', UTC, nullable=True),
        sa.Column('external_id', sa.String(length=200), nullable=True),
        sa.Column('created_at', UTC, nullable=False),
        sa.ForeignKeyConstraint(['conversation_id'], ['messaging_conversations.id'],
                                name=op.f('fk_messaging_messages_conversation_id_messaging_conversations'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sender_id'], ['identity_users.id'],
                                name=op.f('fk_messaging_messages_sender_id_identity_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_messaging_messages')),
        sa.UniqueConstraint('external_id', name=op.f('uq_messaging_messages_external_id')),
    )
    op.create_index('ix_messaging_messages_conversation_created', 'messaging_messages',
                    ['conversation_id', 'created_at'], unique=False)
    op.create_table(
        'messaging_attachments',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('message_id', sa.BigInteger(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('path', sa.String(length=500), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['messaging_messages.id'],
                                name=op.f('fk_messaging_attachments_message_id_messaging_messages'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_messaging_attachments')),
    )
    op.create_index('ix_messaging_attachments_message', 'messaging_attachments', ['message_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_messaging_attachments_message', table_name='messaging_attachments')
    op.drop_table('messaging_attachments')
    op.drop_index('ix_messaging_messages_conversation_created', table_name='messaging_messages')
    op.drop_table('messaging_messages')
    op.drop_index('ix_messaging_conversations_citizen_updated', table_name='messaging_conversations')
    op.drop_index('ix_messaging_conversations_town_updated', table_name='messaging_conversations')
    op.drop_table('messaging_conversations')
