"""ticketing_sales: quotas and holds, ticket types, orders, tickets, check-in scans and scanners, signing keys

Revision ID: 7a1c0e5e0002
Revises: 7a1c0e5e0001 (the events)
Create Date: 2026-12-02 03:06:09.251224
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op


revision = '7a1c0e5e0002'
down_revision = '7a1c0e5e0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ticketing_sales_quotas',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('sold', sa.Integer(), server_default='0', nullable=False),
    sa.Column('held', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint('capacity IS NULL OR capacity >= 0', name=op.f('ck_ticketing_sales_quotas_capacity_positive')),
    sa.CheckConstraint('sold >= 0 AND held >= 0', name=op.f('ck_ticketing_sales_quotas_counts_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticketing_sales_quotas'))
    )
    op.create_table('ticketing_sales_scans',
    sa.Column('event_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['ticketing_events.id'], name=op.f('fk_ticketing_sales_scans_event_id_ticketing_events'), ondelete='CASCADE'),
    sa.Column('nonce', sa.String(length=100), nullable=False),
    sa.Column('ticket_uuid', sa.Uuid(), nullable=False),
    sa.Column('scanner_id', sa.BigInteger(), nullable=False),
    sa.Column('at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_id', 'nonce', name=op.f('pk_ticketing_sales_scans'))
    )
    op.create_table('ticketing_sales_scanners',
    sa.Column('event_id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['ticketing_events.id'], name=op.f('fk_ticketing_sales_scanners_event_id_ticketing_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['identity_users.id'], name=op.f('fk_ticketing_sales_scanners_user_id_identity_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'user_id', name=op.f('pk_ticketing_sales_scanners'))
    )
    op.create_table('ticketing_sales_signing_keys',
    sa.Column('event_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['ticketing_events.id'], name=op.f('fk_ticketing_sales_signing_keys_event_id_ticketing_events'), ondelete='CASCADE'),
    sa.Column('public_key', sa.String(length=64), nullable=False),
    sa.Column('sealed_private_key', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_ticketing_sales_signing_keys'))
    )
    op.create_table('ticketing_sales_holds',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('quota_id', sa.BigInteger(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('until', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('state', sa.Enum('HELD', 'CONFIRMED', 'RELEASED', 'EXPIRED', 'OVERSOLD', name='hold_state', native_enum=False, length=32), nullable=False),
    sa.CheckConstraint('seats > 0', name=op.f('ck_ticketing_sales_holds_seats_positive')),
    sa.ForeignKeyConstraint(['quota_id'], ['ticketing_sales_quotas.id'], name=op.f('fk_ticketing_sales_holds_quota_id_ticketing_sales_quotas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_ticketing_sales_holds'))
    )
    op.create_index('ix_ticketing_sales_holds_due', 'ticketing_sales_holds', ['until'], unique=False, postgresql_where=sa.text("state = 'HELD'"))
    op.create_index('ix_ticketing_sales_holds_live', 'ticketing_sales_holds', ['quota_id', 'until'], unique=False, postgresql_where=sa.text("state = 'HELD'"))
    op.create_table('ticketing_sales_ticket_types',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('event_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['ticketing_events.id'], name=op.f('fk_ticketing_sales_ticket_types_event_id_ticketing_events'), ondelete='CASCADE'),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('price_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('quota_id', sa.BigInteger(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('sale_starts', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('sale_ends', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('implicit', sa.Boolean(), nullable=False),
    sa.CheckConstraint('price_minor >= 0', name=op.f('ck_ticketing_sales_ticket_types_price_positive')),
    sa.ForeignKeyConstraint(['quota_id'], ['ticketing_sales_quotas.id'], name=op.f('fk_ticketing_sales_ticket_types_quota_id_ticketing_sales_quotas'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticketing_sales_ticket_types'))
    )
    op.create_index(op.f('ix_ticketing_sales_ticket_types_event_id'), 'ticketing_sales_ticket_types', ['event_id'], unique=False)
    op.create_index('uq_ticketing_sales_ticket_types_implicit', 'ticketing_sales_ticket_types', ['event_id'], unique=True, postgresql_where=sa.text('implicit'))
    op.create_table('ticketing_sales_orders',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('reference', sa.Uuid(), nullable=False),
    sa.Column('event_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['ticketing_events.id'], name=op.f('fk_ticketing_sales_orders_event_id_ticketing_events'), ondelete='CASCADE'),
    sa.Column('ticket_type_id', sa.BigInteger(), nullable=False),
    sa.Column('buyer_id', sa.BigInteger(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('hold_until', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('HELD', 'LAPSED', 'PAID', 'OVERSOLD', 'CANCELLED', 'REFUNDED', name='order_status', native_enum=False, length=32), nullable=False),
    sa.Column('payment_uuid', sa.Uuid(), nullable=True),
    sa.Column('paid_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('flag_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('quantity BETWEEN 1 AND 10', name=op.f('ck_ticketing_sales_orders_quantity_range')),
    sa.ForeignKeyConstraint(['buyer_id'], ['identity_users.id'], name=op.f('fk_ticketing_sales_orders_buyer_id_identity_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['ticket_type_id'], ['ticketing_sales_ticket_types.id'], name=op.f('fk_ticketing_sales_orders_ticket_type_id_ticketing_sales_ticket_types'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticketing_sales_orders')),
    sa.UniqueConstraint('reference', name=op.f('uq_ticketing_sales_orders_reference'))
    )
    op.create_index(op.f('ix_ticketing_sales_orders_event_id'), 'ticketing_sales_orders', ['event_id'], unique=False)
    op.create_table('ticketing_sales_tickets',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.BigInteger(), nullable=False),
    sa.Column('event_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['ticketing_events.id'], name=op.f('fk_ticketing_sales_tickets_event_id_ticketing_events'), ondelete='CASCADE'),
    sa.Column('ticket_type_id', sa.BigInteger(), nullable=False),
    sa.Column('owner_id', sa.BigInteger(), nullable=False),
    sa.Column('price_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.Enum('EN_ATTENTE', 'PAYE', 'ANNULE', 'REMBOURSE', 'UTILISE', name='ticket_status', native_enum=False, length=32), nullable=False),
    sa.Column('secret', sa.Text(), nullable=True),
    sa.Column('short_code', sa.String(length=8), nullable=True),
    sa.Column('issued_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('used_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('used_by', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['ticketing_sales_orders.id'], name=op.f('fk_ticketing_sales_tickets_order_id_ticketing_sales_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['identity_users.id'], name=op.f('fk_ticketing_sales_tickets_owner_id_identity_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['ticket_type_id'], ['ticketing_sales_ticket_types.id'], name=op.f('fk_ticketing_sales_tickets_ticket_type_id_ticketing_sales_ticket_types'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticketing_sales_tickets')),
    sa.UniqueConstraint('event_id', 'short_code', name='uq_ticketing_sales_tickets_short_code'),
    sa.UniqueConstraint('uuid', name=op.f('uq_ticketing_sales_tickets_uuid'))
    )
    op.create_index(op.f('ix_ticketing_sales_tickets_event_id'), 'ticketing_sales_tickets', ['event_id'], unique=False)
    op.create_index(op.f('ix_ticketing_sales_tickets_order_id'), 'ticketing_sales_tickets', ['order_id'], unique=False)
    op.create_index(op.f('ix_ticketing_sales_tickets_owner_id'), 'ticketing_sales_tickets', ['owner_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_ticketing_sales_tickets_owner_id'), table_name='ticketing_sales_tickets')
    op.drop_index(op.f('ix_ticketing_sales_tickets_order_id'), table_name='ticketing_sales_tickets')
    op.drop_index(op.f('ix_ticketing_sales_tickets_event_id'), table_name='ticketing_sales_tickets')
    op.drop_table('ticketing_sales_tickets')
    op.drop_index(op.f('ix_ticketing_sales_orders_event_id'), table_name='ticketing_sales_orders')
    op.drop_table('ticketing_sales_orders')
    op.drop_index('uq_ticketing_sales_ticket_types_implicit', table_name='ticketing_sales_ticket_types', postgresql_where=sa.text('implicit'))
    op.drop_index(op.f('ix_ticketing_sales_ticket_types_event_id'), table_name='ticketing_sales_ticket_types')
    op.drop_table('ticketing_sales_ticket_types')
    op.drop_index('ix_ticketing_sales_holds_live', table_name='ticketing_sales_holds', postgresql_where=sa.text("state = 'HELD'"))
    op.drop_index('ix_ticketing_sales_holds_due', table_name='ticketing_sales_holds', postgresql_where=sa.text("state = 'HELD'"))
    op.drop_table('ticketing_sales_holds')
    op.drop_table('ticketing_sales_signing_keys')
    op.drop_table('ticketing_sales_scanners')
    op.drop_table('ticketing_sales_scans')
    op.drop_table('ticketing_sales_quotas')
