"""community: the church's sites, families and members

Revision ID: 8c0a11e50001
Revises: 3bcb6e86ef46 (notifications)
Create Date: 2026-12-02 15:10:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = '8c0a11e50001'
down_revision = '3bcb6e86ef46'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'community_sites',
        sa.Column('id', sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column('code', sa.String(10), nullable=False, unique=True),
        sa.Column('name', sa.String(120), nullable=False),
        sa.Column('address', sa.String(255), nullable=False),
        sa.Column('city', sa.String(120), nullable=False),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('next_member_number', sa.Integer(), nullable=False),
        sa.Column('created_at', advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
    )
    op.create_table(
        'community_families',
        sa.Column('id', sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column('name', sa.String(150), nullable=False),
        sa.Column('site_id', sa.BigInteger(), sa.ForeignKey('community_sites.id', ondelete='RESTRICT'),
                  nullable=False),
        sa.Column('created_at', advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
    )
    op.create_index('ix_community_families_site', 'community_families', ['site_id'])
    op.create_table(
        'community_members',
        sa.Column('id', sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column('member_code', sa.String(32), nullable=False, unique=True),
        sa.Column('site_id', sa.BigInteger(), sa.ForeignKey('community_sites.id', ondelete='RESTRICT'),
                  nullable=False),
        sa.Column('user_id', sa.BigInteger(), sa.ForeignKey('identity_users.id', ondelete='SET NULL'), unique=True),
        sa.Column('first_name', sa.String(150), nullable=False),
        sa.Column('last_name', sa.String(150), nullable=False),
        sa.Column('email', sa.String(254), nullable=False),
        sa.Column('phone', sa.String(20), nullable=False),
        sa.Column('whatsapp_number', sa.String(20), nullable=False),
        sa.Column('photo', sa.String(500), nullable=False),
        sa.Column('date_of_birth', sa.Date()),
        sa.Column('gender', sa.String(1), nullable=False),
        sa.Column('marital_status', sa.String(20), nullable=False),
        sa.Column('address', sa.String(255), nullable=False),
        sa.Column('city', sa.String(120), nullable=False),
        sa.Column('postal_code', sa.String(10), nullable=False),
        sa.Column('is_baptized', sa.Boolean(), nullable=False),
        sa.Column('baptism_date', sa.Date()),
        sa.Column('status', sa.String(20), nullable=False),
        sa.Column('family_id', sa.BigInteger(), sa.ForeignKey('community_families.id', ondelete='SET NULL')),
        sa.Column('relationship', sa.String(20), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('search_text', sa.Text(), nullable=False),
        sa.Column('created_at', advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column('updated_at', advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
    )
    op.create_index('ix_community_members_site_status', 'community_members', ['site_id', 'status'])
    op.create_index('ix_community_members_family', 'community_members', ['family_id'])
    op.create_index('ix_community_members_last_first', 'community_members', ['last_name', 'first_name'])
    # The church's two sites exist on every database (the first administrator is created on CAB).
    op.execute(
        "INSERT INTO community_sites (code, name, address, city, is_active, next_member_number, created_at) "
        "VALUES ('CAB', 'Cabassou', '', '', true, 1, now()), ('MAC', 'Macouria', '', '', true, 1, now()) "
        "ON CONFLICT (code) DO NOTHING"
    )


def downgrade() -> None:
    op.drop_table('community_members')
    op.drop_table('community_families')
    op.drop_table('community_sites')
