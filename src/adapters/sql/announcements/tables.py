"""Tables of the announcements context: the announcements and who read which."""

from __future__ import annotations

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Identity,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)

from adapters.sql.schema import metadata, str_enum
from domain.announcements.model import Priority

announcements = Table(
    "announcements_items", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("content", Text, nullable=False),
    # None: for every site.
    Column("site_id", BigInteger, ForeignKey("community_sites.id", ondelete="CASCADE")),
    Column("start_date", DateTimeUTC(timezone=True), nullable=False),
    Column("end_date", DateTimeUTC(timezone=True)),
    Column("is_pinned", Boolean, nullable=False, default=False),
    Column("priority", str_enum(Priority, "announcement_priority"), nullable=False),
    Column("author_id", BigInteger, ForeignKey("identity_users.id", ondelete="RESTRICT"), nullable=False),
    Column("author_name", String(300), nullable=False),
    # Set once, when it became active and its push was queued.
    Column("announced_at", DateTimeUTC(timezone=True)),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
    Index("ix_announcements_items_site_start", "site_id", "start_date"),
    Index("ix_announcements_items_due", "start_date", postgresql_where=text("announced_at IS NULL")),
)

reads = Table(
    "announcements_reads", metadata,
    Column("announcement_id", BigInteger, ForeignKey("announcements_items.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False),
    Column("read_at", DateTimeUTC(timezone=True), nullable=False),
    PrimaryKeyConstraint("announcement_id", "user_id"),
)
