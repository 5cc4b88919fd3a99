"""SQL repositories of the church events (PostgreSQL; the read side is reads.py). Registrations of one event queue
on the event's row lock (SELECT ... FOR UPDATE), taken by the use cases before they count places."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.church_events import tables
from domain.church_events.errors import AlreadyRegistered
from domain.church_events.model import ChurchEvent, Registration, RegistrationStatus

UNIQUE_VIOLATION = "23505"
_events, _regs = tables.events, tables.registrations
REGISTERED, WAITING = RegistrationStatus.REGISTERED, RegistrationStatus.WAITING


class SqlChurchEventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, event: ChurchEvent) -> ChurchEvent:
        self._session.add(event)
        await self._session.flush()
        return event

    async def get_for_update(self, event_id: int) -> ChurchEvent | None:
        result = await self._session.execute(
            select(ChurchEvent).where(_events.c.id == event_id).with_for_update()
            .execution_options(populate_existing=True))
        return result.scalar_one_or_none()

    async def save(self, event: ChurchEvent) -> None:
        self._session.add(event)
        await self._session.flush()

    async def delete(self, event: ChurchEvent) -> None:
        await self._session.execute(delete(_events).where(_events.c.id == event.id))
        self._session.expunge(event)


class SqlRegistrationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_user(self, event_id: int, user_id: int) -> Registration | None:
        result = await self._session.execute(
            select(Registration).where(_regs.c.event_id == event_id, _regs.c.user_id == user_id)
            .execution_options(populate_existing=True))
        return result.scalar_one_or_none()

    async def _count(self, *where: Any) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(_regs).where(*where)) or 0)

    async def count_registered(self, event_id: int) -> int:
        return await self._count(_regs.c.event_id == event_id, _regs.c.status == REGISTERED)

    async def count(self, event_id: int) -> int:
        return await self._count(_regs.c.event_id == event_id)

    async def first_waiting(self, event_id: int, limit: int) -> list[Registration]:
        result = await self._session.execute(
            select(Registration).where(_regs.c.event_id == event_id, _regs.c.status == WAITING)
            .order_by(_regs.c.registered_at, _regs.c.id).limit(limit))
        return list(result.scalars())

    async def waiting_position(self, registration: Registration) -> int:
        ahead = await self._count(
            _regs.c.event_id == registration.event_id, _regs.c.status == WAITING,
            or_(_regs.c.registered_at < registration.registered_at,
                and_(_regs.c.registered_at == registration.registered_at, _regs.c.id < registration.id)))
        return ahead + 1

    async def add(self, registration: Registration) -> Registration:
        try:
            async with self._session.begin_nested():
                self._session.add(registration)
                await self._session.flush()
        except IntegrityError as error:
            if getattr(error.orig, "sqlstate", None) == UNIQUE_VIOLATION:
                raise AlreadyRegistered() from None
            raise
        return registration

    async def save(self, registration: Registration) -> None:
        self._session.add(registration)
        await self._session.flush()

    async def delete(self, registration: Registration) -> None:
        await self._session.delete(registration)
        await self._session.flush()

    async def registered_user_ids(self, event_id: int, after_id: int, limit: int) -> list[tuple[int, int]]:
        rows = await self._session.execute(
            select(_regs.c.id, _regs.c.user_id)
            .where(_regs.c.event_id == event_id, _regs.c.status == REGISTERED, _regs.c.id > after_id)
            .order_by(_regs.c.id).limit(limit))
        return [(row.id, row.user_id) for row in rows]
