"""Tables of the community context: the church's sites, its families and its members (the directory).

Other church contexts (events, worship, announcements) keep a site's or a member's id and read the blocks they
show through `application.shared.church.ChurchDirectory` (adapters/sql/community/directory.py).
"""

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
)

from adapters.sql.schema import metadata

sites = Table(
    "community_sites", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("code", String(10), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("address", String(255), nullable=False, default=""),
    Column("city", String(120), nullable=False, default=""),
    Column("is_active", Boolean, nullable=False, default=True),
    # The number the next member of this site gets (`EEBC-{code}-{n:04d}`), taken by one UPDATE ... RETURNING.
    Column("next_member_number", Integer, nullable=False, default=1),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
)

families = Table(
    "community_families", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("name", String(150), nullable=False),
    Column("site_id", BigInteger, ForeignKey("community_sites.id", ondelete="RESTRICT"), nullable=False),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Index("ix_community_families_site", "site_id"),
)

members = Table(
    "community_members", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("member_code", String(32), nullable=False, unique=True),  # the wire's `member_id`: EEBC-CAB-0042
    Column("site_id", BigInteger, ForeignKey("community_sites.id", ondelete="RESTRICT"), nullable=False),
    # The account that is this member (at most one member per account).
    Column("user_id", BigInteger, ForeignKey("identity_users.id", ondelete="SET NULL"), unique=True),
    Column("first_name", String(150), nullable=False),
    Column("last_name", String(150), nullable=False),
    Column("email", String(254), nullable=False, default=""),
    Column("phone", String(20), nullable=False, default=""),  # E.164
    Column("whatsapp_number", String(20), nullable=False, default=""),  # E.164
    Column("photo", String(500), nullable=False, default=""),
    Column("date_of_birth", Date),
    Column("gender", String(1), nullable=False, default=""),  # M / F / ""
    Column("marital_status", String(20), nullable=False, default=""),
    Column("address", String(255), nullable=False, default=""),
    Column("city", String(120), nullable=False, default=""),
    Column("postal_code", String(10), nullable=False, default=""),
    Column("is_baptized", Boolean, nullable=False, default=False),
    Column("baptism_date", Date),
    Column("status", String(20), nullable=False, default="actif"),
    Column("family_id", BigInteger, ForeignKey("community_families.id", ondelete="SET NULL")),
    Column("relationship", String(20), nullable=False, default=""),  # HEAD, SPOUSE, CHILD, PARENT, SIBLING, OTHER
    Column("notes", Text, nullable=False, default=""),
    # Lower-cased, accents removed: names, email and phone digits, for the directory's accent-insensitive search.
    Column("search_text", Text, nullable=False, default=""),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
    Index("ix_community_members_site_status", "site_id", "status"),
    Index("ix_community_members_family", "family_id"),
    Index("ix_community_members_last_first", "last_name", "first_name"),
)
