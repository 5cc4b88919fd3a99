"""Tables of the identity context."""

from __future__ import annotations

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY

from adapters.sql.schema import metadata, str_enum
from domain.identity.model import CodePurpose, LoginOutcome, Realm, SocialProvider, TwoFactorMethod

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
