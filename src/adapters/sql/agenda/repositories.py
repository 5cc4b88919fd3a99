"""SQL repositories of the agenda (PostgreSQL): events, feeds, reminders sent, and the town's accounts read from
identity's table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, String, column, delete, func, or_, select, table
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.agenda import tables
from application.agenda.ports import FeedKind, Person
from domain.agenda.model import Event
from domain.identity.model import Realm
from domain.shared.actor import Actor

_events = tables.events
# identity's accounts, read only: the columns the agenda shows (a lightweight table, not identity's mapping)
_users = table("identity_users", column("id", BigInteger), column("first_name", String),
               column("last_name", String), column("username", String), column("roles", ARRAY(String)),
               column("municipality_id", BigInteger), column("realm", String), column("is_active", Boolean))
_feeds, _sent = tables.feeds, tables.reminders_sent


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

    async def with_reminders(self, after: datetime, before: datetime) -> list[Event]:
        result = await self._session.execute(
            select(Event).where(func.cardinality(_events.c.reminders) > 0, _events.c.starts_at <= before,
                                or_(_events.c.rrule.is_not(None), _events.c.starts_at > after))
            .order_by(_events.c.id))
        return list(result.scalars())


class SqlAgendaFeeds:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def generation(self, kind: FeedKind, owner_id: int) -> int | None:
        found: int | None = await self._session.scalar(
            select(_feeds.c.generation).where(_feeds.c.kind == kind.value, _feeds.c.owner_id == owner_id))
        return found

    async def set(self, kind: FeedKind, owner_id: int, generation: int, digest: str) -> None:
        statement = pg_insert(_feeds).values(kind=kind.value, owner_id=owner_id, generation=generation,
                                             digest=digest)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[_feeds.c.kind, _feeds.c.owner_id],
            set_={"generation": statement.excluded.generation, "digest": statement.excluded.digest}))

    async def owner_of(self, digest: str) -> tuple[FeedKind, int] | None:
        row = (await self._session.execute(
            select(_feeds.c.kind, _feeds.c.owner_id).where(_feeds.c.digest == digest))).first()
        return None if row is None else (FeedKind(row.kind), int(row.owner_id))


class SqlSentReminders:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, event_id: int, occurrence: str, minutes: int, at: datetime) -> bool:
        row = (await self._session.execute(
            pg_insert(_sent).values(event_id=event_id, occurrence=occurrence, minutes=minutes, sent_at=at)
            .on_conflict_do_nothing().returning(_sent.c.event_id))).first()
        return row is not None


class SqlAccountActors:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def actor_of(self, user_id: int) -> Actor | None:
        row = (await self._session.execute(
            select(_users.c.roles, _users.c.municipality_id)
            .where(_users.c.id == user_id, _users.c.realm == Realm.MAIRIE.value, _users.c.is_active))).first()
        if row is None:
            return None
        return Actor(user_id=user_id, realm=Realm.MAIRIE, roles=frozenset(row.roles or ()),
                     municipality_id=row.municipality_id)


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
