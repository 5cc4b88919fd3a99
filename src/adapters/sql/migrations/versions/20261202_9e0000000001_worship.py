"""worship: services, roles, the members serving in them, assignments, ICS feeds

Revision ID: 9e0000000001
Revises: 9d0000000001
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = '9e0000000001'
down_revision = '9d0000000001'
branch_labels = None
depends_on = None

UTC = advanced_alchemy.types.DateTimeUTC(timezone=True)


def upgrade() -> None:
    op.create_table(
        'worship_services',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('site_id', sa.BigInteger(), nullable=False),
        sa.Column('starts_at', UTC, nullable=False),
        sa.Column('service_type', sa.Enum('culte_dominical', 'culte_priere', 'etude_biblique', 'culte_jeunesse',
                                          'culte_special', name='worship_service_type', native_enum=False,
                                          length=32), nullable=False),
        sa.Column('theme', sa.String(200), nullable=False),
        sa.Column('is_confirmed', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['community_sites.id'], ondelete='RESTRICT',
                                name=op.f('fk_worship_services_site_id_community_sites')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_worship_services')),
    )
    op.create_index('ix_worship_services_starts', 'worship_services', ['starts_at'])
    op.create_index('ix_worship_services_site_starts', 'worship_services', ['site_id', 'starts_at'])
    op.create_table(
        'worship_roles',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('code', sa.String(50), nullable=False),
        sa.Column('name', sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_worship_roles')),
        sa.UniqueConstraint('code', name=op.f('uq_worship_roles_code')),
    )
    op.create_table(
        'worship_role_members',
        sa.Column('role_id', sa.BigInteger(), nullable=False),
        sa.Column('member_id', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['role_id'], ['worship_roles.id'], ondelete='CASCADE',
                                name=op.f('fk_worship_role_members_role_id_worship_roles')),
        sa.ForeignKeyConstraint(['member_id'], ['community_members.id'], ondelete='CASCADE',
                                name=op.f('fk_worship_role_members_member_id_community_members')),
        sa.PrimaryKeyConstraint('role_id', 'member_id', name=op.f('pk_worship_role_members')),
    )
    op.create_index('ix_worship_role_members_member', 'worship_role_members', ['member_id'])
    op.create_table(
        'worship_assignments',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('service_id', sa.BigInteger(), nullable=False),
        sa.Column('role_id', sa.BigInteger(), nullable=False),
        sa.Column('member_id', sa.BigInteger(), nullable=False),
        sa.Column('status', sa.Enum('en_attente', 'confirme', 'decline', 'remplace',
                                    name='worship_assignment_status', native_enum=False, length=32),
                  nullable=False),
        sa.Column('decline_reason', sa.Text(), nullable=False),
        sa.Column('answered_at', UTC, nullable=True),
        sa.Column('replaced_by', sa.BigInteger(), nullable=True),
        sa.Column('reminded_at', UTC, nullable=True),
        sa.CheckConstraint("replaced_by IS NULL OR status = 'remplace'",
                           name=op.f('ck_worship_assignments_replaced_when_remplace')),
        sa.ForeignKeyConstraint(['service_id'], ['worship_services.id'], ondelete='CASCADE',
                                name=op.f('fk_worship_assignments_service_id_worship_services')),
        sa.ForeignKeyConstraint(['role_id'], ['worship_roles.id'], ondelete='RESTRICT',
                                name=op.f('fk_worship_assignments_role_id_worship_roles')),
        sa.ForeignKeyConstraint(['member_id'], ['community_members.id'], ondelete='CASCADE',
                                name=op.f('fk_worship_assignments_member_id_community_members')),
        sa.ForeignKeyConstraint(['replaced_by'], ['worship_assignments.id'], ondelete='SET NULL',
                                name=op.f('fk_worship_assignments_replaced_by_worship_assignments')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_worship_assignments')),
        sa.UniqueConstraint('service_id', 'role_id', 'member_id', name='uq_worship_assignment_member_role'),
    )
    op.create_index('ix_worship_assignments_service', 'worship_assignments', ['service_id'])
    op.create_index('ix_worship_assignments_member', 'worship_assignments', ['member_id'])
    op.create_table(
        'worship_feeds',
        sa.Column('member_id', sa.BigInteger(), nullable=False),
        sa.Column('generation', sa.Integer(), nullable=False),
        sa.Column('token_digest', sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(['member_id'], ['community_members.id'], ondelete='CASCADE',
                                name=op.f('fk_worship_feeds_member_id_community_members')),
        sa.PrimaryKeyConstraint('member_id', name=op.f('pk_worship_feeds')),
        sa.UniqueConstraint('token_digest', name=op.f('uq_worship_feeds_token_digest')),
    )


def downgrade() -> None:
    op.drop_table('worship_feeds')
    op.drop_index('ix_worship_assignments_member', table_name='worship_assignments')
    op.drop_index('ix_worship_assignments_service', table_name='worship_assignments')
    op.drop_table('worship_assignments')
    op.drop_index('ix_worship_role_members_member', table_name='worship_role_members')
    op.drop_table('worship_role_members')
    op.drop_table('worship_roles')
    op.drop_index('ix_worship_services_site_starts', table_name='worship_services')
    op.drop_index('ix_worship_services_starts', table_name='worship_services')
    op.drop_table('worship_services')
