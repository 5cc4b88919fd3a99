"""Tables of the payments context."""

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
    Sequence,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from adapters.sql.schema import metadata, str_enum
from domain.payments.model import (
    Account,
    CommissionStatus,
    CommissionType,
    PaymentMethod,
    PaymentStatus,
    PaymentType,
    RefundReason,
    RefundStatus,
)

payments = Table(
    "payments_payments", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("uuid", Uuid, nullable=False, unique=True),
    Column("payer_id", BigInteger, ForeignKey("identity_users.id", ondelete="RESTRICT"), nullable=False),
    Column("type", str_enum(PaymentType, "payment_type"), nullable=False),
    Column("purpose_kind", String(40), nullable=False),
    Column("purpose_reference", String(100), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("currency", String(3), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("fees_minor", BigInteger, nullable=False),
    Column("net_minor", BigInteger, nullable=False),
    Column("refunded_minor", BigInteger, nullable=False, default=0),
    Column("method", str_enum(PaymentMethod, "payment_method"), nullable=False),
    Column("internal_reference", String(40), nullable=False, unique=True),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
    Column("settled_at", DateTimeUTC(timezone=True)),
    Column("beneficiary_id", BigInteger),  # a user, or none for the platform; kept even if the user goes
    Column("phone", String(20)),
    Column("email", String(254)),
    Column("status", str_enum(PaymentStatus, "payment_status"), nullable=False),
    Column("provider_reference", String(255)),
    Column("provider_transaction_id", String(255)),
    Column("redirect_url", String(2000)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("failure_reason", Text),
    Column("flagged_for_refund", Boolean, nullable=False, default=False),
    Column("flag_reason", Text),
    CheckConstraint("fees_minor + net_minor = amount_minor", name="fees_and_net_make_amount"),
    CheckConstraint("refunded_minor >= 0 AND refunded_minor <= amount_minor", name="refunded_within_amount"),
    CheckConstraint("amount_minor > 0", name="amount_positive"),
    Index("ix_payments_payments_payer_created", "payer_id", "created_at"),
    Index("ix_payments_payments_status_updated", "status", "updated_at"),
)

payment_attempts = Table(
    "payments_attempts", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("payment_id", BigInteger, ForeignKey("payments_payments.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("method", str_enum(PaymentMethod, "payment_method"), nullable=False),
    Column("reference", Uuid, nullable=False, unique=True),
    Column("order_id", String(64), nullable=False, unique=True),
    Column("phone", String(20)),
    Column("provider_reference", String(255)),
    Column("callback_secret", String(255)),
    Column("provider_status", String(64)),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Index("uq_payments_attempts_payment_number", "payment_id", "number", unique=True),
    Index("uq_payments_attempts_method_provider_reference", "method", "provider_reference", unique=True),
    Index("ix_payments_attempts_callback_secret", "callback_secret"),
    Index("ix_payments_attempts_created", "created_at"),
)

refunds = Table(
    "payments_refunds", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("payment_id", BigInteger, ForeignKey("payments_payments.id", ondelete="RESTRICT"), nullable=False),
    Column("payment_uuid", Uuid, nullable=False),
    Column("requester_id", BigInteger, ForeignKey("identity_users.id", ondelete="RESTRICT"), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("reason", str_enum(RefundReason, "refund_reason"), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("status", str_enum(RefundStatus, "refund_status"), nullable=False),
    Column("reference", Uuid, unique=True),
    Column("requested_at", DateTimeUTC(timezone=True), nullable=False),
    Column("decided_at", DateTimeUTC(timezone=True)),
    Column("decided_by", BigInteger),
    Column("decision_note", Text, nullable=False, default=""),
    Column("provider_reference", String(255)),
    Column("completed_at", DateTimeUTC(timezone=True)),
    Column("failure_reason", Text),
    CheckConstraint("amount_minor > 0", name="amount_positive"),
    Index("ix_payments_refunds_payment", "payment_id"),
    Index("ix_payments_refunds_requester", "requester_id"),
    Index("ix_payments_refunds_status", "status"),
)

commissions = Table(
    "payments_commissions", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("payment_id", BigInteger, ForeignKey("payments_payments.id", ondelete="RESTRICT"), nullable=False,
           unique=True),
    Column("type", str_enum(CommissionType, "commission_type"), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("rate_basis_points", Integer, nullable=False),
    Column("label", String(255), nullable=False, default=""),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Column("beneficiary_id", BigInteger),
    Column("status", str_enum(CommissionStatus, "commission_status"), nullable=False),
    Index("ix_payments_commissions_created", "created_at"),
)

ledger_entries = Table(
    "payments_ledger_entries", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("transaction_key", String(120), nullable=False),
    Column("payment_uuid", Uuid, nullable=False),
    Column("account", str_enum(Account, "ledger_account"), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("at", DateTimeUTC(timezone=True), nullable=False),
    UniqueConstraint("transaction_key", "account", name="uq_payments_ledger_entries_transaction_account"),
    Index("ix_payments_ledger_entries_at", "at"),
)

processed_callbacks = Table(
    "payments_processed_callbacks", metadata,
    Column("provider", String(40), nullable=False),
    Column("event_id", String(255), nullable=False),
    Column("received_at", DateTimeUTC(timezone=True), nullable=False),
    PrimaryKeyConstraint("provider", "event_id"),
)

# The internal references' sequence (`SV` + day + number). Alembic does not compare sequences: the
# payments revision creates it by hand.
payment_reference_seq = Sequence("payments_reference_seq", metadata=metadata)
