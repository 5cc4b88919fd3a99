"""What payment tests share: a purpose owner standing in for ticketing, the four fake providers started
together with fast retry settings, the DI override that plugs both in, and job handlers for the inline queue."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit
from uuid import UUID

import httpx
from dishka import AsyncContainer, Provider, Scope

from adapters.payments.fakes.fedapay import FakeFedapay
from adapters.payments.fakes.mtn import FakeMtn
from adapters.payments.fakes.orange import FakeOrange
from adapters.payments.fakes.server import Delivery
from adapters.payments.fakes.stripe import FakeStripe
from adapters.payments.fedapay import FedapayGateway, FedapaySettings
from adapters.payments.http import RetryPolicy
from adapters.payments.mtn import MtnGateway
from adapters.payments.orange import OrangeGateway, OrangeSettings
from adapters.payments.registry import GatewayRegistry
from adapters.payments.stripe import StripeGateway, StripeSettings
from application.payments.ports import Gateways, PaymentPurposes, PurposeQuote
from application.payments.purposes import PurposeRegistry
from application.shared.ports import UnitOfWork
from domain.payments.model import PaymentStatus
from domain.shared.errors import NotFound
from domain.shared.money import Money

ORGANISER = 99
FAST = dict(timeout_seconds=1.0, backoff_seconds=0.01)


@dataclass
class TicketsForSale:
    """A purpose owner as the ticketing context will be: prices tickets, hears how their payments ended."""

    kind: str = "ticket"
    prices: dict[str, int] = field(default_factory=lambda: {"1": 5000, "2": 12_345, "3": 100})
    sold_out: set[str] = field(default_factory=set)
    heard: list[tuple[str, UUID, PaymentStatus]] = field(default_factory=list)

    async def quote(self, reference: str, payer_id: int) -> PurposeQuote:
        if reference not in self.prices:
            raise NotFound("Billet introuvable")
        return PurposeQuote(Money(self.prices[reference], "XOF"), f"Billet {reference}", beneficiary_id=ORGANISER)

    async def settled(self, reference: str, payment_uuid: UUID, status: PaymentStatus) -> bool:
        self.heard.append((reference, payment_uuid, status))
        return reference not in self.sold_out


class FakeProviders:
    """The four fakes on 127.0.0.1 and gateways pointed at them (1 s time-out, 10 ms backoff)."""

    def __init__(self, *, settle_after: float = 0.2, timeout_seconds: float = 1.0) -> None:
        self.mtn = FakeMtn(target_environment="mtnbenin", currency="XOF", settle_after=settle_after)
        self.orange = FakeOrange(currency="XOF", settle_after=settle_after)
        self.fedapay = FakeFedapay(settle_after=settle_after)
        self.stripe = FakeStripe(settle_after=settle_after)
        self.timeout_seconds = timeout_seconds
        self.registry: GatewayRegistry | None = None

    def __enter__(self) -> Self:
        for fake in self.all:
            fake.start()
        t = self.timeout_seconds
        self.registry = GatewayRegistry([
            MtnGateway(self.mtn.settings(timeout_seconds=t, backoff_seconds=0.01)),
            OrangeGateway(OrangeSettings(
                client_id=self.orange.client_id, client_secret=self.orange.client_secret,
                merchant_key=self.orange.merchant_key, token_url=f"{self.orange.url}/oauth/v3/token",
                api_base_url=self.orange.url, country_path=self.orange.country_path, currency=self.orange.currency,
                timeout_seconds=t, retry_backoff_seconds=0.01)),
            FedapayGateway(FedapaySettings(secret_key=self.fedapay.secret_key,
                                           webhook_secret=self.fedapay.webhook_secret, base_url=self.fedapay.url,
                                           retry=RetryPolicy(timeout_seconds=t, backoff_seconds=0.01))),
            StripeGateway(StripeSettings(secret_key=self.stripe.secret_key, webhook_secret=self.stripe.webhook_secret,
                                         base_url=self.stripe.url, timeout_seconds=t, retry_backoff_seconds=0.01)),
        ])
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        for fake in self.all:
            fake.stop()

    @property
    def all(self) -> tuple[Any, ...]:
        return (self.mtn, self.orange, self.fedapay, self.stripe)

    def use_webhooks(self, moov: str, stripe: str) -> None:
        """Where the signed providers send their events (configured per endpoint, not per payment)."""
        self.fedapay.webhook_url = moov
        self.stripe.webhook_url = stripe


def payments_override(gateways: Gateways, purposes: PaymentPurposes | TicketsForSale) -> Provider:
    registry = purposes if isinstance(purposes, PurposeRegistry) else PurposeRegistry([purposes])  # type: ignore[list-item]
    provider = Provider(scope=Scope.APP)
    provider.provide(lambda: gateways, provides=Gateways)
    provider.provide(lambda: registry, provides=PaymentPurposes)
    return provider


def job_handler(container: AsyncContainer, use_case: type[Any]) -> Callable[[dict[str, Any]], Awaitable[None]]:
    """Runs a job use case in its own REQUEST scope and commits, as the worker's `run_once` does."""

    async def handle(payload: dict[str, Any]) -> None:
        async with container() as request:
            handler = await request.get(use_case)
            await handler(payload)
            await (await request.get(UnitOfWork)).commit()

    return handle


async def replay(client: httpx.AsyncClient, delivery: Delivery, *, prefix: str = "") -> httpx.Response:
    """Sends a fake's callback through the ASGI client (the fake cannot reach an in-process app)."""
    parts = urlsplit(delivery.url)
    path = prefix + parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {k: v for k, v in delivery.headers.items() if k.lower() != "content-length"}
    return await client.post(path, content=delivery.body, headers=headers)


__all__ = ["ORGANISER", "FakeProviders", "TicketsForSale", "job_handler", "payments_override", "replace", "replay"]
