"""agenda: secret ICS feeds and the reminders sent

Revision ID: 9g0000000001
Revises: 9f0000000001
Create Date: 2026-12-02 23:30:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = '9g0000000001'
down_revision = '9f0000000001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'agenda_feeds',
        sa.Column('kind', sa.String(8), nullable=False),
        sa.Column('owner_id', sa.BigInteger(), nullable=False),
        sa.Column('generation', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'owner_id', name=op.f('pk_agenda_feeds')),
        sa.UniqueConstraint('digest', name=op.f('uq_agenda_feeds_digest')),
    )
    op.create_table(
        'agenda_reminders_sent',
        sa.Column('event_id', sa.BigInteger(), nullable=False),
        sa.Column('occurrence', sa.String(13), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('sent_at', advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['agenda_events.id'], ondelete='CASCADE',
                                name=op.f('fk_agenda_reminders_sent_event_id_agenda_events')),
        sa.PrimaryKeyConstraint('event_id', 'occurrence', 'minutes', name=op.f('pk_agenda_reminders_sent')),
    )


def downgrade() -> None:
    op.drop_table('agenda_reminders_sent')
    op.drop_table('agenda_feeds')
