"""SQL repositories and read side of the announcements context (PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, exists, false, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import column, table

from adapters.sql.announcements import tables
from application.announcements.ports import AnnouncementCard, AnnouncementFilter
from domain.announcements.model import PRIORITY_RANK, Announcement

_a, _reads = tables.announcements, tables.reads
# Identity's accounts, read for an author's name only (their table belongs to the identity context).
_users = table("identity_users", column("id"), column("username"), column("first_name"), column("last_name"))


def _active_at(now: datetime) -> ColumnElement[bool]:
    return and_(_a.c.start_date <= now, or_(_a.c.end_date.is_(None), _a.c.end_date > now))


class SqlAnnouncementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, announcement: Announcement) -> Announcement:
        self._session.add(announcement)
        await self._session.flush()
        return announcement

    async def get(self, announcement_id: int) -> Announcement | None:
        return await self._session.get(Announcement, announcement_id)

    async def get_for_update(self, announcement_id: int) -> Announcement | None:
        result = await self._session.execute(
            select(Announcement).where(_a.c.id == announcement_id).with_for_update()
            .execution_options(populate_existing=True))
        return result.scalar_one_or_none()

    async def save(self, announcement: Announcement) -> None:
        self._session.add(announcement)
        await self._session.flush()

    async def delete(self, announcement: Announcement) -> None:
        await self._session.execute(delete(_a).where(_a.c.id == announcement.id))
        self._session.expunge(announcement)

    async def mark_due_announced(self, now: datetime) -> list[int]:
        rows = await self._session.execute(
            update(_a).where(_a.c.announced_at.is_(None), _active_at(now)).values(announced_at=now)
            .returning(_a.c.id))
        return sorted(row.id for row in rows)


class SqlReadMarks:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def mark(self, announcement_id: int, user_id: int, at: datetime) -> None:
        await self._session.execute(
            pg_insert(_reads).values(announcement_id=announcement_id, user_id=user_id, read_at=at)
            .on_conflict_do_nothing(index_elements=["announcement_id", "user_id"]))


class SqlAuthorNames:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def name_of(self, user_id: int) -> str:
        row = (await self._session.execute(
            select(_users.c.username, _users.c.first_name, _users.c.last_name).where(_users.c.id == user_id))).first()
        if row is None:
            return ""
        return f"{row.first_name} {row.last_name}".strip() or str(row.username)


_PRIORITY = case({p.value: rank for p, rank in PRIORITY_RANK.items()}, value=_a.c.priority, else_=0)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_FIELDS = [c for c in _a.c if c.name != "id"]


def _card(row: Any) -> AnnouncementCard:
    """A read model built from the row alone (Core, not the ORM's identity map: cheaper on a list)."""
    fields = {c.name: getattr(row, c.name) for c in _FIELDS}
    announcement = Announcement(id=row.id, **fields)
    return AnnouncementCard(announcement, bool(row.is_read))


class SqlAnnouncementReads:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _is_read(self, reader_id: int) -> Any:
        return exists().where(_reads.c.announcement_id == _a.c.id, _reads.c.user_id == reader_id)

    def _where(self, wanted: AnnouncementFilter) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if wanted.site_ids is not None:
            scope: ColumnElement[bool] = _a.c.site_id.in_(sorted(wanted.site_ids)) if wanted.site_ids else false()
            where.append(or_(scope, _a.c.site_id.is_(None)) if wanted.church_wide else scope)
        if wanted.active_at is not None:
            where.append(_active_at(wanted.active_at))
        if wanted.search:
            pattern = f"%{_escaped(wanted.search)}%"
            where.append(or_(_a.c.title.ilike(pattern, escape="\\"), _a.c.content.ilike(pattern, escape="\\")))
        if wanted.is_read is not None:
            is_read = self._is_read(wanted.reader_id)
            where.append(is_read if wanted.is_read else ~is_read)
        return where

    async def page(self, wanted: AnnouncementFilter, limit: int, offset: int) -> tuple[int, list[AnnouncementCard]]:
        where = self._where(wanted)
        total = await self._session.scalar(select(func.count()).select_from(_a).where(*where))
        if not total:
            return 0, []
        rows = await self._session.execute(
            select(*_a.c, self._is_read(wanted.reader_id).label("is_read")).where(*where)
            .order_by(_a.c.is_pinned.desc(), _PRIORITY.desc(), _a.c.start_date.desc(), _a.c.id.desc())
            .limit(limit).offset(offset))
        return int(total), [_card(row) for row in rows]

    async def one(self, announcement_id: int, reader_id: int) -> AnnouncementCard | None:
        row = (await self._session.execute(
            select(*_a.c, self._is_read(reader_id).label("is_read")).where(_a.c.id == announcement_id))).first()
        return _card(row) if row else None
