"""Tables of the events catalogue. Categories are reference data in code (domain/ticketing/model.py)."""

from __future__ import annotations

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Double,
    ForeignKey,
    Identity,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    column,
    table,
)

from adapters.sql.schema import metadata, str_enum
from domain.ticketing.model import AccessType, EventStatus, ParticipationStatus, Platform

events = Table(
    "ticketing_events", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("creator_id", BigInteger, ForeignKey("identity_users.id", ondelete="RESTRICT"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("short_description", String(300), nullable=False),
    Column("description", Text, nullable=False),
    Column("starts_at", DateTimeUTC(timezone=True), nullable=False),
    Column("ends_at", DateTimeUTC(timezone=True), nullable=False),
    Column("venue", String(200), nullable=False),
    Column("address", String(500), nullable=False),
    Column("category_id", Integer, nullable=False),
    Column("access_type", str_enum(AccessType, "event_access_type"), nullable=False),
    Column("price_minor", BigInteger),
    Column("currency", String(3), nullable=False),
    Column("capacity", Integer),
    Column("latitude", Double),
    Column("longitude", Double),
    Column("cover_image", String(500)),
    Column("status", str_enum(EventStatus, "event_status"), nullable=False),
    Column("rejection_reason", Text),
    Column("decided_at", DateTimeUTC(timezone=True)),
    Column("decided_by", BigInteger),
    Column("view_count", BigInteger, nullable=False, default=0),
    Column("share_count", BigInteger, nullable=False, default=0),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
    CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    CheckConstraint("(access_type = 'PAYANT' AND price_minor > 0) OR (access_type <> 'PAYANT' AND price_minor IS NULL)",
                    name="price_of_access"),
    CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    CheckConstraint("latitude IS NULL OR latitude BETWEEN -90 AND 90", name="latitude_range"),
    CheckConstraint("longitude IS NULL OR longitude BETWEEN -180 AND 180", name="longitude_range"),
    Index("ix_ticketing_events_status_starts", "status", "starts_at"),
    Index("ix_ticketing_events_status_ends", "status", "ends_at"),
    Index("ix_ticketing_events_creator_created", "creator_id", "created_at"),
    Index("ix_ticketing_events_category_starts", "category_id", "starts_at"),
)

participations = Table(
    "ticketing_participations", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("event_id", BigInteger, ForeignKey("ticketing_events.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False),
    Column("status", str_enum(ParticipationStatus, "participation_status"), nullable=False),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
    UniqueConstraint("event_id", "user_id", name="uq_ticketing_participations_event_user"),
    Index("ix_ticketing_participations_user_updated", "user_id", "updated_at"),
)

shares = Table(
    "ticketing_shares", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("event_id", BigInteger, ForeignKey("ticketing_events.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, ForeignKey("identity_users.id", ondelete="SET NULL")),
    Column("platform", str_enum(Platform, "share_platform"), nullable=False),
    Column("link", String(500), nullable=False),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Index("ix_ticketing_shares_event_created", "event_id", "created_at"),
)

# One row per viewer and event: when a look of theirs was last counted (the view debounce and trending).
viewers = Table(
    "ticketing_viewers", metadata,
    Column("event_id", BigInteger, ForeignKey("ticketing_events.id", ondelete="CASCADE"), nullable=False),
    Column("viewer", String(100), nullable=False),
    Column("counted_at", DateTimeUTC(timezone=True), nullable=False),
    PrimaryKeyConstraint("event_id", "viewer"),
    Index("ix_ticketing_viewers_counted", "counted_at"),
)

# Identity's accounts, as the catalogue reads them (a creator's username, a participant's photo, whether an
# identity is verified): named here rather than imported, since contexts' SQL adapters stay apart.
accounts = table("identity_users", column("id", BigInteger), column("username", String),
                 column("photo", String), column("identity_verified"))
