"""The schema, as SQLAlchemy Core tables. Alembic migrations are written against this metadata."""

from __future__ import annotations

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Enum,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Sequence,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from domain.identity.model import CodePurpose, LoginOutcome, Realm, SocialProvider, TwoFactorMethod
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

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def str_enum(enum: type, name: str) -> Enum:
    return Enum(enum, name=name, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e],
                validate_strings=True)


municipalities = Table(
    "identity_municipalities", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("code", String(10), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
)

users = Table(
    "identity_users", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("realm", str_enum(Realm, "realm"), nullable=False),
    Column("username", String(150), nullable=False),
    Column("email", String(254), nullable=False),
    Column("password_hash", String(255)),
    Column("first_name", String(150), nullable=False, default=""),
    Column("last_name", String(150), nullable=False, default=""),
    Column("phone", String(20)),
    Column("roles", ARRAY(String(40)), nullable=False, default=list),
    Column("municipality_id", BigInteger, ForeignKey("identity_municipalities.id", ondelete="RESTRICT")),
    Column("site_code", String(10)),
    Column("photo", String(500)),
    Column("bio", Text, nullable=False, default=""),
    Column("birth_date", Date),
    Column("email_verified", Boolean, nullable=False, default=False),
    Column("identity_verified", Boolean, nullable=False, default=False),
    Column("notifications_email", Boolean, nullable=False, default=True),
    Column("notifications_push", Boolean, nullable=False, default=True),
    Column("must_change_password", Boolean, nullable=False, default=False),
    Column("is_active", Boolean, nullable=False, default=True),
    Column("two_factor_enabled", Boolean, nullable=False, default=False),
    Column("two_factor_method", str_enum(TwoFactorMethod, "two_factor_method")),
    Column("totp_secret", String(255)),
    Column("totp_last_step", BigInteger),
    Column("backup_code_hashes", ARRAY(String(64)), nullable=False, default=list),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", DateTimeUTC(timezone=True)),
    Column("last_login", DateTimeUTC(timezone=True)),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Index("uq_identity_users_realm_email", "realm", "email", unique=True),
    Index("ix_identity_users_municipality", "municipality_id"),
)
Index("uq_identity_users_realm_username", users.c.realm, func.lower(users.c.username), unique=True)

refresh_sessions = Table(
    "identity_refresh_sessions", metadata,
    Column("jti", String(64), primary_key=True),
    Column("family_id", String(64), nullable=False, index=True),
    Column("user_id", BigInteger, ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("realm", str_enum(Realm, "realm"), nullable=False),
    Column("issued_at", DateTimeUTC(timezone=True), nullable=False),
    Column("expires_at", DateTimeUTC(timezone=True), nullable=False),
    Column("revoked_at", DateTimeUTC(timezone=True)),
    Column("replaced_by", String(64)),
)

one_time_codes = Table(
    "identity_one_time_codes", metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", str_enum(CodePurpose, "code_purpose"), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Column("expires_at", DateTimeUTC(timezone=True), nullable=False),
    Column("max_attempts", Integer, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("consumed_at", DateTimeUTC(timezone=True)),
    Index("ix_identity_one_time_codes_user_purpose", "user_id", "purpose"),
    Index("ix_identity_one_time_codes_digest", "purpose", "digest"),
)

login_attempts = Table(
    "identity_login_attempts", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("realm", str_enum(Realm, "realm"), nullable=False),
    Column("identifier", String(254), nullable=False),
    Column("outcome", str_enum(LoginOutcome, "login_outcome"), nullable=False),
    Column("at", DateTimeUTC(timezone=True), nullable=False),
    Column("ip_address", String(64)),
    Column("user_agent", String(255)),
    Column("user_id", BigInteger, ForeignKey("identity_users.id", ondelete="CASCADE")),
    Index("ix_identity_login_attempts_user_at", "user_id", "at"),
)

social_accounts = Table(
    "identity_social_accounts", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("user_id", BigInteger, ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("provider", str_enum(SocialProvider, "social_provider"), nullable=False),
    Column("social_id", String(255), nullable=False),
    Column("email", String(254)),
    Column("full_name", String(300), nullable=False, default=""),
    Column("photo_url", String(1000)),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Index("uq_identity_social_accounts_provider_social_id", "provider", "social_id", unique=True),
)

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


# ---------------------------------------------------------------- payments

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
