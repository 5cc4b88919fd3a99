"""One contract for the quota store and the ticket-sales repositories, run against memory and PostgreSQL alike;
then what only the database can show: 200 concurrent purchases for 20 seats sell exactly 20."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from adapters.auth.secrets import FernetSecretBox
from adapters.memory import identity as memory_identity
from adapters.memory import ticketing_sales as memory
from adapters.memory.store import MemoryStore, MemoryUnitOfWork
from adapters.sql.database import make_engine, make_sessionmaker
from adapters.sql.identity import repositories as sql_identity
from adapters.sql.reads import ReadPool
from adapters.sql.ticketing.tables import events as events_table
from adapters.sql.ticketing_sales import repositories as sql
from adapters.sql.ticketing_sales import tables
from adapters.sql.ticketing_sales.quotas import SqlQuotaStore
from adapters.sql.ticketing_sales.reads import SqlSalesReads
from adapters.sql.uow import SqlOutbox, SqlUnitOfWork
from adapters.tickets.signing import Ed25519TicketSigner, RandomShortCodes
from application.shared.events import EventTranslation
from application.ticketing.sales.issuing import TicketIssuer, TicketTypes
from application.ticketing.sales.ports import SalesConfig, SigningKey
from application.ticketing.sales.services import PurchaseCommand, PurchaseTickets
from domain.identity.model import Realm, User
from domain.shared.actor import Actor
from domain.shared.errors import Conflict, InvalidInput
from domain.shared.money import Money
from domain.shared.quota import Confirmation, QuotaExceeded
from domain.shared.realm import Realm as ActorRealm
from domain.ticketing.model import AccessType, EventStatus
from domain.ticketing.sales import (
    Order,
    OrderStatus,
    SaleableEvent,
    Scan,
    Ticket,
    TicketStatus,
    TicketType,
)
from tests.application.sales_world import StubSalePayments

NOW = datetime(2026, 6, 1, 20, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=15)


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


@dataclass
class Repos:
    quotas: Any
    types: Any
    orders: Any
    tickets: Any
    scans: Any
    keys: Any
    commit: Any
    rollback: Any
    buyer: int
    reads: Any = None


async def _buyer(users: Any) -> int:
    user = await users.add(User(realm=Realm.SPOTVIBE, username="awa", email="awa@example.com", password_hash="h",
                                created_at=NOW))
    return int(user.id)


async def _events(session: Any, creator_id: int, ids: range = range(1, 5)) -> None:
    """The catalogue's events the sales rows refer to (foreign keys), by id."""
    await session.execute(insert(events_table), [dict(
        id=event_id, creator_id=creator_id, title=f"Event {event_id}", short_description="", description="",
        starts_at=NOW + timedelta(days=1), ends_at=NOW + timedelta(days=2), venue="", address="", category_id=1,
        access_type="PAYANT", price_minor=5000, currency="XOF", capacity=None, status="VALIDE", view_count=0,
        share_count=0, created_at=NOW, updated_at=NOW) for event_id in ids])


@pytest.fixture(params=["memory", "sql"])
async def repos(request: pytest.FixtureRequest, database_url: str, clean_database: None) -> AsyncIterator[Repos]:
    if request.param == "memory":
        store = MemoryStore()
        uow = MemoryUnitOfWork(store)
        yield Repos(memory.MemoryQuotaStore(store), memory.MemoryTicketTypes(store), memory.MemoryOrders(store),
                    memory.MemoryTickets(store), memory.MemoryScanLog(store), memory.MemorySigningKeys(store),
                    uow.commit, uow.rollback, await _buyer(memory_identity.MemoryUserRepository(store)),
                    memory.MemorySalesReads(store))
        return
    engine = make_engine(database_url)
    pool = await ReadPool.open(database_url)
    async with make_sessionmaker(engine)() as session:
        buyer = await _buyer(sql_identity.SqlUserRepository(session))
        await _events(session, buyer)
        await session.commit()
        uow = SqlUnitOfWork(session, SqlOutbox(session, FixedClock(NOW)), EventTranslation())
        yield Repos(SqlQuotaStore(session), sql.SqlTicketTypes(session), sql.SqlOrders(session),
                    sql.SqlTickets(session), sql.SqlScanLog(session), sql.SqlSigningKeys(session), uow.commit,
                    uow.rollback, buyer, SqlSalesReads(pool))
    await pool.close()
    await engine.dispose()


# ---------------------------------------------------------------- the quota store


async def test_holds_take_what_is_free_and_refuse_the_rest(repos: Repos) -> None:
    q = await repos.quotas.create(5)
    assert await repos.quotas.try_hold(q, "t:a", 3, LATER, NOW) == 2
    with pytest.raises(QuotaExceeded) as refused:
        await repos.quotas.try_hold(q, "t:b", 3, LATER, NOW)
    assert refused.value.available == 2
    assert await repos.quotas.try_hold(q, "t:b", 2, LATER, NOW) == 0
    assert await repos.quotas.available([q], NOW) == {q: 0}
    unlimited = await repos.quotas.create(None)
    assert await repos.quotas.try_hold(unlimited, "t:c", 10, LATER, NOW) is None
    assert await repos.quotas.available([q, unlimited], NOW) == {q: 0, unlimited: None}
    with pytest.raises(InvalidInput):
        await repos.quotas.try_hold(q, "t:d", 0, LATER, NOW)


async def test_the_same_key_is_one_hold(repos: Repos) -> None:
    q = await repos.quotas.create(5)
    await repos.quotas.try_hold(q, "t:a", 2, LATER, NOW)
    assert await repos.quotas.try_hold(q, "t:a", 2, LATER, NOW) == 3
    with pytest.raises(Conflict):
        await repos.quotas.try_hold(q, "t:a", 1, LATER, NOW)
    assert await repos.quotas.available([q], NOW) == {q: 3}


async def test_expired_holds_stop_counting_and_their_seats_sell_again(repos: Repos) -> None:
    q = await repos.quotas.create(2)
    await repos.quotas.try_hold(q, "t:a", 2, NOW + timedelta(minutes=1), NOW)
    after = NOW + timedelta(minutes=2)
    assert await repos.quotas.available([q], after) == {q: 2}
    assert await repos.quotas.due("t:", after, 10) == ["t:a"]
    assert await repos.quotas.due("church:", after, 10) == []
    assert await repos.quotas.try_hold(q, "t:b", 2, after + timedelta(minutes=15), after) == 0
    assert await repos.quotas.due("t:", after, 10) == []  # reclaimed by the hold
    assert not await repos.quotas.expire("t:a", after)


async def test_confirmations_in_time_late_with_room_and_late_without(repos: Repos) -> None:
    q = await repos.quotas.create(3)
    await repos.quotas.try_hold(q, "t:quick", 1, LATER, NOW)
    assert await repos.quotas.confirm("t:quick", NOW) is Confirmation.CONFIRMED
    assert await repos.quotas.confirm("t:quick", NOW) is Confirmation.ALREADY_CONFIRMED
    await repos.quotas.try_hold(q, "t:slow", 1, NOW + timedelta(minutes=1), NOW)
    await repos.quotas.try_hold(q, "t:gone", 1, NOW + timedelta(minutes=1), NOW)
    after = NOW + timedelta(minutes=5)
    assert await repos.quotas.confirm("t:slow", after) is Confirmation.CONFIRMED_LATE
    await repos.quotas.try_hold(q, "t:other", 1, after + timedelta(minutes=15), after)
    assert await repos.quotas.confirm("t:gone", after) is Confirmation.OVERSOLD_LATE
    assert await repos.quotas.confirm("t:nobody", after) is Confirmation.UNKNOWN
    assert await repos.quotas.available([q], after) == {q: 0}
    assert await repos.quotas.confirm("t:other", after) is Confirmation.CONFIRMED


async def test_release_expire_and_give_back_free_seats(repos: Repos) -> None:
    q = await repos.quotas.create(3)
    await repos.quotas.try_hold(q, "t:a", 2, LATER, NOW)
    assert await repos.quotas.release("t:a") and not await repos.quotas.release("t:a")
    await repos.quotas.try_hold(q, "t:b", 3, NOW + timedelta(minutes=1), NOW)
    assert not await repos.quotas.expire("t:b", NOW)  # not due yet
    assert await repos.quotas.expire("t:b", NOW + timedelta(minutes=1))
    await repos.quotas.try_hold(q, "t:c", 3, LATER, NOW)
    await repos.quotas.confirm("t:c", NOW)
    await repos.quotas.give_back(q, 2)
    assert await repos.quotas.available([q], NOW) == {q: 2}
    with pytest.raises(InvalidInput):
        await repos.quotas.give_back(q, 2)
    await repos.quotas.resize(q, 1)
    assert await repos.quotas.available([q], NOW) == {q: 0}
    await repos.quotas.discard(q)  # used: kept
    unused = await repos.quotas.create(4)
    await repos.quotas.discard(unused)
    assert await repos.quotas.available([q], NOW) == {q: 0}
    with pytest.raises(LookupError):
        await repos.quotas.available([unused], NOW)


async def test_a_rollback_undoes_a_hold(repos: Repos) -> None:
    q = await repos.quotas.create(1)
    await repos.commit()
    await repos.quotas.try_hold(q, "t:a", 1, LATER, NOW)
    await repos.rollback()
    assert await repos.quotas.available([q], NOW) == {q: 1}


# ---------------------------------------------------------------- the repositories


async def _order(repos: Repos, **changes: Any) -> tuple[TicketType, Order]:
    q = await repos.quotas.create(10)
    ticket_type = await repos.types.add(TicketType(event_id=3, name="Standard", price_minor=5000, currency="XOF",
                                                   quota_id=q, capacity=10, implicit=True))
    fields: dict[str, Any] = dict(reference=uuid.uuid4(), event_id=3, ticket_type_id=ticket_type.id,
                                  buyer_id=repos.buyer, quantity=2, unit_price_minor=5000, currency="XOF",
                                  created_at=NOW, hold_until=LATER)
    fields.update(changes)
    return ticket_type, await repos.orders.add(Order(**fields))


async def test_seats_of_several_events_come_in_one_read(repos: Repos) -> None:
    limited, unlimited = await repos.quotas.create(5), await repos.quotas.create(None)
    standard = await repos.types.add(TicketType(event_id=3, name="Standard", price_minor=5000, currency="XOF",
                                                quota_id=limited, capacity=5, implicit=True))
    vip = await repos.types.add(TicketType(event_id=4, name="VIP", price_minor=20_000, currency="XOF",
                                           quota_id=unlimited, capacity=None))
    await repos.quotas.try_hold(limited, "t:a", 2, LATER, NOW)
    await repos.quotas.try_hold(limited, "t:b", 1, NOW + timedelta(minutes=1), NOW)
    await repos.commit()
    after = NOW + timedelta(minutes=2)  # t:b's time ran out: its seat counts as free again
    assert await repos.reads.seats([3, 4, 2], after) == {3: [(standard, 3)], 4: [(vip, None)]}
    assert await repos.reads.seats([3], NOW) == {3: [(standard, 2)]}
    assert await repos.reads.seats([], NOW) == {}


async def test_types_orders_and_tickets_round_trip(repos: Repos) -> None:
    ticket_type, order = await _order(repos)
    with pytest.raises(Conflict):
        await repos.types.add(TicketType(event_id=3, name="Other", price_minor=1, currency="XOF",
                                         quota_id=ticket_type.quota_id, capacity=None, implicit=True))
    vip = await repos.types.add(TicketType(event_id=3, name="VIP", price_minor=20_000, currency="XOF",
                                           quota_id=ticket_type.quota_id, capacity=None, sale_ends=LATER))
    assert [t.name for t in await repos.types.of_event(3)] == ["Standard", "VIP"]
    vip.capacity = 4
    await repos.types.save(vip)
    assert await repos.types.get(vip.id) == vip
    tickets = [Ticket(uuid=uuid.uuid4(), order_id=order.id, event_id=3, ticket_type_id=ticket_type.id,
                      owner_id=repos.buyer, price_minor=5000, currency="XOF") for _ in range(2)]
    await repos.tickets.add_all(tickets)
    assert all(t.id for t in tickets)
    await repos.commit()
    loaded = await repos.orders.get_for_update(order.reference)
    assert loaded == order and loaded.status is OrderStatus.HELD and loaded.created_at.tzinfo is not None
    loaded.pay(uuid.uuid4(), NOW)
    await repos.orders.save(loaded)
    tickets[0].issue("SV1.x", "ABCD2345", NOW)
    tickets[1].issue("SV1.y", "ABCD2346", NOW)
    await repos.tickets.save_all(tickets)
    await repos.commit()
    assert await repos.orders.get(order.reference) == loaded
    assert await repos.orders.of_event(3) == [loaded] and await repos.orders.of_event(4) == []
    assert await repos.tickets.of_order(order.id) == tickets
    assert await repos.tickets.get(tickets[0].uuid) == tickets[0]
    assert (await repos.tickets.get_for_update(tickets[1].uuid)).status is TicketStatus.PAID
    assert await repos.tickets.by_short_code(3, "ABCD2346", for_update=True) == tickets[1]
    assert await repos.tickets.by_short_code(4, "ABCD2346") is None
    assert await repos.tickets.short_codes_taken(3, ["ABCD2345", "ZZZZ2345"]) == {"ABCD2345"}
    assert [t.uuid for t in await repos.tickets.of_owner(repos.buyer)] == [tickets[1].uuid, tickets[0].uuid]
    assert len(await repos.tickets.of_event(3)) == 2
    tickets[1].short_code = "ABCD2345"
    with pytest.raises(Conflict):
        await repos.tickets.save_all([tickets[1]])


async def test_scans_are_unique_per_nonce_and_the_first_key_stays(repos: Repos) -> None:
    scan = Scan(3, "n-1", uuid.uuid4(), 11, NOW)
    await repos.scans.add(scan)
    assert await repos.scans.get(3, "n-1") == scan and await repos.scans.get(4, "n-1") is None
    with pytest.raises(Conflict):
        await repos.scans.add(Scan(3, "n-1", uuid.uuid4(), 12, NOW))
    first = await repos.keys.add(SigningKey(3, "pub-1", "sealed-1"))
    assert await repos.keys.add(SigningKey(3, "pub-2", "sealed-2")) == first
    assert await repos.keys.get(3) == first and await repos.keys.get(4) is None


# ---------------------------------------------------------------- PostgreSQL only


class OneEvent:
    def __init__(self, capacity: int) -> None:
        self.event = SaleableEvent(id=1, organiser_id=99, title="Concert", status=EventStatus.VALIDATED,
                                   starts_at=NOW + timedelta(days=1), ends_at=NOW + timedelta(days=2),
                                   access=AccessType.PAID, price=Money(5000, "XOF"), capacity=capacity)

    async def get(self, event_id: int) -> SaleableEvent | None:
        return self.event if event_id == self.event.id else None


async def test_200_concurrent_purchases_for_20_seats_sell_exactly_20(database_url: str,
                                                                    clean_database: None) -> None:
    engine = make_engine(database_url, pool_size=40, max_overflow=0)
    factory = make_sessionmaker(engine)
    async with factory() as session:
        buyer = await _buyer(sql_identity.SqlUserRepository(session))
        await _events(session, buyer, range(1, 2))
        await session.commit()
    events, clock = OneEvent(capacity=20), FixedClock(NOW)
    actor = Actor(buyer, ActorRealm.SPOTVIBE)

    async def purchase(session: Any) -> PurchaseTickets:
        quotas, types, tickets = SqlQuotaStore(session), sql.SqlTicketTypes(session), sql.SqlTickets(session)
        signer = Ed25519TicketSigner(sql.SqlSigningKeys(session), FernetSecretBox("k", purpose="tickets"))
        return PurchaseTickets(events, TicketTypes(types, quotas), sql.SqlOrders(session), tickets, quotas,
                               TicketIssuer(tickets, signer, RandomShortCodes()), StubSalePayments(),
                               SqlUnitOfWork(session, SqlOutbox(session, clock), EventTranslation()), clock,
                               SalesConfig())

    async def buy() -> bool:
        async with factory() as session:
            try:
                await (await purchase(session))(PurchaseCommand(actor, 1, 1, method="MOMO_MTN"))
            except QuotaExceeded:
                return False
            return True

    # All at once, the event's standard type included (the first buyers race to create it).
    results = await asyncio.gather(*(buy() for _ in range(200)))
    assert results.count(True) == 20
    async with factory() as session:
        quota = (await session.execute(select(tables.quotas))).one()  # the losers of the type's race left none
        assert (quota.capacity, quota.sold, quota.held) == (20, 0, 20)
        assert await session.scalar(select(func.count()).select_from(tables.holds)) == 20
        assert await session.scalar(select(func.count()).select_from(tables.orders)) == 20  # refused ones undone
        assert await session.scalar(select(func.count()).select_from(tables.tickets)) == 20
    await engine.dispose()


async def test_late_payments_racing_new_buyers_never_oversell(database_url: str, clean_database: None) -> None:
    engine = make_engine(database_url, pool_size=40, max_overflow=0)
    factory = make_sessionmaker(engine)
    async with factory() as session:
        quotas = SqlQuotaStore(session)
        q = await quotas.create(10)
        for n in range(10):
            await quotas.try_hold(q, f"t:slow-{n}", 1, NOW + timedelta(minutes=1), NOW)
        await session.commit()
    after = NOW + timedelta(minutes=5)

    async def late(n: int) -> bool:
        async with factory() as session:
            outcome = await SqlQuotaStore(session).confirm(f"t:slow-{n}", after)
            await session.commit()
            return outcome is Confirmation.CONFIRMED_LATE

    async def new(n: int) -> bool:
        async with factory() as session:
            try:
                await SqlQuotaStore(session).try_hold(q, f"t:new-{n}", 1, after + timedelta(minutes=15), after)
            except QuotaExceeded:
                return False
            await session.commit()
            return True

    results = await asyncio.gather(*(late(n) for n in range(10)), *(new(n) for n in range(10)))
    assert sum(results) == 10
    async with factory() as session:
        quota = (await session.execute(select(tables.quotas).where(tables.quotas.c.id == q))).one()
        assert quota.sold == sum(results[:10]) and quota.held == sum(results[10:])
        assert await SqlQuotaStore(session).available([q], after) == {q: 0}
    await engine.dispose()
