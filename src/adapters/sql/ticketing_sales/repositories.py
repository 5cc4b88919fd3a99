"""SQL repositories of ticket sales, in Core statements on the unit of work's session: one statement per write,
entities built from rows (nothing is mapped, so nothing is flushed behind the use case's back)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from typing import Any
from uuid import UUID

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.ticketing_sales import tables
from application.ticketing.sales.ports import SigningKey
from domain.shared.errors import Conflict, NotFound
from domain.ticketing.sales import Order, Scan, Ticket, TicketType

UNIQUE_VIOLATION = "23505"
FOREIGN_KEY_VIOLATION = "23503"


def _values(entity: Any, *, without: Sequence[str] = ("id",)) -> dict[str, Any]:
    return {f.name: getattr(entity, f.name) for f in fields(entity) if f.name not in without}


async def _guarded(session: AsyncSession, statement: Any, params: Any, conflict: str) -> Any:
    """Runs a write that may break a unique constraint in a savepoint: a duplicate becomes Conflict and leaves the
    transaction usable."""
    try:
        async with session.begin_nested():
            return await session.execute(statement, params)
    except IntegrityError as error:
        if getattr(error.orig, "sqlstate", None) == UNIQUE_VIOLATION:
            raise Conflict(conflict) from None
        raise


class _Rows:
    table: Table
    entity: type[Any]

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _build(self, row: Any) -> Any:
        return self.entity(**dict(row._mapping))

    async def _first(self, statement: Any) -> Any:
        row = (await self._session.execute(statement)).first()
        return None if row is None else self._build(row)

    async def _all(self, statement: Any) -> list[Any]:
        return [self._build(row) for row in await self._session.execute(statement)]


class SqlTicketTypes(_Rows):
    table, entity = tables.ticket_types, TicketType

    async def add(self, ticket_type: TicketType) -> TicketType:
        result = await _guarded(self._session, insert(self.table).returning(self.table.c.id),
                                _values(ticket_type), "Cet événement a déjà son type de billet standard")
        ticket_type.id = int(result.scalar_one())
        return ticket_type

    async def get(self, ticket_type_id: int) -> TicketType | None:
        found: TicketType | None = await self._first(select(self.table).where(self.table.c.id == ticket_type_id))
        return found

    async def of_event(self, event_id: int) -> list[TicketType]:
        t = self.table
        return await self._all(select(t).where(t.c.event_id == event_id).order_by(t.c.id))

    async def save(self, ticket_type: TicketType) -> None:
        t = self.table
        await self._session.execute(update(t).where(t.c.id == ticket_type.id).values(_values(ticket_type)))


class SqlOrders(_Rows):
    table, entity = tables.orders, Order

    async def add(self, order: Order) -> Order:
        # A new order's reference is a fresh UUID4: no savepoint (two round trips) for a clash that cannot come.
        result = await self._session.execute(insert(self.table).returning(self.table.c.id), _values(order))
        order.id = int(result.scalar_one())
        return order

    async def get(self, reference: UUID) -> Order | None:
        found: Order | None = await self._first(select(self.table).where(self.table.c.reference == reference))
        return found

    async def get_for_update(self, reference: UUID) -> Order | None:
        found: Order | None = await self._first(
            select(self.table).where(self.table.c.reference == reference).with_for_update())
        return found

    async def save(self, order: Order) -> None:
        t = self.table
        await self._session.execute(update(t).where(t.c.id == order.id).values(_values(order)))

    async def of_event(self, event_id: int) -> list[Order]:
        t = self.table
        return await self._all(select(t).where(t.c.event_id == event_id).order_by(t.c.id))


_TICKET_COLUMNS = [f.name for f in fields(Ticket) if f.name != "id"]
SAVE_TICKET = update(tables.tickets).where(tables.tickets.c.id == bindparam("ticket_id")).values(
    {name: bindparam(f"p_{name}") for name in _TICKET_COLUMNS if name not in {"uuid", "order_id", "event_id"}})


class SqlTickets(_Rows):
    table, entity = tables.tickets, Ticket

    async def add_all(self, tickets: Iterable[Ticket]) -> None:
        batch = list(tickets)
        if not batch:
            return
        statement = insert(self.table).returning(self.table.c.id, sort_by_parameter_order=True)
        result = await self._session.execute(statement, [_values(t) for t in batch])  # fresh UUID4s, no codes yet
        for ticket, ticket_id in zip(batch, result.scalars(), strict=True):
            ticket.id = int(ticket_id)

    async def save_all(self, tickets: Iterable[Ticket]) -> None:
        rows = [{"ticket_id": t.id, **{f"p_{k}": v for k, v in _values(
            t, without=("id", "uuid", "order_id", "event_id")).items()}} for t in tickets]
        if rows:
            await _guarded(self._session, SAVE_TICKET, rows, "Code court déjà attribué pour cet événement")

    async def get(self, ticket_uuid: UUID) -> Ticket | None:
        found: Ticket | None = await self._first(select(self.table).where(self.table.c.uuid == ticket_uuid))
        return found

    async def get_for_update(self, ticket_uuid: UUID) -> Ticket | None:
        found: Ticket | None = await self._first(
            select(self.table).where(self.table.c.uuid == ticket_uuid).with_for_update())
        return found

    async def by_short_code(self, event_id: int, code: str, *, for_update: bool = False) -> Ticket | None:
        t = self.table
        statement = select(t).where(t.c.event_id == event_id, t.c.short_code == code)
        found: Ticket | None = await self._first(statement.with_for_update() if for_update else statement)
        return found

    async def short_codes_taken(self, event_id: int, codes: Iterable[str]) -> set[str]:
        wanted = list(codes)
        if not wanted:
            return set()
        t = self.table
        rows = await self._session.execute(
            select(t.c.short_code).where(t.c.event_id == event_id, t.c.short_code.in_(wanted)))
        return {str(code) for code in rows.scalars()}

    async def of_order(self, order_id: int) -> list[Ticket]:
        t = self.table
        return await self._all(select(t).where(t.c.order_id == order_id).order_by(t.c.id))

    async def of_owner(self, owner_id: int) -> list[Ticket]:
        t = self.table
        return await self._all(select(t).where(t.c.owner_id == owner_id).order_by(t.c.id.desc()))

    async def of_event(self, event_id: int) -> list[Ticket]:
        t = self.table
        return await self._all(select(t).where(t.c.event_id == event_id).order_by(t.c.id))


class SqlScanLog(_Rows):
    table, entity = tables.scans, Scan

    async def get(self, event_id: int, nonce: str) -> Scan | None:
        t = self.table
        found: Scan | None = await self._first(select(t).where(t.c.event_id == event_id, t.c.nonce == nonce))
        return found

    async def add(self, scan: Scan) -> None:
        await _guarded(self._session, insert(self.table), _values(scan, without=()), "Scan déjà enregistré")


class SqlSigningKeys(_Rows):
    table, entity = tables.signing_keys, SigningKey

    async def get(self, event_id: int) -> SigningKey | None:
        found: SigningKey | None = await self._first(select(self.table).where(self.table.c.event_id == event_id))
        return found

    async def add(self, key: SigningKey) -> SigningKey:
        await self._session.execute(pg_insert(self.table).values(_values(key, without=())).on_conflict_do_nothing())
        stored = await self.get(key.event_id)
        assert stored is not None
        return stored


class SqlScanners:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, event_id: int, user_id: int) -> bool:
        try:
            async with self._session.begin_nested():
                done = await self._session.execute(pg_insert(tables.scanners).values(
                    event_id=event_id, user_id=user_id).on_conflict_do_nothing())
        except IntegrityError as error:
            if getattr(error.orig, "sqlstate", None) == FOREIGN_KEY_VIOLATION:
                raise NotFound("Utilisateur introuvable") from None
            raise
        return bool(getattr(done, "rowcount", 0))
