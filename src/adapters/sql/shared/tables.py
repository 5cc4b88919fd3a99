"""Tables every context uses: the outbox, the journal of completed jobs, the shared rate limiter's windows."""

from __future__ import annotations

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    Column,
    DateTime,
    Index,
    LargeBinary,
    String,
    Table,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

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

# The rate limiter's sliding logs (adapters/sql/throttle.py): one row per key, the hits still in its window.
throttle_windows = Table(
    "throttle_windows", metadata,
    Column("key", LargeBinary(32), primary_key=True),
    Column("hits", ARRAY(DateTime(timezone=True)), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)
