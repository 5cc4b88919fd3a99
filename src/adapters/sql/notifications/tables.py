"""Tables of the notifications context. Each `user_id` refers to identity's accounts: an account deleted takes its
inbox, choices, devices and delivery records with it."""

from __future__ import annotations

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
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from adapters.sql.schema import metadata, str_enum
from domain.notifications.delivery import DeliveryStatus
from domain.notifications.model import Channel, Frequency, NotificationStatus, Platform, PushService
from domain.shared.realm import Realm


def _user() -> Column[int]:
    return Column("user_id", BigInteger, ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False)


inbox = Table(
    "notifications_inbox", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    _user(),
    Column("realm", str_enum(Realm, "realm"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("title", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("key", String(500), nullable=False),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Column("data", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("action_link", Text),
    Column("status", str_enum(NotificationStatus, "notification_status"), nullable=False),
    Column("read_at", DateTimeUTC(timezone=True)),
    UniqueConstraint("user_id", "key", name="uq_notifications_inbox_user_key"),
    Index("ix_notifications_inbox_unread", "user_id", postgresql_where=text("read_at IS NULL")),
)

Index("ix_notifications_inbox_newest", inbox.c.user_id, inbox.c.created_at.desc(), inbox.c.id.desc())

preferences = Table(
    "notifications_preferences", metadata,
    _user(),
    Column("kind", String(40), nullable=False),
    Column("channel", str_enum(Channel, "channel"), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("frequency", str_enum(Frequency, "frequency"), nullable=False),
    PrimaryKeyConstraint("user_id", "kind", "channel"),
)

devices = Table(
    "notifications_devices", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    _user(),
    Column("token", String(4096), nullable=False),
    Column("service", str_enum(PushService, "push_service"), nullable=False),
    Column("platform", str_enum(Platform, "platform")),
    Column("device_name", String(100), nullable=False),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
    Column("active", Boolean, nullable=False),
    UniqueConstraint("token", name="uq_notifications_devices_token"),
    Index("ix_notifications_devices_user", "user_id", postgresql_where=text("active")),
)

deliveries = Table(
    "notifications_deliveries", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("key", String(500), nullable=False),
    _user(),
    Column("channel", str_enum(Channel, "channel"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("due_at", DateTimeUTC(timezone=True), nullable=False),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Column("group_key", String(600), nullable=False),
    Column("notification_id", BigInteger),  # the inbox entry it echoes, if any (which its owner may delete)
    Column("status", str_enum(DeliveryStatus, "delivery_status"), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("provider_id", String(200)),
    Column("target", String(4096)),
    Column("last_error", Text),
    Column("sent_at", DateTimeUTC(timezone=True)),
    Column("receipts", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("receipts_checked", Boolean, nullable=False, server_default=text("false")),
    UniqueConstraint("key", name="uq_notifications_deliveries_key"),
    Index("ix_notifications_deliveries_due", "due_at", "group_key", postgresql_where=text("status = 'PENDING'")),
    Index("ix_notifications_deliveries_receipts", "sent_at",
          postgresql_where=text("status = 'SENT' AND channel = 'PUSH' AND NOT receipts_checked "
                                "AND receipts <> '{}'::jsonb")),
)

bulk_sends = Table(
    "notifications_bulk_sends", metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("created_by", BigInteger, ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("recipients", Integer, nullable=False),
    Column("batches", Integer, nullable=False),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Column("data", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("processed", Integer, nullable=False, server_default="0"),
    Column("finished_at", DateTimeUTC(timezone=True)),
    CheckConstraint("processed >= 0 AND recipients >= 0", name="counts_positive"),
)
