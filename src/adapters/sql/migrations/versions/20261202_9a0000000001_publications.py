"""publications: posts and communiqués, their comments, likes and views

Revision ID: 9a0000000001
Revises: 8c0a11e50001
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '9a0000000001'
down_revision = '8c0a11e50001'
branch_labels = None
depends_on = None

UTC = advanced_alchemy.types.DateTimeUTC(timezone=True)


def upgrade() -> None:
    op.create_table(
        'publications_publications',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('municipality_id', sa.BigInteger(), nullable=False),
        sa.Column('author_id', sa.BigInteger(), nullable=False),
        sa.Column('type', sa.String(32), nullable=False),
        sa.Column('title', sa.String(200), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('excerpt', sa.String(500), nullable=False),
        sa.Column('category', sa.String(50)),
        sa.Column('tags', postgresql.ARRAY(sa.String(30)), nullable=False),
        sa.Column('priority', sa.String(32)),
        sa.Column('allow_comments', sa.Boolean(), nullable=False),
        sa.Column('is_pinned', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('updated_at', UTC, nullable=False),
        sa.Column('scheduled_at', UTC),
        sa.Column('published_at', UTC),
        sa.Column('expires_at', UTC),
        sa.Column('cover_image', sa.String(500)),
        sa.Column('images', postgresql.ARRAY(sa.String(500)), nullable=False),
        sa.Column('likes_count', sa.Integer(), nullable=False),
        sa.Column('comments_count', sa.Integer(), nullable=False),
        sa.Column('views', sa.BigInteger(), nullable=False),
        sa.CheckConstraint('likes_count >= 0 AND comments_count >= 0 AND views >= 0',
                           name=op.f('ck_publications_publications_counts')),
        sa.ForeignKeyConstraint(['author_id'], ['identity_users.id'], ondelete='RESTRICT',
                                name=op.f('fk_publications_publications_author_id_identity_users')),
        sa.ForeignKeyConstraint(['municipality_id'], ['identity_municipalities.id'], ondelete='RESTRICT',
                                name=op.f('fk_publications_publications_municipality_id_identity_municipalities')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_publications_publications')),
    )
    op.create_index('ix_publications_town_created', 'publications_publications',
                    ['municipality_id', 'is_pinned', 'created_at', 'id'])
    op.create_index('ix_publications_due', 'publications_publications', ['scheduled_at'],
                    postgresql_where=sa.text("status = 'scheduled'"))
    op.create_index('ix_publications_expiring', 'publications_publications', ['expires_at'],
                    postgresql_where=sa.text("status = 'published' AND expires_at IS NOT NULL"))
    op.create_table(
        'publications_comments',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('publication_id', sa.BigInteger(), nullable=False),
        sa.Column('author_id', sa.BigInteger(), nullable=False),
        sa.Column('parent_id', sa.BigInteger()),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['identity_users.id'], ondelete='CASCADE',
                                name=op.f('fk_publications_comments_author_id_identity_users')),
        sa.ForeignKeyConstraint(['parent_id'], ['publications_comments.id'], ondelete='CASCADE',
                                name=op.f('fk_publications_comments_parent_id_publications_comments')),
        sa.ForeignKeyConstraint(['publication_id'], ['publications_publications.id'], ondelete='CASCADE',
                                name=op.f('fk_publications_comments_publication_id_publications_publications')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_publications_comments')),
    )
    op.create_index('ix_publications_comments_publication', 'publications_comments',
                    ['publication_id', 'created_at', 'id'])
    op.create_index('ix_publications_comments_parent', 'publications_comments', ['parent_id'])
    op.create_table(
        'publications_likes',
        sa.Column('publication_id', sa.BigInteger(), nullable=False),
        sa.Column('user_id', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['publication_id'], ['publications_publications.id'], ondelete='CASCADE',
                                name=op.f('fk_publications_likes_publication_id_publications_publications')),
        sa.ForeignKeyConstraint(['user_id'], ['identity_users.id'], ondelete='CASCADE',
                                name=op.f('fk_publications_likes_user_id_identity_users')),
        sa.PrimaryKeyConstraint('publication_id', 'user_id', name='pk_publications_likes'),
    )
    op.create_table(
        'publications_viewers',
        sa.Column('publication_id', sa.BigInteger(), nullable=False),
        sa.Column('user_id', sa.BigInteger(), nullable=False),
        sa.Column('counted_at', UTC, nullable=False),
        sa.ForeignKeyConstraint(['publication_id'], ['publications_publications.id'], ondelete='CASCADE',
                                name=op.f('fk_publications_viewers_publication_id_publications_publications')),
        sa.PrimaryKeyConstraint('publication_id', 'user_id', name='pk_publications_viewers'),
    )


def downgrade() -> None:
    op.drop_table('publications_viewers')
    op.drop_table('publications_likes')
    op.drop_index('ix_publications_comments_parent', table_name='publications_comments')
    op.drop_index('ix_publications_comments_publication', table_name='publications_comments')
    op.drop_table('publications_comments')
    op.drop_index('ix_publications_expiring', table_name='publications_publications')
    op.drop_index('ix_publications_due', table_name='publications_publications')
    op.drop_index('ix_publications_town_created', table_name='publications_publications')
    op.drop_table('publications_publications')
