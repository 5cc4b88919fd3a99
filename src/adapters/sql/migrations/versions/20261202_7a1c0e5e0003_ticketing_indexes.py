"""ticketing indexes: tickets by issue time (trending's recent sales), trigram indexes for the list's search

Revision ID: 7a1c0e5e0003
Revises: 7a1c0e5e0002 (the sales)
Create Date: 2026-12-02 05:55:00

The trigram indexes (`pg_trgm`, GIN) serve `?search=` (title or description ILIKE '%...%'). They are made only
where the extension can be created: pgserver's embedded PostgreSQL ships no contrib extensions, and a role that
may not create it gets none; the search then scans, as before. They are not in the tables' metadata for that
reason (the schema is the same with or without them).
"""

from __future__ import annotations

from alembic import op

revision = '7a1c0e5e0003'
down_revision = '7a1c0e5e0002'
branch_labels = None
depends_on = None

TRIGRAMS = """
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX IF NOT EXISTS ix_ticketing_events_title_trgm ON ticketing_events USING gin (title gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS ix_ticketing_events_description_trgm
        ON ticketing_events USING gin (description gin_trgm_ops);
EXCEPTION WHEN undefined_file OR insufficient_privilege OR feature_not_supported THEN
    RAISE NOTICE 'pg_trgm cannot be created here (%): the event search scans', SQLERRM;
END
$$;
"""


def upgrade() -> None:
    op.create_index('ix_ticketing_sales_tickets_issued_at', 'ticketing_sales_tickets', ['issued_at'], unique=False)
    op.execute(TRIGRAMS)


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_ticketing_events_description_trgm")
    op.execute("DROP INDEX IF EXISTS ix_ticketing_events_title_trgm")
    op.drop_index('ix_ticketing_sales_tickets_issued_at', table_name='ticketing_sales_tickets')
