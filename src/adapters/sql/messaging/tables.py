"""Tables of the conversations. Attachments are rows of their own (their ids are on the wire: "att_<n>")."""

from __future__ import annotations

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Table,
    Text,
    column,
    table,
)

from adapters.sql.schema import metadata, str_enum
from domain.messaging.model import Category, ConversationStatus, Priority

conversations = Table(
    "messaging_conversations", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("municipality_id", BigInteger, ForeignKey("identity_municipalities.id", ondelete="CASCADE"),
           nullable=False),
    Column("citizen_id", BigInteger, ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("category", str_enum(Category, "conversation_category"), nullable=False),
    Column("priority", str_enum(Priority, "conversation_priority"), nullable=False),
    Column("status", str_enum(ConversationStatus, "conversation_status"), nullable=False),
    Column("reply_token", String(64), nullable=False, unique=True),
    Column("staff_unread", Integer, nullable=False, default=0),
    Column("citizen_unread", Integer, nullable=False, default=0),
    Column("message_count", Integer, nullable=False, default=0),
    Column("last_message_id", BigInteger),
    Column("first_response_at", DateTimeUTC(timezone=True)),
    Column("resolved_at", DateTimeUTC(timezone=True)),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
    CheckConstraint("staff_unread >= 0 AND citizen_unread >= 0", name="unread_not_negative"),
    Index("ix_messaging_conversations_town_updated", "municipality_id", "updated_at"),
    Index("ix_messaging_conversations_citizen_updated", "citizen_id", "updated_at"),
)

messages = Table(
    "messaging_messages", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("conversation_id", BigInteger, ForeignKey("messaging_conversations.id", ondelete="CASCADE"),
           nullable=False),
    Column("sender_id", BigInteger, ForeignKey("identity_users.id", ondelete="SET NULL")),
    Column("sender_type", String(20), nullable=False),
    Column("content", Text, nullable=False),
    Column("read_at", DateTimeUTC(timezone=True)),
    Column("external_id", String(200), unique=True),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Index("ix_messaging_messages_conversation_created", "conversation_id", "created_at"),
)

attachments = Table(
    "messaging_attachments", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("message_id", BigInteger, ForeignKey("messaging_messages.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("path", String(500), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("content_type", String(100), nullable=False),
    Index("ix_messaging_attachments_message", "message_id"),
)

# Identity's accounts, as the conversations read them (names, emails, avatars): named here rather than imported,
# since contexts' SQL adapters stay apart.
accounts = table("identity_users", column("id", BigInteger), column("first_name", String),
                 column("last_name", String), column("email", String), column("photo", String))
