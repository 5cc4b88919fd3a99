"""The read side of sales: one round trip each (see adapters/sql/reads.py). A buyer's tickets are read with their
event's title and their type's name in one statement joining the catalogue's events (one context)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, any_, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY

from adapters.sql.reads import ReadStatement, RowReader, SqlReads
from adapters.sql.ticketing.tables import events
from adapters.sql.ticketing_sales import tables
from application.ticketing.sales.ports import MyTicket
from domain.shared.money import Money
from domain.ticketing.sales import TicketStatus, TicketType

_tickets, _types, _quotas, _holds = tables.tickets, tables.ticket_types, tables.quotas, tables.holds

_MY_TICKETS = ReadStatement(
    select(_tickets.c.id, _tickets.c.uuid, _tickets.c.event_id, events.c.title, _types.c.name,
           _tickets.c.price_minor, _tickets.c.currency, _tickets.c.status, _tickets.c.short_code)
    .select_from(_tickets.join(events, events.c.id == _tickets.c.event_id)
                 .join(_types, _types.c.id == _tickets.c.ticket_type_id))
    .where(_tickets.c.owner_id == bindparam("owner_id", type_=BigInteger))
    .order_by(_tickets.c.id.desc()))


_SCANNERS = ReadStatement(select(tables.scanners.c.user_id).where(
    tables.scanners.c.event_id == bindparam("event_id", type_=BigInteger)))


_SOLD_SINCE = ReadStatement(
    select(_tickets.c.event_id, func.count().label("sold"))
    .where(_tickets.c.issued_at >= bindparam("since", type_=DateTimeUTC),
           _tickets.c.status.in_([literal_column(f"'{s.value}'") for s in (TicketStatus.PAID, TicketStatus.USED)]))
    .group_by(_tickets.c.event_id))

_now = bindparam("now", type_=DateTimeUTC)
_held = (select(func.coalesce(func.sum(_holds.c.seats), literal_column("0")))
         .where(_holds.c.quota_id == _quotas.c.id, _holds.c.state == literal_column("'HELD'"), _holds.c.until > _now)
         .scalar_subquery())
# The types of several events with their seats left (as QuotaStore.available counts them), in one statement.
_SEATS = ReadStatement(
    select(*_types.c, (_quotas.c.capacity - _quotas.c.sold - _held).label("left_now"))
    .select_from(_types.join(_quotas, _quotas.c.id == _types.c.quota_id))
    .where(_types.c.event_id == any_(bindparam("event_ids", type_=ARRAY(BigInteger))))
    .order_by(_types.c.event_id, _types.c.id))
_type = RowReader(_types, TicketType)


class SqlSalesReads(SqlReads):
    async def seats(self, event_ids: Sequence[int], now: datetime) -> dict[int, list[tuple[TicketType, int | None]]]:
        if now.tzinfo is None:
            raise TypeError("tzinfo is required")  # asyncpg would take it as local time
        found: dict[int, list[tuple[TicketType, int | None]]] = {}
        if not event_ids:
            return found
        for row in await self._all(_SEATS, event_ids=list(event_ids), now=now):
            left = row["left_now"]
            found.setdefault(row["event_id"], []).append((_type(row), None if left is None else max(0, left)))
        return found

    async def sold_since(self, since: datetime) -> dict[int, int]:
        return {row["event_id"]: row["sold"] for row in await self._all(_SOLD_SINCE, since=since)}

    async def scanners(self, event_id: int) -> frozenset[int]:
        return frozenset(row["user_id"] for row in await self._all(_SCANNERS, event_id=event_id))

    async def my_tickets(self, owner_id: int) -> list[MyTicket]:
        found = []
        for row in await self._all(_MY_TICKETS, owner_id=owner_id):
            status = TicketStatus(row["status"])
            found.append(MyTicket(
                id=row["id"], uuid=row["uuid"], event_id=row["event_id"], event_title=row["title"],
                ticket_type=row["name"], price=Money(row["price_minor"], row["currency"]), status=status,
                short_code=row["short_code"] if status in {TicketStatus.PAID, TicketStatus.USED} else None))
        return found
