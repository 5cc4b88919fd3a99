"""The payment use cases wired on memory adapters, a memory gateway per method, and a test purpose."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

from adapters.auth.phones import PhonenumbersNormalizer
from adapters.memory import payments as repos
from adapters.memory.payment_gateway import MemoryGateway
from adapters.memory.store import (
    FrozenClock,
    InlineJobQueue,
    MemoryOutbox,
    MemoryOutboxStore,
    MemoryStore,
    MemoryUnitOfWork,
)
from adapters.payments.registry import GatewayRegistry
from application.payments.announcements import ANNOUNCEMENTS
from application.payments.callbacks import HandleCallback
from application.payments.charges import (
    CancelPayment,
    InitiatePayment,
    InitiatePaymentCommand,
    RefreshFromProvider,
    RetryPayment,
    SubmitAttempt,
    VerifyPayment,
)
from application.payments.config import PaymentsConfig
from application.payments.outcomes import DispatchPaymentOutcome
from application.payments.ports import InboundCallback
from application.payments.purposes import PurposeRegistry
from application.payments.queries import PaymentQueries
from application.payments.reconcile import ReconcilePayments
from application.payments.refunds import (
    CompleteRefund,
    DecideRefund,
    ExecuteRefund,
    FinishRefund,
    RequestRefund,
)
from application.payments.settlement import Settlement
from application.payments.topics import EXECUTE_REFUND, PAYMENT_SETTLED
from application.shared.events import EventTranslation
from application.shared.outbox import RelayOutbox
from domain.payments.model import Payment, PaymentMethod, PaymentType
from domain.shared.actor import Actor
from domain.shared.realm import Realm
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
        self.store = MemoryStore()
        self.clock = FrozenClock()
        self.uow = MemoryUnitOfWork(self.store, EventTranslation(ANNOUNCEMENTS))
        self.outbox = MemoryOutbox(self.store)
        self.payments = repos.MemoryPaymentRepository(self.store)
        self.attempts = repos.MemoryAttemptRepository(self.store)
        self.refunds = repos.MemoryRefundRepository(self.store)
        self.commissions = repos.MemoryCommissionRepository(self.store)
        self.ledger = repos.MemoryLedger(self.store)
        self.processed = repos.MemoryProcessedCallbacks(self.store)
        self.statistics = repos.MemoryPaymentStatistics(self.store)
        self.mtn = MemoryGateway(PaymentMethod.MTN)
        self.orange = MemoryGateway(PaymentMethod.ORANGE, refunds_supported=False)
        self.card = MemoryGateway(PaymentMethod.CARD, signed=True)
        self.moov = MemoryGateway(PaymentMethod.MOOV, configured=False)
        self.gateways = GatewayRegistry([self.mtn, self.orange, self.card, self.moov])
        self.tickets = TicketsForSale()
        self.purposes = PurposeRegistry([self.tickets])
        self.settlement = Settlement(self.payments, self.refunds, self.commissions, self.ledger,
                                     self.clock)
        self.submit = SubmitAttempt(self.payments, self.attempts, self.gateways, self.settlement, self.uow,
                                    self.clock, self.config)
        self.refresh = RefreshFromProvider(self.payments, self.attempts, self.gateways, self.settlement,
                                           self.uow)
        self.initiate = InitiatePayment(self.payments, self.purposes, self.gateways, PhonenumbersNormalizer(),
                                        self.submit, self.clock, self.config)
        self.verify = VerifyPayment(self.payments, self.refresh, self.uow)
        self.cancel = CancelPayment(self.payments, self.refresh, self.settlement, self.uow, self.clock)
        self.retry = RetryPayment(self.payments, self.purposes, self.refresh, self.submit, self.uow)
        self.callback = HandleCallback(self.gateways, self.payments, self.attempts, self.processed, self.settlement,
                                       self.uow)
        self.finish = FinishRefund(self.payments, self.commissions, self.ledger, self.refunds, self.settlement,
                                   self.clock)
        self.reconcile = ReconcilePayments(self.payments, self.attempts, self.refunds, self.gateways,
                                           self.settlement, self.finish, self.uow, self.clock, self.config)
        self.request_refund = RequestRefund(self.payments, self.refunds, self.uow, self.clock, self.config)
        self.decide_refund = DecideRefund(self.refunds, self.outbox, self.uow, self.clock)
        self.execute_refund = ExecuteRefund(self.refunds, self.payments, self.attempts, self.gateways, self.finish,
                                            self.uow)
        self.complete_refund = CompleteRefund(self.refunds, self.payments, self.finish, self.uow)
        self.dispatch = DispatchPaymentOutcome(self.purposes, self.payments, self.settlement)
        self.queries = PaymentQueries(self.payments, self.refunds, self.attempts, self.commissions, self.statistics,
                                      self.ledger, self.gateways)
        self.jobs = InlineJobQueue({PAYMENT_SETTLED: self.dispatch, EXECUTE_REFUND: self.execute_refund})
        self.relay = RelayOutbox(MemoryOutboxStore(self.store), self.jobs, self.uow, self.clock)

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
