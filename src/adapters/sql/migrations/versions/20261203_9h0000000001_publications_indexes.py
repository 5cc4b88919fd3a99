"""publications indexes: the list by views, the live count, trigram indexes for the search

Revision ID: 9h0000000001
Revises: 9g0000000001
Create Date: 2026-12-03 08:40:00

`ix_publications_town_views` serves `ordering=-views` (pinned first, then views, read backwards);
`ix_publications_town_status` lets the list's total be counted from the index alone (town, status, expiry).
The trigram indexes (`pg_trgm`, GIN) serve `?search=` (title or content ILIKE '%...%') where the extension can be
created, as the ticketing ones do (20261202_7a1c0e5e0003): pgserver's embedded PostgreSQL has none, and the search
then scans. They are not in the tables' metadata for that reason.
"""

from __future__ import annotations

from alembic import op

revision = '9h0000000001'
down_revision = '9g0000000001'
branch_labels = None
depends_on = None

TRIGRAMS = """
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX IF NOT EXISTS ix_publications_title_trgm ON publications_publications USING gin (title gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS ix_publications_content_trgm
        ON publications_publications USING gin (content gin_trgm_ops);
EXCEPTION WHEN undefined_file OR insufficient_privilege OR feature_not_supported THEN
    RAISE NOTICE 'pg_trgm cannot be created here (%): the publications search scans', SQLERRM;
END
$$;
"""


def upgrade() -> None:
    op.create_index('ix_publications_town_views', 'publications_publications',
                    ['municipality_id', 'is_pinned', 'views', 'id'], unique=False)
    op.create_index('ix_publications_town_status', 'publications_publications',
                    ['municipality_id', 'status', 'expires_at'], unique=False)
    op.execute(TRIGRAMS)


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_publications_content_trgm")
    op.execute("DROP INDEX IF EXISTS ix_publications_title_trgm")
    op.drop_index('ix_publications_town_status', table_name='publications_publications')
    op.drop_index('ix_publications_town_views', table_name='publications_publications')
