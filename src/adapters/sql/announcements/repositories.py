"""SQL repositories and read side of the announcements context (PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import column, table

from adapters.sql.announcements import tables
from domain.announcements.model import Announcement

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
