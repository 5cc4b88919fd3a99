"""The publications' read side: one round trip each (see adapters/sql/reads.py)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, String, bindparam, func, literal_column, or_, select
from sqlalchemy.sql import ColumnElement

from adapters.sql.patterns import any_matches, containing
from adapters.sql.publications import tables
from adapters.sql.reads import ReadStatement, RowReader, SqlReads
from application.publications.ports import (
    Author,
    CommentCard,
    PublicationCard,
    PublicationSearch,
    SortKey,
)
from domain.publications.model import Comment, CommentStatus, Publication, PublicationStatus

_publications, _comments, _likes, _accounts = tables.publications, tables.comments, tables.likes, tables.accounts
ROLE_ORDER = ("mayor", "admin", "moderator", "citizen")


def _is(column: ColumnElement[Any], value: str) -> ColumnElement[bool]:
    """A comparison with a constant written into the statement (a read statement binds named values only)."""
    return column == literal_column(f"'{value}'")


_now = bindparam("now", type_=DateTimeUTC)
_live = (_is(_publications.c.status, PublicationStatus.PUBLISHED.value)
         & or_(_publications.c.expires_at.is_(None), _publications.c.expires_at > _now))
_author_columns = (_accounts.c.first_name.label("author_first_name"), _accounts.c.last_name.label("author_last_name"),
                   _accounts.c.roles.label("author_roles"), _accounts.c.photo.label("author_photo"))
_CARD = (select(*_publications.c, *_author_columns)
         .select_from(_publications.join(_accounts, _accounts.c.id == _publications.c.author_id)))
_SORT = {SortKey.CREATED_AT: _publications.c.created_at, SortKey.UPDATED_AT: _publications.c.updated_at,
         SortKey.PUBLISHED_AT: _publications.c.published_at, SortKey.SCHEDULED_AT: _publications.c.scheduled_at,
         SortKey.TITLE: _publications.c.title, SortKey.VIEWS: _publications.c.views,
         SortKey.LIKES: _publications.c.likes_count}


@dataclass(frozen=True)
class _Shape:
    """Which conditions a list has: each shape is its own statement, planned with the indexes it can use."""

    live_only: bool
    type: bool
    status: bool
    search: bool
    sort: SortKey
    descending: bool


def _conditions(shape: _Shape) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [_publications.c.municipality_id == bindparam("town", type_=BigInteger)]
    if shape.live_only:
        conditions.append(_live)
    if shape.type:
        conditions.append(_publications.c.type == bindparam("type", type_=String))
    if shape.status:
        conditions.append(_publications.c.status == bindparam("status", type_=String))
    if shape.search:
        conditions.append(any_matches(bindparam("pattern", type_=String), _publications.c.title,
                                      _publications.c.content))
    return conditions


@functools.cache
def _count_statement(shape: _Shape) -> ReadStatement:
    return ReadStatement(select(func.count().label("total")).select_from(_publications).where(*_conditions(shape)))


@functools.cache
def _page_statement(shape: _Shape) -> ReadStatement:
    """The page, with the total counted apart in a scalar subquery."""
    conditions = _conditions(shape)
    count = select(func.count().label("total")).select_from(_publications).where(*conditions)
    key = _SORT[shape.sort]
    # NULLS LAST only where a value can be missing: on a NOT NULL column it would keep the planner from reading
    # the town's index backwards (ix_publications_town_created: the default list is then 20 index entries).
    descending, ascending = (key.desc().nulls_last(), key.asc().nulls_last()) if key.nullable else (key.desc(),
                                                                                                      key.asc())
    order = ((descending, _publications.c.id.desc()) if shape.descending
             else (ascending, _publications.c.id.asc()))
    return ReadStatement(_CARD.add_columns(count.scalar_subquery().label("total")).where(*conditions)
                         .order_by(_publications.c.is_pinned.desc(), *order)
                         .limit(bindparam("limit")).offset(bindparam("offset")))


_ONE = ReadStatement(_CARD.where(_publications.c.id == bindparam("publication_id")))
_COMMENTS = ReadStatement(
    select(*_comments.c, *_author_columns)
    .select_from(_comments.join(_accounts, _accounts.c.id == _comments.c.author_id))
    .where(_comments.c.publication_id == bindparam("publication_id"),
           _is(_comments.c.status, CommentStatus.VISIBLE.value))
    .order_by(_comments.c.created_at, _comments.c.id))
_LIKED = ReadStatement(select(literal_column("1").label("liked")).select_from(_likes).where(
    _likes.c.publication_id == bindparam("publication_id"), _likes.c.user_id == bindparam("user_id")))
_AUTHOR = ReadStatement(select(_accounts.c.id, *_author_columns).where(_accounts.c.id == bindparam("user_id")))
_publication = RowReader(_publications, Publication)
_comment = RowReader(_comments, Comment)


def author(user_id: int, record: Mapping[str, Any]) -> Author:
    roles = list(record["author_roles"] or [])
    role = next((name for name in ROLE_ORDER if name in roles), roles[0] if roles else "")
    name = f"{record['author_first_name'] or ''} {record['author_last_name'] or ''}".strip()
    return Author(id=user_id, name=name, role=role, avatar_url=record["author_photo"])


def _card(record: Mapping[str, Any]) -> PublicationCard:
    publication = _publication(record)
    return PublicationCard(publication, author(publication.author_id, record))


class SqlPublicationReads(SqlReads):
    async def page(self, search: PublicationSearch) -> tuple[list[PublicationCard], int]:
        shape = _Shape(live_only=not search.see_unpublished, type=search.type is not None,
                       status=search.status is not None, search=search.search is not None, sort=search.sort,
                       descending=search.descending)
        params: dict[str, Any] = {"town": search.municipality_id, "now": search.now, "limit": search.limit,
                                  "offset": search.offset,
                                  "pattern": containing(search.search) if search.search else None,
                                  "type": search.type.value if search.type else None,
                                  "status": search.status.value if search.status else None}
        rows = await self._all(_page_statement(shape), **params)
        if rows:
            return [_card(row) for row in rows], int(rows[0]["total"])
        if search.offset == 0:
            return [], 0
        # A page past the end: the total alone.
        count = await self._first(_count_statement(shape), **params)
        return [], int(count["total"]) if count else 0

    async def card(self, publication_id: int) -> PublicationCard | None:
        row = await self._first(_ONE, publication_id=publication_id)
        return _card(row) if row else None

    async def comments(self, publication_id: int) -> list[CommentCard]:
        rows = await self._all(_COMMENTS, publication_id=publication_id)
        cards = []
        for row in rows:
            comment = _comment(row)
            cards.append(CommentCard(comment, author(comment.author_id, row)))
        return cards

    async def liked(self, publication_id: int, user_id: int) -> bool:
        return await self._first(_LIKED, publication_id=publication_id, user_id=user_id) is not None

    async def author(self, user_id: int) -> Author | None:
        row = await self._first(_AUTHOR, user_id=user_id)
        return author(user_id, row) if row else None
