"""Tables of the publications context."""

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
    column,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY

from adapters.sql.schema import metadata, str_enum
from domain.publications.model import CommentStatus, Priority, PublicationStatus, PublicationType

publications = Table(
    "publications_publications", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("municipality_id", BigInteger, ForeignKey("identity_municipalities.id", ondelete="RESTRICT"),
           nullable=False),
    Column("author_id", BigInteger, ForeignKey("identity_users.id", ondelete="RESTRICT"), nullable=False),
    Column("type", str_enum(PublicationType, "publication_type"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("content", Text, nullable=False),
    Column("excerpt", String(500), nullable=False),
    Column("category", String(50)),
    Column("tags", ARRAY(String(30)), nullable=False),
    Column("priority", str_enum(Priority, "publication_priority")),
    Column("allow_comments", Boolean, nullable=False),
    Column("is_pinned", Boolean, nullable=False),
    Column("status", str_enum(PublicationStatus, "publication_status"), nullable=False),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
    Column("scheduled_at", DateTimeUTC(timezone=True)),
    Column("published_at", DateTimeUTC(timezone=True)),
    Column("expires_at", DateTimeUTC(timezone=True)),
    Column("cover_image", String(500)),
    Column("images", ARRAY(String(500)), nullable=False),
    Column("likes_count", Integer, nullable=False, default=0),
    Column("comments_count", Integer, nullable=False, default=0),
    Column("views", BigInteger, nullable=False, default=0),
    CheckConstraint("likes_count >= 0 AND comments_count >= 0 AND views >= 0", name="counts"),
    # The town's list, pinned ones on top, newest first (read backwards).
    Index("ix_publications_town_created", "municipality_id", "is_pinned", "created_at", "id"),
    # Ordered by views (`ordering=-views`); the list's total counted from the index alone.
    Index("ix_publications_town_views", "municipality_id", "is_pinned", "views", "id"),
    Index("ix_publications_town_status", "municipality_id", "status", "expires_at"),
    # The cron's two questions: which scheduled ones are due, which published ones expired.
    Index("ix_publications_due", "scheduled_at", postgresql_where=text("status = 'scheduled'")),
    Index("ix_publications_expiring", "expires_at",
          postgresql_where=text("status = 'published' AND expires_at IS NOT NULL")),
)

comments = Table(
    "publications_comments", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("publication_id", BigInteger, ForeignKey("publications_publications.id", ondelete="CASCADE"),
           nullable=False),
    Column("author_id", BigInteger, ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False),
    Column("parent_id", BigInteger, ForeignKey("publications_comments.id", ondelete="CASCADE")),
    Column("content", Text, nullable=False),
    Column("status", str_enum(CommentStatus, "publication_comment_status"), nullable=False),
    Column("created_at", DateTimeUTC(timezone=True), nullable=False),
    Index("ix_publications_comments_publication", "publication_id", "created_at", "id"),
    Index("ix_publications_comments_parent", "parent_id"),
)

likes = Table(
    "publications_likes", metadata,
    Column("publication_id", BigInteger, ForeignKey("publications_publications.id", ondelete="CASCADE"),
           nullable=False),
    Column("user_id", BigInteger, ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False),
    PrimaryKeyConstraint("publication_id", "user_id", name="pk_publications_likes"),
)

viewers = Table(
    "publications_viewers", metadata,
    Column("publication_id", BigInteger, ForeignKey("publications_publications.id", ondelete="CASCADE"),
           nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("counted_at", DateTimeUTC(timezone=True), nullable=False),
    PrimaryKeyConstraint("publication_id", "user_id", name="pk_publications_viewers"),
)

# Identity's accounts, as publications read them (an author's name, role and photo; a town's accounts): named
# here rather than imported, since contexts' SQL adapters stay apart.
accounts = table("identity_users", column("id", BigInteger), column("first_name", String),
                 column("last_name", String), column("roles", ARRAY(String)), column("photo", String))
