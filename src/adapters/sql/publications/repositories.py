"""SQL repositories of the publications (PostgreSQL). Counters and the cron's transitions move in the database,
each in one statement."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, bindparam, delete, exists, func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.publications import tables
from adapters.sql.reads import ReadStatement, SqlReads
from application.publications.ports import DuePublication
from domain.publications.model import Comment, CommentStatus, Publication, PublicationStatus

_publications, _comments, _likes, _viewers = tables.publications, tables.comments, tables.likes, tables.viewers
_SCHEDULED, _PUBLISHED = PublicationStatus.SCHEDULED.value, PublicationStatus.PUBLISHED.value
_VISIBLE = CommentStatus.VISIBLE.value


class SqlPublicationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, publication: Publication) -> Publication:
        self._session.add(publication)
        await self._session.flush()
        return publication

    async def get_for_update(self, publication_id: int) -> Publication | None:
        result = await self._session.execute(
            select(Publication).where(_publications.c.id == publication_id).with_for_update()
            .execution_options(populate_existing=True))
        return result.scalar_one_or_none()

    async def save(self, publication: Publication) -> None:
        self._session.add(publication)
        await self._session.flush()

    async def delete(self, publication: Publication) -> None:
        await self._session.execute(delete(_publications).where(_publications.c.id == publication.id))
        self._session.expunge(publication)

    async def publish_due(self, now: datetime, limit: int) -> list[DuePublication]:
        due = (select(_publications.c.id, _publications.c.published_at.label("was"))
               .where(_publications.c.status == _SCHEDULED, _publications.c.scheduled_at <= now)
               .order_by(_publications.c.scheduled_at, _publications.c.id).limit(limit)
               .with_for_update(skip_locked=True).cte("due"))
        rows = await self._session.execute(
            update(_publications).where(_publications.c.id == due.c.id, _publications.c.status == _SCHEDULED)
            .values(status=_PUBLISHED, published_at=func.coalesce(_publications.c.published_at, now),
                    updated_at=now)
            .returning(_publications.c.id, _publications.c.municipality_id, _publications.c.author_id,
                       _publications.c.title, _publications.c.scheduled_at, due.c.was.is_(None).label("first"))
            .execution_options(synchronize_session=False))
        return [DuePublication(id=row.id, municipality_id=row.municipality_id, author_id=row.author_id,
                               title=row.title, scheduled_at=row.scheduled_at, first_time=bool(row.first))
                for row in rows]

    async def archive_expired(self, now: datetime) -> int:
        rows = await self._session.execute(
            update(_publications).where(_publications.c.status == _PUBLISHED, _publications.c.expires_at <= now)
            .values(status=PublicationStatus.ARCHIVED.value, updated_at=now).returning(_publications.c.id)
            .execution_options(synchronize_session=False))
        return len(rows.all())


def _subtree(comment_id: int) -> Any:
    """The comment and all its replies, at any depth."""
    tree = select(_comments.c.id).where(_comments.c.id == comment_id).cte("tree", recursive=True)
    return tree.union_all(select(_comments.c.id).where(_comments.c.parent_id == tree.c.id))


class SqlCommentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, comment: Comment) -> Comment:
        self._session.add(comment)
        await self._session.flush()
        await self._move_count(comment.publication_id, 1)
        return comment

    async def get(self, publication_id: int, comment_id: int) -> Comment | None:
        result = await self._session.execute(
            select(Comment).where(_comments.c.id == comment_id, _comments.c.publication_id == publication_id))
        return result.scalar_one_or_none()

    async def hide(self, comment: Comment) -> None:
        assert comment.id is not None
        tree = _subtree(comment.id)
        hidden = await self._session.execute(
            update(_comments).where(_comments.c.id.in_(select(tree.c.id)), _comments.c.status == _VISIBLE)
            .values(status=CommentStatus.HIDDEN.value).returning(_comments.c.id)
            .execution_options(synchronize_session=False))
        await self._move_count(comment.publication_id, -len(hidden.all()))
        self._session.expunge(comment)

    async def delete(self, comment: Comment) -> None:
        assert comment.id is not None
        tree = _subtree(comment.id)
        visible = await self._session.scalar(
            select(func.count()).select_from(_comments)
            .where(_comments.c.id.in_(select(tree.c.id)), _comments.c.status == _VISIBLE))
        await self._session.execute(delete(_comments).where(_comments.c.id == comment.id))
        self._session.expunge(comment)
        await self._move_count(comment.publication_id, -int(visible or 0))

    async def _move_count(self, publication_id: int, delta: int) -> None:
        if delta:
            await self._session.execute(
                update(_publications).where(_publications.c.id == publication_id)
                .values(comments_count=_publications.c.comments_count + delta)
                .execution_options(synchronize_session=False))


class SqlLikeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def toggle(self, publication_id: int, user_id: int) -> tuple[bool, int]:
        added = await self._session.execute(
            pg_insert(_likes).values(publication_id=publication_id, user_id=user_id).on_conflict_do_nothing()
            .returning(_likes.c.user_id))
        if added.first() is not None:
            liked, delta = True, 1
        else:
            removed = await self._session.execute(
                delete(_likes).where(_likes.c.publication_id == publication_id, _likes.c.user_id == user_id)
                .returning(_likes.c.user_id))
            liked, delta = False, -1 if removed.first() is not None else 0
        count = await self._session.scalar(
            update(_publications).where(_publications.c.id == publication_id)
            .values(likes_count=_publications.c.likes_count + delta).returning(_publications.c.likes_count)
            .execution_options(synchronize_session=False))
        return liked, int(count or 0)


_upsert = pg_insert(_viewers).values(publication_id=bindparam("publication_id", type_=BigInteger),
                                     user_id=bindparam("user_id", type_=BigInteger),
                                     counted_at=bindparam("now", type_=DateTimeUTC))
_counted = _upsert.on_conflict_do_update(
    index_elements=[_viewers.c.publication_id, _viewers.c.user_id], set_={"counted_at": _upsert.excluded.counted_at},
    where=_viewers.c.counted_at <= bindparam("since", type_=DateTimeUTC),
).returning(literal_column("1").label("counted")).cte("counted")
_COUNT_VIEW = ReadStatement(cast("Any", update(_publications)
                                 .where(_publications.c.id == bindparam("publication_id"),
                                        exists(select(_counted.c.counted)))
                                 .values(views=_publications.c.views + literal_column("1"))
                                 .returning(_publications.c.id).add_cte(_counted)))


class SqlViewCounter(SqlReads):
    """One statement on the plain asyncpg pool, committed by itself: a look opens no unit of work, and a look
    again within the window writes nothing (the upsert's condition fails). The upsert's row lock makes
    concurrent looks of one account count once."""

    async def count(self, publication_id: int, user_id: int, now: datetime, since: datetime) -> bool:
        if now.tzinfo is None:
            raise TypeError("tzinfo is required")
        row = await self._first(_COUNT_VIEW, publication_id=publication_id, user_id=user_id, now=now, since=since)
        return row is not None
