"""How much a ticket purchase's transaction costs on PostgreSQL, against the cheapest transaction on the same pool.

Phases of `--seconds` each, `--concurrency` buyers looping on one embedded PostgreSQL:
- floor: BEGIN; SELECT 1; COMMIT (a session of the same sessionmaker): the reference;
- hold: `SqlQuotaStore.try_hold` + commit (the quota's one conditional UPDATE);
- purchase: the whole `PurchaseTickets` (order + tickets INSERTs, the hold, commit), seats unlimited;
- contended: purchases for `--seats` seats (most refused by the quota: the refusal path and its rollback).
Prints transactions/s, the ratio to the floor, p99, and the load average before and after each phase.

    uv run --frozen python -m bench.ticket_holds --seconds 5
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from adapters.auth.secrets import FernetSecretBox
from adapters.sql import migrate
from adapters.sql.database import EmbeddedPostgres, make_engine, make_sessionmaker
from adapters.sql.identity.repositories import SqlUserRepository
from adapters.sql.ticketing_sales import repositories as sql
from adapters.sql.ticketing_sales.quotas import SqlQuotaStore
from adapters.sql.uow import SqlOutbox, SqlUnitOfWork
from adapters.tickets.signing import Ed25519TicketSigner, RandomShortCodes
from application.shared.events import EventTranslation
from application.ticketing.sales.issuing import TicketIssuer, TicketTypes
from application.ticketing.sales.ports import SalesConfig
from application.ticketing.sales.services import PurchaseCommand, PurchaseTickets
from domain.identity.model import Realm, User
from domain.shared.actor import Actor
from domain.shared.money import Money
from domain.shared.quota import QuotaExceeded
from domain.ticketing.model import AccessType, EventStatus
from domain.ticketing.sales import SaleableEvent
from entrypoints.contexts.assembly import schema


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Events:
    def __init__(self) -> None:
        now = datetime.now(UTC)
        self.events = {n: SaleableEvent(id=n, organiser_id=1, title="Bench", status=EventStatus.VALIDATED,
                                        starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2),
                                        access=AccessType.PAID, price=Money(5000, "XOF"), capacity=capacity)
                       for n, capacity in ((1, None), (2, None))}

    def limit(self, event_id: int, capacity: int) -> None:
        event = self.events[event_id]
        self.events[event_id] = SaleableEvent(**{**event.__dict__, "capacity": capacity})

    async def get(self, event_id: int) -> SaleableEvent | None:
        return self.events.get(event_id)


async def phase(name: str, seconds: float, concurrency: int, step: Callable[[], Awaitable[bool]]) -> dict[str, Any]:
    load_before = os.getloadavg()
    latencies: list[float] = []
    done = refused = 0
    stop = time.perf_counter() + seconds

    async def loop() -> None:
        nonlocal done, refused
        while time.perf_counter() < stop:
            start = time.perf_counter()
            ok = await step()
            latencies.append(time.perf_counter() - start)
            done += ok
            refused += not ok

    began = time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0.0
    return {"name": name, "per_s": (done + refused) / elapsed, "done": done, "refused": refused, "p99_ms": p99,
            "load_before": load_before, "load_after": os.getloadavg()}


async def run(url: str, seconds: float, concurrency: int, seats: int) -> list[dict[str, Any]]:
    schema()
    engine = make_engine(url, pool_size=concurrency, max_overflow=0)
    factory = make_sessionmaker(engine)
    clock, events = Clock(), Events()
    async with factory() as session:
        user = await SqlUserRepository(session).add(User(realm=Realm.SPOTVIBE, username="bench",
                                                         email="bench@example.com", password_hash="h",
                                                         created_at=clock.now()))
        quota = await SqlQuotaStore(session).create(None)
        await session.commit()
    actor = Actor(int(user.id or 0), Realm.SPOTVIBE)
    box = FernetSecretBox("bench", purpose="tickets")

    async def floor() -> bool:
        async with factory() as session:
            await session.execute(text("SELECT 1"))
            await session.commit()
        return True

    async def hold() -> bool:
        async with factory() as session:
            now = clock.now()
            await SqlQuotaStore(session).try_hold(quota, f"bench:{uuid.uuid4()}", 1, now + timedelta(minutes=15),
                                                  now)
            await session.commit()
        return True

    def purchase(event_id: int) -> Callable[[], Awaitable[bool]]:
        async def buy() -> bool:
            async with factory() as session:
                quotas, types, tickets = SqlQuotaStore(session), sql.SqlTicketTypes(session), sql.SqlTickets(session)
                signer = Ed25519TicketSigner(sql.SqlSigningKeys(session), box)
                use_case = PurchaseTickets(
                    events, TicketTypes(types, quotas), sql.SqlOrders(session), tickets, quotas,
                    TicketIssuer(tickets, signer, RandomShortCodes()),
                    SqlUnitOfWork(session, SqlOutbox(session, clock), EventTranslation()), clock, SalesConfig())
                try:
                    await use_case(PurchaseCommand(actor, event_id, 1))
                except QuotaExceeded:
                    return False
            return True
        return buy

    await purchase(2)()  # the contended event's standard type exists before its phase
    events.limit(2, seats)
    results = [await phase("floor (BEGIN; SELECT 1; COMMIT)", seconds, concurrency, floor),
               await phase("hold (try_hold + commit)", seconds, concurrency, hold),
               await phase("purchase (PurchaseTickets)", seconds, concurrency, purchase(1)),
               await phase(f"contended purchase ({seats} seats)", seconds, concurrency, purchase(2))]
    await engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seats", type=int, default=100)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="agora-bench-pg-", dir="/tmp"))
    server = EmbeddedPostgres(folder)
    server.start()
    try:
        url = server.create_database("agora_bench")
        migrate.upgrade(url)
        results = asyncio.run(run(url, args.seconds, args.concurrency, args.seats))
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    reference = results[0]["per_s"]
    print(f"{'phase':40} {'tx/s':>8} {'ratio':>6} {'p99 ms':>7} {'sold/refused':>13}  load before -> after")
    for r in results:
        load = " ".join(f"{x:.1f}" for x in r["load_before"]) + " -> " + " ".join(f"{x:.1f}" for x in r["load_after"])
        print(f"{r['name']:40} {r['per_s']:8.0f} {r['per_s'] / reference:6.2f} {r['p99_ms']:7.1f} "
              f"{r['done']:>6}/{r['refused']:<6}  {load}")


if __name__ == "__main__":
    main()
