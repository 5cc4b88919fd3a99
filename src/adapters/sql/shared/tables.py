"""Tables every context uses: the outbox and the journal of completed jobs."""

from __future__ import annotations

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    Column,
    Index,
    String,
    Table,
)
from sqlalchemy.dialects.postgresql import JSONB

from adapters.sql.schema import metadata

outbox = Table(
    "outbox_messages", metadata,
    Column("id", String(64), primary_key=True),
    Column("topic", String(120), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("key", String(255), nullable=False),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Column("dispatched_at", DateTimeUTC(timezone=True)),
    Index("ix_outbox_messages_pending", "created_at", postgresql_where=Column("dispatched_at").is_(None)),
)

completed_jobs = Table(
    "completed_jobs", metadata,
    Column("key", String(255), primary_key=True),
    Column("topic", String(120), nullable=False),
    Column("completed_at", DateTimeUTC(timezone=True), nullable=False),
)
