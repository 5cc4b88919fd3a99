"""SQL repositories of the agenda (PostgreSQL), and the town's accounts read from identity's table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import BigInteger, String, column, delete, or_, select, table
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.agenda import tables
from application.agenda.ports import Person
from domain.agenda.model import Event

_events = tables.events
# identity's accounts, read only: the columns the agenda shows (a lightweight table, not identity's mapping)
_users = table("identity_users", column("id", BigInteger), column("first_name", String),
               column("last_name", String), column("username", String), column("roles", ARRAY(String)),
               column("municipality_id", BigInteger))


class SqlAgendaEvents:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, event: Event) -> Event:
        self._session.add(event)
        await self._session.flush()
        return event

    async def get(self, event_id: int) -> Event | None:
        return await self._session.get(Event, event_id)

    async def get_for_update(self, event_id: int) -> Event | None:
        result = await self._session.execute(
            select(Event).where(_events.c.id == event_id).with_for_update()
            .execution_options(populate_existing=True))
        return result.scalar_one_or_none()

    async def save(self, event: Event) -> None:
        self._session.add(event)
        await self._session.flush()

    async def delete(self, event: Event) -> None:
        await self._session.execute(delete(_events).where(_events.c.id == event.id))
        self._session.expunge(event)

    async def in_window(self, municipality_id: int, start: datetime, end: datetime) -> list[Event]:
        result = await self._session.execute(
            select(Event).where(_events.c.municipality_id == municipality_id, _events.c.starts_at < end,
                                or_(_events.c.rrule.is_not(None), _events.c.ends_at > start))
            .order_by(_events.c.starts_at, _events.c.id))
        return list(result.scalars())


class SqlTownPeople:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def of_town(self, municipality_id: int, user_ids: Sequence[int]) -> dict[int, Person]:
        if not user_ids:
            return {}
        rows = await self._session.execute(
            select(_users.c.id, _users.c.first_name, _users.c.last_name, _users.c.username, _users.c.roles)
            .where(_users.c.id.in_(sorted(set(user_ids))), _users.c.municipality_id == municipality_id))
        return {row.id: Person(row.id, f"{row.first_name} {row.last_name}".strip() or row.username,
                               row.roles[0] if row.roles else "") for row in rows}
