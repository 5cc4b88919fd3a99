"""SQL repositories and read side of the church events (PostgreSQL). Registrations of one event queue on the
event's row lock (SELECT ... FOR UPDATE), taken by the use cases before they count places."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.church_events import tables
from adapters.sql.patterns import containing
from application.church_events.ports import EventCard, EventFilter, RegistrationRow
from domain.church_events.errors import AlreadyRegistered
from domain.church_events.model import ChurchEvent, Registration, RegistrationStatus

UNIQUE_VIOLATION = "23505"
_events, _regs, _accounts = tables.events, tables.registrations, tables.accounts
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


_participants = (select(func.count()).select_from(_regs)
                 .where(_regs.c.event_id == _events.c.id, _regs.c.status == REGISTERED)
                 .correlate(_events).scalar_subquery())


class SqlChurchEventReads:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _cards(self, reader_id: int) -> Any:
        mine = (select(_regs.c.status).where(_regs.c.event_id == _events.c.id, _regs.c.user_id == reader_id)
                .correlate(_events).scalar_subquery())
        return select(ChurchEvent, _participants.label("participants"), mine.label("mine"))

    @staticmethod
    def _where(wanted: EventFilter) -> list[Any]:
        last_day = func.coalesce(_events.c.end_date, _events.c.start_date)
        where: list[Any] = []
        if wanted.today is not None:
            where.append(last_day >= wanted.today)
        if wanted.start_date is not None:
            where.append(last_day >= wanted.start_date)
        if wanted.end_date is not None:
            where.append(_events.c.start_date <= wanted.end_date)
        if wanted.site_id is not None:
            where.append(_events.c.site_id == wanted.site_id)
        if wanted.search:
            pattern = containing(wanted.search)
            where.append(or_(_events.c.title.ilike(pattern, escape="\\"),
                             _events.c.description.ilike(pattern, escape="\\")))
        if wanted.registered_user_id is not None:
            where.append(_events.c.id.in_(select(_regs.c.event_id)
                                          .where(_regs.c.user_id == wanted.registered_user_id)))
        return where

    async def page(self, wanted: EventFilter, reader_id: int, limit: int, offset: int
                   ) -> tuple[int, list[EventCard]]:
        where = self._where(wanted)
        total = int(await self._session.scalar(select(func.count()).select_from(_events).where(*where)) or 0)
        if total <= offset:
            return total, []
        rows = await self._session.execute(
            self._cards(reader_id).where(*where)
            .order_by(_events.c.start_date, _events.c.start_time.asc().nulls_first(), _events.c.id)
            .limit(limit).offset(offset))
        return total, [_card(row) for row in rows]

    async def card(self, event_id: int, reader_id: int) -> EventCard | None:
        row = (await self._session.execute(self._cards(reader_id).where(_events.c.id == event_id))).first()
        return _card(row) if row else None

    async def registrations(self, event_id: int) -> Sequence[RegistrationRow]:
        rows = await self._session.execute(
            select(Registration, _accounts.c.username, _accounts.c.first_name, _accounts.c.last_name,
                   _accounts.c.email)
            .join(_accounts, _accounts.c.id == _regs.c.user_id)
            .where(_regs.c.event_id == event_id).order_by(_regs.c.registered_at, _regs.c.id))
        return [RegistrationRow(row[0], row.username, row.first_name or "", row.last_name or "", row.email or "")
                for row in rows]


def _card(row: Any) -> EventCard:
    return EventCard(row[0], int(row.participants or 0), RegistrationStatus(row.mine) if row.mine else None)
