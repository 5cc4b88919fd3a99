"""Tables of the church events: the events of each site and the accounts' registrations (places and the
waiting list)."""

from __future__ import annotations

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    column,
    table,
)

from adapters.sql.schema import metadata, str_enum
from domain.church_events.model import RegistrationStatus

events = Table(
    "church_events_events", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("site_id", BigInteger, ForeignKey("community_sites.id", ondelete="RESTRICT"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("start_date", Date, nullable=False),
    Column("start_time", Time),
    Column("end_date", Date),
    Column("end_time", Time),
    Column("location", String(200), nullable=False, default=""),
    Column("all_day", Boolean, nullable=False, default=False),
    Column("color", String(7), nullable=False),
    Column("capacity", Integer),  # NULL: unlimited
    Column("is_cancelled", Boolean, nullable=False, default=False),
    Column("created_by", BigInteger, ForeignKey("identity_users.id", ondelete="SET NULL")),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
    CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    CheckConstraint("end_date IS NULL OR end_date >= start_date", name="ends_after_start"),
    # The upcoming list reads by last day (end_date, else start_date).
    Index("ix_church_events_events_last_day", "site_id", "start_date", "end_date"),
    Index("ix_church_events_events_start", "start_date", "start_time"),
)

registrations = Table(
    "church_events_registrations", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("event_id", BigInteger, ForeignKey("church_events_events.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False),
    Column("status", str_enum(RegistrationStatus, "church_registration_status"), nullable=False),
    Column("notes", Text, nullable=False, default=""),
    Column("registered_at", DateTimeUTC(timezone=True), nullable=False),
    Column("promoted_at", DateTimeUTC(timezone=True)),
    UniqueConstraint("event_id", "user_id", name="uq_church_events_registrations_event_user"),
    Index("ix_church_events_registrations_event_status", "event_id", "status", "registered_at", "id"),
    Index("ix_church_events_registrations_user", "user_id"),
)

# Identity's accounts as the staff list of registrations shows them: named here, not imported (the contexts'
# SQL adapters stay apart).
accounts = table("identity_users", column("id", BigInteger), column("username", String),
                 column("first_name", String), column("last_name", String), column("email", String))
