"""Tables of ticket sales. Every `event_id` refers to the catalogue's `ticketing_events` (one context): an event
deleted (only one without tickets sold may be) takes its types, orders, tickets, scans and key with it."""

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

from adapters.sql.schema import metadata, str_enum
from domain.shared.quota import HoldState
from domain.ticketing.sales import OrderStatus, TicketStatus

# `held` counts the seats of the holds in state HELD, expired ones included until they are reclaimed.
quotas = Table(
    "ticketing_sales_quotas", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("capacity", Integer),  # NULL: unlimited
    Column("sold", Integer, nullable=False, server_default="0"),
    Column("held", Integer, nullable=False, server_default="0"),
    CheckConstraint("sold >= 0 AND held >= 0", name="counts_positive"),
    CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_positive"),
)

holds = Table(
    "ticketing_sales_holds", metadata,
    Column("key", String(100), primary_key=True),
    Column("quota_id", BigInteger, ForeignKey("ticketing_sales_quotas.id", ondelete="CASCADE"), nullable=False),
    Column("seats", Integer, nullable=False),
    Column("until", DateTimeUTC(timezone=True), nullable=False),
    Column("state", str_enum(HoldState, "hold_state"), nullable=False),
    CheckConstraint("seats > 0", name="seats_positive"),
    Index("ix_ticketing_sales_holds_live", "quota_id", "until", postgresql_where=text("state = 'HELD'")),
    Index("ix_ticketing_sales_holds_due", "until", postgresql_where=text("state = 'HELD'")),
)

ticket_types = Table(
    "ticketing_sales_ticket_types", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("event_id", BigInteger, ForeignKey("ticketing_events.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("name", String(100), nullable=False),
    Column("price_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("quota_id", BigInteger, ForeignKey("ticketing_sales_quotas.id", ondelete="RESTRICT"), nullable=False),
    Column("capacity", Integer),
    Column("sale_starts", DateTimeUTC(timezone=True)),
    Column("sale_ends", DateTimeUTC(timezone=True)),
    Column("implicit", Boolean, nullable=False),
    CheckConstraint("price_minor >= 0", name="price_positive"),
    Index("uq_ticketing_sales_ticket_types_implicit", "event_id", unique=True, postgresql_where=text("implicit")),
)

orders = Table(
    "ticketing_sales_orders", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("reference", Uuid, nullable=False, unique=True),
    Column("event_id", BigInteger, ForeignKey("ticketing_events.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("ticket_type_id", BigInteger, ForeignKey("ticketing_sales_ticket_types.id", ondelete="CASCADE"),
           nullable=False),
    Column("buyer_id", BigInteger, ForeignKey("identity_users.id", ondelete="RESTRICT"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Column("hold_until", DateTimeUTC(timezone=True), nullable=False),
    Column("status", str_enum(OrderStatus, "order_status"), nullable=False),
    Column("payment_uuid", Uuid),
    Column("paid_at", DateTimeUTC(timezone=True)),
    Column("flag_reason", Text),
    CheckConstraint("quantity BETWEEN 1 AND 10", name="quantity_range"),
)

tickets = Table(
    "ticketing_sales_tickets", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("uuid", Uuid, nullable=False, unique=True),
    Column("order_id", BigInteger, ForeignKey("ticketing_sales_orders.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("event_id", BigInteger, ForeignKey("ticketing_events.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("ticket_type_id", BigInteger, ForeignKey("ticketing_sales_ticket_types.id", ondelete="CASCADE"),
           nullable=False),
    Column("owner_id", BigInteger, ForeignKey("identity_users.id", ondelete="RESTRICT"), nullable=False,
           index=True),
    Column("price_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", str_enum(TicketStatus, "ticket_status"), nullable=False),
    Column("secret", Text),
    Column("short_code", String(8)),
    Column("issued_at", DateTimeUTC(timezone=True), index=True),
    Column("used_at", DateTimeUTC(timezone=True)),
    Column("used_by", BigInteger),
    UniqueConstraint("event_id", "short_code", name="uq_ticketing_sales_tickets_short_code"),
)

scans = Table(
    "ticketing_sales_scans", metadata,
    Column("event_id", BigInteger, ForeignKey("ticketing_events.id", ondelete="CASCADE"), nullable=False),
    Column("nonce", String(100), nullable=False),
    Column("ticket_uuid", Uuid, nullable=False),
    Column("scanner_id", BigInteger, nullable=False),
    Column("at", DateTimeUTC(timezone=True), nullable=False),
    PrimaryKeyConstraint("event_id", "nonce"),
)

signing_keys = Table(
    "ticketing_sales_signing_keys", metadata,
    Column("event_id", BigInteger, ForeignKey("ticketing_events.id", ondelete="CASCADE"), primary_key=True),
    Column("public_key", String(64), nullable=False),
    Column("sealed_private_key", Text, nullable=False),
)

scanners = Table(
    "ticketing_sales_scanners", metadata,
    Column("event_id", BigInteger, ForeignKey("ticketing_events.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("identity_users.id", ondelete="CASCADE"), primary_key=True),
)
