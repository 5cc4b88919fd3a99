"""Tables of the agenda. Attendees and the changed occurrences of a series live on the event's row (JSONB): an
answer or an occurrence change rewrites the row under its lock, and a listing reads one table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Identity,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from adapters.sql.schema import metadata, str_enum
from domain.agenda.model import Category, Location, OccurrenceChange, Priority, Rsvp


class AttendeesType(TypeDecorator[dict[int, Rsvp]]):
    """{user id: answer} <-> {"12": "pending"}."""

    impl = JSONB
    cache_ok = True

    def process_bind_param(self, value: dict[int, Rsvp] | None, dialect: Dialect) -> Any:
        return {str(user_id): str(answer) for user_id, answer in (value or {}).items()}

    def process_result_value(self, value: Any, dialect: Dialect) -> dict[int, Rsvp]:
        return {int(user_id): Rsvp(answer) for user_id, answer in (value or {}).items()}


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


class ChangesType(TypeDecorator[dict[str, OccurrenceChange]]):
    """{occurrence key: change} <-> JSON objects with ISO datetimes."""

    impl = JSONB
    cache_ok = True

    def process_bind_param(self, value: dict[str, OccurrenceChange] | None, dialect: Dialect) -> Any:
        return {key: {"cancelled": change.cancelled, "title": change.title, "description": change.description,
                      "starts_at": change.starts_at.isoformat() if change.starts_at else None,
                      "ends_at": change.ends_at.isoformat() if change.ends_at else None,
                      "location": None if change.location is None else [change.location.name,
                                                                        change.location.address],
                      "notes": change.notes}
                for key, change in (value or {}).items()}

    def process_result_value(self, value: Any, dialect: Dialect) -> dict[str, OccurrenceChange]:
        return {key: OccurrenceChange(
            cancelled=bool(raw["cancelled"]), title=raw["title"], description=raw["description"],
            starts_at=_moment(raw["starts_at"]), ends_at=_moment(raw["ends_at"]),
            location=None if raw["location"] is None else Location(*raw["location"]), notes=raw["notes"])
            for key, raw in (value or {}).items()}


events = Table(
    "agenda_events", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("municipality_id", BigInteger, ForeignKey("identity_municipalities.id", ondelete="CASCADE"),
           nullable=False),
    Column("organiser_id", BigInteger, ForeignKey("identity_users.id", ondelete="RESTRICT"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("category", str_enum(Category, "agenda_category"), nullable=False),
    Column("priority", str_enum(Priority, "agenda_priority"), nullable=False),
    Column("color", String(20), nullable=False),
    Column("starts_at", DateTimeUTC(timezone=True), nullable=False),
    Column("ends_at", DateTimeUTC(timezone=True), nullable=False),
    Column("all_day", Boolean, nullable=False),
    Column("location_name", String(200), nullable=False),
    Column("location_address", String(500), nullable=False),
    Column("rrule", String(500)),
    Column("reminders", ARRAY(Integer), nullable=False),
    Column("notes", Text, nullable=False),
    Column("is_public", Boolean, nullable=False),
    Column("attendees", AttendeesType, nullable=False),
    Column("changes", ChangesType, nullable=False),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
    CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    Index("ix_agenda_events_town_starts", "municipality_id", "starts_at"),
)

feeds = Table(
    "agenda_feeds", metadata,
    Column("kind", String(8), nullable=False),  # application.agenda.ports.FeedKind
    Column("owner_id", BigInteger, nullable=False),  # a municipality's id or an account's
    Column("generation", Integer, nullable=False),
    Column("digest", String(64), nullable=False, unique=True),
    PrimaryKeyConstraint("kind", "owner_id"),
)

reminders_sent = Table(
    "agenda_reminders_sent", metadata,
    Column("event_id", BigInteger, ForeignKey("agenda_events.id", ondelete="CASCADE"), nullable=False),
    Column("occurrence", String(13), nullable=False),  # the occurrence key, "" for a single event
    Column("minutes", Integer, nullable=False),
    Column("sent_at", DateTimeUTC(timezone=True), nullable=False),
    PrimaryKeyConstraint("event_id", "occurrence", "minutes"),
)
