"""Tables of the worship context: services, roles, the members who serve in each role, the one assignments table
(the id a rota shows is the id an answer names) and the members' ICS feeds."""

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
)

from adapters.sql.schema import metadata, str_enum
from domain.worship.model import AssignmentStatus, ServiceType

services = Table(
    "worship_services", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("site_id", BigInteger, ForeignKey("community_sites.id", ondelete="RESTRICT"), nullable=False),
    Column("starts_at", DateTimeUTC(timezone=True), nullable=False),
    Column("service_type", str_enum(ServiceType, "worship_service_type"), nullable=False),
    Column("theme", String(200), nullable=False, default=""),
    Column("is_confirmed", Boolean, nullable=False, default=False),
    Index("ix_worship_services_starts", "starts_at"),
    Index("ix_worship_services_site_starts", "site_id", "starts_at"),
)

roles = Table(
    "worship_roles", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("code", String(50), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
)

role_members = Table(
    "worship_role_members", metadata,
    Column("role_id", BigInteger, ForeignKey("worship_roles.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", BigInteger, ForeignKey("community_members.id", ondelete="CASCADE"), nullable=False),
    PrimaryKeyConstraint("role_id", "member_id"),
    Index("ix_worship_role_members_member", "member_id"),
)

assignments = Table(
    "worship_assignments", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("service_id", BigInteger, ForeignKey("worship_services.id", ondelete="CASCADE"), nullable=False),
    Column("role_id", BigInteger, ForeignKey("worship_roles.id", ondelete="RESTRICT"), nullable=False),
    Column("member_id", BigInteger, ForeignKey("community_members.id", ondelete="CASCADE"), nullable=False),
    Column("status", str_enum(AssignmentStatus, "worship_assignment_status"), nullable=False),
    Column("decline_reason", Text, nullable=False, default=""),
    Column("answered_at", DateTimeUTC(timezone=True)),
    Column("replaced_by", BigInteger, ForeignKey("worship_assignments.id", ondelete="SET NULL")),
    Column("reminded_at", DateTimeUTC(timezone=True)),
    UniqueConstraint("service_id", "role_id", "member_id", name="uq_worship_assignment_member_role"),
    CheckConstraint("replaced_by IS NULL OR status = 'remplace'", name="replaced_when_remplace"),
    Index("ix_worship_assignments_service", "service_id"),
    Index("ix_worship_assignments_member", "member_id"),
)

feeds = Table(
    "worship_feeds", metadata,
    Column("member_id", BigInteger, ForeignKey("community_members.id", ondelete="CASCADE"), primary_key=True),
    Column("generation", Integer, nullable=False),
    Column("token_digest", String(64), nullable=False, unique=True),
)
