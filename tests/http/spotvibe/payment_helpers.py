"""SpotVibe payment wire-test helpers: the fake providers per test module, a buyer's session, the DB read back."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx
from dishka import Provider
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.payments.fakes.server import Delivery, FakeProvider
from adapters.payments.registry import GatewayRegistry
from adapters.sql.payments import tables
from application.identity.ports import UserRepository
from application.payments.outcomes import DispatchPaymentOutcome
from application.payments.reconcile import ReconcilePayments, ReconcileReport
from application.payments.refunds import ExecuteRefund
from application.payments.topics import EXECUTE_REFUND, PAYMENT_SETTLED
from application.shared.ports import UnitOfWork
from domain.identity.model import Realm
from domain.payments.model import Payment, PaymentMethod, Refund
from tests.http.conftest import Api
from tests.http.spotvibe.helpers import account, bearer
from tests.payments_support import FakeProviders, TicketsForSale, job_handler, payments_override, replay

# Nothing listens on port 9 (discard): the fakes' callbacks fail at once and are replayed through the ASGI client.
UNREACHABLE = "http://127.0.0.1:9"
SETTINGS = {"public_url": UNREACHABLE}
# Where the providers' pages send the payer's browser back by default: our own landing pages.
RETURN_URL = f"{UNREACHABLE}/webhooks/payments/return/"
CANCEL_URL = f"{UNREACHABLE}/webhooks/payments/cancel/"
MOOV_WEBHOOK = f"{UNREACHABLE}/api/payments/webhooks/moov/"
STRIPE_WEBHOOK = f"{UNREACHABLE}/webhooks/stripe/"
SETTLE_AFTER = 0.05

PHONE = "+2290197000001"            # MTN: any ordinary number is approved at once; FedaPay: approved (not 0 / 9)
MTN_FAILED = "+46733123450"         # MTN sandbox number: FAILED at once
MTN_PENDING = "+46733123454"        # MTN sandbox number: PENDING until settled by hand
FEDAPAY_DECLINED = "+2290197000010"  # FedaPay: a number ending in 0 is declined

PAYMENTS = "/api/payments/"
INITIATE = "/api/payments/initiate/"
VERIFY = "/api/payments/verify/"
CANCEL = "/api/payments/cancel/"
RETRY = "/api/payments/retry/"
REFUNDS = "/api/payments/refunds/"
ADMIN_REFUNDS = "/api/payments/admin/refunds/"
STATS = "/api/payments/stats/"
METHODS = "/api/payments/methods/"
SUMMARY = "/api/payments/summary/"
TRANSACTIONS = "/api/payments/transactions/"
COMMISSIONS = "/api/payments/commissions/"
LEDGER = "/api/payments/ledger/"
WEBHOOK = {PaymentMethod.MTN: "/api/payments/webhooks/mtn/", PaymentMethod.ORANGE: "/api/payments/webhooks/orange/",
           PaymentMethod.MOOV: "/api/payments/webhooks/moov/", PaymentMethod.CARD: "/webhooks/stripe/"}

MONEY = re.compile(r"^\d+\.\d{2}$")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


def start_fakes() -> Iterator[FakeProviders]:
    """The body of a module-scoped fixture: the four fakes, answering fast, stopped after the module."""
    with FakeProviders(settle_after=SETTLE_AFTER) as fakes:
        yield fakes


def reset(fakes: FakeProviders) -> None:
    """What one test left in the (module-wide) fakes: recorded requests, deliveries, switches, webhook URLs."""
    for fake in fakes.all:
        with fake._lock:
            fake.requests.clear()
            fake.deliveries.clear()
            fake.behaviour.failures.clear()
        fake.behaviour.delay = 0.0
        fake.behaviour.drop_callbacks = False
    fakes.use_webhooks(moov=MOOV_WEBHOOK, stripe=STRIPE_WEBHOOK)


def override(registry: GatewayRegistry | None, tickets: TicketsForSale) -> list[Provider]:
    assert registry is not None
    return [payments_override(registry, tickets)]


def register_jobs(api: Api) -> None:
    api.jobs.handlers[PAYMENT_SETTLED] = job_handler(api.container, DispatchPaymentOutcome)
    api.jobs.handlers[EXECUTE_REFUND] = job_handler(api.container, ExecuteRefund)


def payment_jobs(api: Api) -> list[tuple[str, dict[str, Any], str]]:
    """The payment jobs relayed from the outbox so far (emails left out)."""
    return [job for job in api.jobs.enqueued if job[0].startswith("payments_")]


async def until(condition: Callable[[], Any], within: float = 3.0, what: str = "condition") -> Any:
    """Polls `condition` every 10 ms until it is truthy (its value is returned) or the deadline passes."""
    deadline = time.monotonic() + within
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def deliveries(fake: FakeProvider, n: int = 1, *, matching: Callable[[Delivery], bool] = lambda d: True,
                     within: float = 3.0) -> list[Delivery]:
    """The fake's answered (or failed) callbacks matching, once there are `n` of them."""
    def done() -> list[Delivery]:
        found = [d for d in list(fake.deliveries) if (d.status is not None or d.error is not None) and matching(d)]
        return found if len(found) >= n else []

    return list(await until(done, within, f"{n} {fake.name} deliveries"))


@dataclass
class Buyer:
    """A SpotVibe account and its bearer headers."""

    id: int
    username: str
    email: str
    headers: dict[str, str]
    admin: bool = False


async def buyer(api: Api, username: str = "awa", *, admin: bool = False) -> Buyer:
    email = f"{username}@example.com"
    issued = await account(api, username, email)
    async with api.container() as request:
        users = await request.get(UserRepository)
        user = await users.by_email(Realm.SPOTVIBE, email)
        assert user is not None and user.id is not None
        if admin:
            user.roles = [*user.roles, "admin"]
            await users.save(user)
            await (await request.get(UnitOfWork)).commit()
    return Buyer(user.id, username, email, bearer(issued["access"]), admin)


@dataclass
class Shop:
    """One test's payment world: the API, the fakes, the ticket owner, and shortcuts over the wire."""

    api: Api
    fakes: FakeProviders
    tickets: TicketsForSale
    buyers: dict[str, Buyer] = field(default_factory=dict)

    @property
    def client(self) -> httpx.AsyncClient:
        return self.api.client

    async def user(self, username: str = "awa", *, admin: bool = False) -> Buyer:
        if username not in self.buyers:
            self.buyers[username] = await buyer(self.api, username, admin=admin)
        assert self.buyers[username].admin is admin, f"{username} was made {'without' if admin else 'with'} admin"
        return self.buyers[username]

    async def initiate(self, who: Buyer, **fields: Any) -> httpx.Response:
        body: dict[str, Any] = {"type_paiement": "BILLET", "methode_paiement": "MOMO_MTN", "event_ticket_id": 1,
                                "telephone_paiement": PHONE}
        body.update(fields)
        return await self.client.post(INITIATE, json={k: v for k, v in body.items() if v is not None},
                                      headers=who.headers)

    async def started(self, who: Buyer, **fields: Any) -> dict[str, Any]:
        response = await self.initiate(who, **fields)
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def detail(self, who: Buyer, payment_uuid: UUID | str) -> dict[str, Any]:
        response = await self.client.get(f"{PAYMENTS}{payment_uuid}/", headers=who.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def post(self, path: str, who: Buyer | None, body: Any = None) -> httpx.Response:
        return await self.client.post(path, json=body, headers=who.headers if who else None)

    async def get(self, path: str, who: Buyer | None, **params: Any) -> httpx.Response:
        return await self.client.get(path, params=params or None, headers=who.headers if who else None)

    async def admin_view(self, path: str, **params: Any) -> Any:
        response = await self.get(path, await self.user("root", admin=True), **params)
        assert response.status_code == 200, response.text
        return response.json()

    async def ledger(self) -> dict[str, Any]:
        body: dict[str, Any] = await self.admin_view(LEDGER)
        return body

    async def replay(self, delivery: Delivery) -> httpx.Response:
        return await replay(self.client, delivery)

    async def mtn_paid(self, who: Buyer, **fields: Any) -> dict[str, Any]:
        """An MTN ticket payment settled through its callback (and the outcome dispatched)."""
        started = await self.started(who, **fields)
        ref = await self.attempt_reference(started["payment_uuid"])
        [delivery] = await deliveries(self.fakes.mtn, matching=lambda d: ref in d.url)
        answer = await self.replay(delivery)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"status": "ok", "outcome": "applied"}
        await self.api.run_jobs()
        return started

    async def attempt_reference(self, payment_uuid: UUID | str) -> str:
        """The latest attempt's reference (the X-Reference-Id sent to MTN)."""
        a, p = tables.payment_attempts, tables.payments
        async with self.api.container() as request:
            session = await request.get(AsyncSession)
            reference = await session.scalar(
                select(a.c.reference).join(p, p.c.id == a.c.payment_id).where(p.c.uuid == UUID(str(payment_uuid)))
                .order_by(a.c.number.desc()).limit(1))
        assert reference is not None
        return str(reference)

    async def payment(self, payment_uuid: UUID | str) -> Payment:
        async with self.api.container() as request:
            session = await request.get(AsyncSession)
            found = await session.scalar(select(Payment).where(tables.payments.c.uuid == UUID(str(payment_uuid))))
        assert found is not None
        return found

    async def refund(self, refund_id: int) -> Refund:
        async with self.api.container() as request:
            session = await request.get(AsyncSession)
            found = await session.get(Refund, refund_id)
        assert found is not None
        return found

    async def count(self, table: Any) -> int:
        async with self.api.container() as request:
            session = await request.get(AsyncSession)
            return int(await session.scalar(select(func.count()).select_from(table)) or 0)

    async def counts(self) -> dict[str, int]:
        """Rows of every payment table: what a refused request must leave as it was."""
        names = ("payments", "payment_attempts", "refunds", "commissions", "ledger_entries", "processed_callbacks")
        return {name: await self.count(getattr(tables, name)) for name in names}

    async def reconcile(self) -> ReconcileReport:
        async with self.api.container() as request:
            reconciler = await request.get(ReconcilePayments)
            return await reconciler()
