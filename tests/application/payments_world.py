"""The payment use cases as the service wires them (the real container), on memory adapters, a memory gateway
per method, and a test purpose."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

from dishka import Provider, Scope

from adapters.memory import payments as repos
from adapters.memory.payment_gateway import MemoryGateway
from adapters.memory.store import FrozenClock, MemoryOutbox, MemoryStore
from adapters.payments.registry import GatewayRegistry
from application.payments import callbacks, charges, queries, reconcile, refunds
from application.payments.charges import InitiatePaymentCommand
from application.payments.config import PaymentsConfig
from application.payments.ports import Gateways, InboundCallback, PaymentPurposes
from application.payments.purposes import PurposeRegistry
from application.shared.outbox import RelayOutbox
from domain.payments.model import Payment, PaymentMethod, PaymentType
from domain.shared.actor import Actor
from domain.shared.realm import Realm
from entrypoints.di.container import memory_container
from tests.application.scoped import InScope
from tests.payments_support import TicketsForSale

PAYER = Actor(7, Realm.SPOTVIBE)
OTHER = Actor(8, Realm.SPOTVIBE)
ADMIN = Actor(1, Realm.SPOTVIBE, frozenset({"admin"}))


@dataclass
class PaymentWorld:
    config: PaymentsConfig = field(default_factory=lambda: PaymentsConfig(
        reconcile_after=timedelta(minutes=2), give_up_after=timedelta(hours=1),
        callback_urls={method: f"https://agora.test/hooks/{method.value.lower()}/" for method in PaymentMethod}))

    def __post_init__(self) -> None:
        self.mtn = MemoryGateway(PaymentMethod.MTN)
        self.orange = MemoryGateway(PaymentMethod.ORANGE, refunds_supported=False)
        self.card = MemoryGateway(PaymentMethod.CARD, signed=True)
        self.moov = MemoryGateway(PaymentMethod.MOOV, configured=False)
        self.gateways = GatewayRegistry([self.mtn, self.orange, self.card, self.moov])
        self.tickets = TicketsForSale()
        self.purposes = PurposeRegistry([self.tickets])
        given = Provider(scope=Scope.APP)
        given.provide(lambda: self.config, provides=PaymentsConfig)
        given.provide(lambda: self.gateways, provides=Gateways)
        given.provide(lambda: self.purposes, provides=PaymentPurposes)
        self.container = memory_container(given)
        self.store, self.clock = self.container.get_sync(MemoryStore), self.container.get_sync(FrozenClock)

        def use(use_case: type[Any]) -> Any:
            return InScope(self.container, use_case)

        self.initiate, self.verify = use(charges.InitiatePayment), use(charges.VerifyPayment)
        self.cancel, self.retry = use(charges.CancelPayment), use(charges.RetryPayment)
        self.callback, self.reconcile = use(callbacks.HandleCallback), use(reconcile.ReconcilePayments)
        self.request_refund, self.decide_refund = use(refunds.RequestRefund), use(refunds.DecideRefund)
        self.complete_refund = use(refunds.CompleteRefund)
        self.queries = use(queries.PaymentQueries)
        self.relay = use(RelayOutbox)

    @property
    def payments(self) -> repos.MemoryPaymentRepository:
        return repos.MemoryPaymentRepository(self.store)

    @property
    def refunds(self) -> repos.MemoryRefundRepository:
        return repos.MemoryRefundRepository(self.store)

    @property
    def reads(self) -> repos.MemoryPaymentReads:
        return repos.MemoryPaymentReads(self.store)

    @property
    def outbox(self) -> MemoryOutbox:
        return MemoryOutbox(self.store)

    async def run_jobs(self) -> None:
        while await self.relay():
            pass

    async def buy(self, method: PaymentMethod = PaymentMethod.MTN, ticket: str = "1",
                  phone: str | None = "+2290197000000") -> Payment:
        view = await self.initiate(InitiatePaymentCommand(
            actor=PAYER, payment_type=PaymentType.TICKET, method=method, reference=ticket,
            phone=phone))
        return await self.payment(view.uuid)

    async def payment(self, payment_uuid: UUID) -> Payment:
        payment = await self.payments.get(payment_uuid)
        assert payment is not None
        return payment

    def gateway(self, method: PaymentMethod) -> MemoryGateway:
        gateway = self.gateways.get(method)
        assert isinstance(gateway, MemoryGateway)
        return gateway

    def callback_for(self, payment: Payment, **headers: Any) -> InboundCallback:
        assert payment.provider_reference is not None
        return InboundCallback(headers={k.replace("_", "-"): v for k, v in headers.items()},
                               body=payment.provider_reference.encode(), received_at=self.clock.now())
