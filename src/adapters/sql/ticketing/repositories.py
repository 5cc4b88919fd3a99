"""SQL repositories of the events catalogue (PostgreSQL). Counters move in the database, in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, String, bindparam, delete, exists, func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.reads import ReadStatement, SqlReads
from adapters.sql.ticketing import tables
from application.ticketing.config import TicketingConfig
from domain.shared.actor import Actor
from domain.ticketing.errors import AlreadyParticipating
from domain.ticketing.model import Event, Participation, Share, Viewer

UNIQUE_VIOLATION = "23505"
_events, _viewers = tables.events, tables.viewers


class SqlEventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, event: Event) -> Event:
        self._session.add(event)
        await self._session.flush()
        return event

    async def get_for_update(self, event_id: int) -> Event | None:
        result = await self._session.execute(
            select(Event).where(_events.c.id == event_id).with_for_update()
            .execution_options(populate_existing=True))
        return result.scalar_one_or_none()

    async def many_for_update(self, event_ids: Sequence[int]) -> list[Event]:
        result = await self._session.execute(
            select(Event).where(_events.c.id.in_(sorted(set(event_ids)))).order_by(_events.c.id).with_for_update()
            .execution_options(populate_existing=True))
        return list(result.scalars())

    async def save(self, event: Event) -> None:
        self._session.add(event)
        await self._session.flush()

    async def delete(self, event: Event) -> None:
        await self._session.execute(delete(_events).where(_events.c.id == event.id))
        self._session.expunge(event)

    async def count_by_creator(self, creator_id: int) -> int:
        count = await self._session.scalar(select(func.count()).select_from(_events)
                                           .where(_events.c.creator_id == creator_id))
        return int(count or 0)


class SqlParticipationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, event_id: int, user_id: int) -> Participation | None:
        t = tables.participations
        result = await self._session.execute(select(Participation).where(t.c.event_id == event_id,
                                                                         t.c.user_id == user_id))
        return result.scalar_one_or_none()

    async def add(self, participation: Participation) -> Participation:
        try:
            async with self._session.begin_nested():
                self._session.add(participation)
                await self._session.flush()
        except IntegrityError as error:
            if getattr(error.orig, "sqlstate", None) == UNIQUE_VIOLATION:
                raise AlreadyParticipating() from None
            raise
        return participation

    async def save(self, participation: Participation) -> None:
        self._session.add(participation)
        await self._session.flush()

    async def delete(self, participation: Participation) -> None:
        await self._session.delete(participation)
        await self._session.flush()


class SqlShareRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, share: Share) -> Share:
        self._session.add(share)
        await self._session.flush()
        await self._session.execute(
            update(_events).where(_events.c.id == share.event_id)
            .values(share_count=_events.c.share_count + 1).execution_options(synchronize_session=False))
        return share


_upsert = pg_insert(_viewers).values(event_id=bindparam("event_id", type_=BigInteger),
                                     viewer=bindparam("viewer", type_=String),
                                     counted_at=bindparam("now", type_=DateTimeUTC))
_counted = _upsert.on_conflict_do_update(
    index_elements=[_viewers.c.event_id, _viewers.c.viewer], set_={"counted_at": _upsert.excluded.counted_at},
    where=_viewers.c.counted_at <= bindparam("since", type_=DateTimeUTC),
).returning(literal_column("1").label("counted")).cte("counted")
_COUNT_VIEW = ReadStatement(cast("Any", update(_events).where(_events.c.id == bindparam("event_id"),
                                                              exists(select(_counted.c.counted)))
                                 .values(view_count=_events.c.view_count + literal_column("1"))
                                 .returning(_events.c.id).add_cte(_counted)))


class SqlViewCounter(SqlReads):
    """One statement on the plain asyncpg pool, committed by itself: a look at an event opens no unit of work.
    The upsert's row lock makes concurrent looks of one viewer count once."""

    async def count(self, event_id: int, viewer: Viewer, now: datetime, window: timedelta) -> bool:
        if now.tzinfo is None:
            raise TypeError("tzinfo is required")
        row = await self._first(_COUNT_VIEW, event_id=event_id, viewer=viewer.key, now=now, since=now - window)
        return row is not None


class SqlEventCreationPolicy:
    """Identity's verification decides; subscription plans will plug in here."""

    def __init__(self, session: AsyncSession, config: TicketingConfig) -> None:
        self._session = session
        self._config = config

    async def max_events(self, actor: Actor) -> int | None:
        accounts = tables.accounts
        verified = await self._session.scalar(select(accounts.c.identity_verified)
                                              .where(accounts.c.id == actor.user_id))
        return self._config.max_events(actor, bool(verified))
