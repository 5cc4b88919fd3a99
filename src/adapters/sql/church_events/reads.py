"""The church events' read side: committed events, one round trip each, straight on asyncpg (see
adapters/sql/reads.py)."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Date, String, bindparam, func, literal_column, select
from sqlalchemy.sql import ColumnElement

from adapters.sql.church_events import tables
from adapters.sql.patterns import any_matches, containing
from adapters.sql.reads import ReadStatement, RowReader, SqlReads
from application.church_events.ports import EventCard, EventFilter, RegistrationRow
from domain.church_events.model import ChurchEvent, Registration, RegistrationStatus

_events, _regs, _accounts = tables.events, tables.registrations, tables.accounts
REGISTERED = RegistrationStatus.REGISTERED

_reader = bindparam("reader_id", type_=BigInteger)
_participants = (select(func.count()).select_from(_regs)
                 .where(_regs.c.event_id == _events.c.id, _regs.c.status == literal_column(f"'{REGISTERED.value}'"))
                 .correlate(_events).scalar_subquery())
_mine = (select(_regs.c.status).where(_regs.c.event_id == _events.c.id, _regs.c.user_id == _reader)
         .correlate(_events).scalar_subquery())
_CARD = (*_events.c, _participants.label("participants"), _mine.label("mine"))
_EVENT = RowReader(_events, ChurchEvent)
_REGISTRATION = RowReader(_regs, Registration)


@dataclass(frozen=True)
class _Shape:
    """Which conditions a list has: each shape is its own statement, compiled once."""

    today: bool
    start_date: bool
    end_date: bool
    site: bool
    search: bool
    registered: bool


@functools.lru_cache(maxsize=64)
def _page_statement(shape: _Shape) -> ReadStatement:
    last_day = func.coalesce(_events.c.end_date, _events.c.start_date)
    where: list[ColumnElement[bool]] = []
    if shape.today:
        where.append(last_day >= bindparam("today", type_=Date))
    if shape.start_date:
        where.append(last_day >= bindparam("start_date", type_=Date))
    if shape.end_date:
        where.append(_events.c.start_date <= bindparam("end_date", type_=Date))
    if shape.site:
        where.append(_events.c.site_id == bindparam("site_id", type_=BigInteger))
    if shape.search:
        where.append(any_matches(bindparam("pattern", type_=String), _events.c.title, _events.c.description))
    if shape.registered:
        where.append(_events.c.id.in_(select(_regs.c.event_id)
                                      .where(_regs.c.user_id == bindparam("registered", type_=BigInteger))))
    total = select(func.count()).select_from(_events).where(*where).scalar_subquery()
    return ReadStatement(
        select(*_CARD, total.label("total")).where(*where)
        .order_by(_events.c.start_date, _events.c.start_time.asc().nulls_first(), _events.c.id)
        .limit(bindparam("limit")).offset(bindparam("offset")))


_ONE = ReadStatement(select(*_CARD).where(_events.c.id == bindparam("event_id", type_=BigInteger)))
_REGISTRATIONS = ReadStatement(
    select(*_regs.c, _accounts.c.username, _accounts.c.first_name, _accounts.c.last_name, _accounts.c.email)
    .join(_accounts, _accounts.c.id == _regs.c.user_id)
    .where(_regs.c.event_id == bindparam("event_id", type_=BigInteger))
    .order_by(_regs.c.registered_at, _regs.c.id))


class SqlChurchEventReads(SqlReads):
    """Committed events, one round trip each, straight on asyncpg (see adapters/sql/reads.py)."""

    async def page(self, wanted: EventFilter, reader_id: int, limit: int, offset: int
                   ) -> tuple[int, list[EventCard]]:
        shape = _Shape(today=wanted.today is not None, start_date=wanted.start_date is not None,
                       end_date=wanted.end_date is not None, site=wanted.site_id is not None,
                       search=bool(wanted.search), registered=wanted.registered_user_id is not None)
        params: dict[str, Any] = {"reader_id": reader_id, "limit": limit, "offset": offset,
                                  "today": wanted.today, "start_date": wanted.start_date,
                                  "end_date": wanted.end_date, "site_id": wanted.site_id,
                                  "pattern": containing(wanted.search) if wanted.search else None,
                                  "registered": wanted.registered_user_id}
        rows = await self._all(_page_statement(shape), **params)
        if not rows and offset:  # past the last page: the total still
            first = await self._all(_page_statement(shape), **{**params, "limit": 1, "offset": 0})
            return (int(first[0]["total"]) if first else 0), []
        return (int(rows[0]["total"]) if rows else 0), [_card(row) for row in rows]

    async def card(self, event_id: int, reader_id: int) -> EventCard | None:
        row = await self._first(_ONE, event_id=event_id, reader_id=reader_id)
        return _card(row) if row else None

    async def registrations(self, event_id: int) -> Sequence[RegistrationRow]:
        return [RegistrationRow(_REGISTRATION(row), row["username"], row["first_name"] or "",
                                row["last_name"] or "", row["email"] or "")
                for row in await self._all(_REGISTRATIONS, event_id=event_id)]


def _card(row: Mapping[str, Any]) -> EventCard:
    mine = row["mine"]
    return EventCard(_EVENT(row), int(row["participants"] or 0), RegistrationStatus(mine) if mine else None)
