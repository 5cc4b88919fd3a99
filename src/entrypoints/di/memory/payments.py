"""Payments in memory: its repositories, and a memory gateway per method."""

from __future__ import annotations

from dishka import Provider, Scope, provide

from adapters.memory import payments as memory
from adapters.memory.payment_gateway import MemoryGateway
from adapters.payments.registry import GatewayRegistry
from application.payments.ports import (
    AttemptRepository,
    CommissionRepository,
    Gateways,
    Ledger,
    PaymentReads,
    PaymentRepository,
    ProcessedCallbacks,
    RefundRepository,
)
from domain.payments.model import PaymentMethod


class PaymentsMemory(Provider):
    scope = Scope.REQUEST

    payments = provide(memory.MemoryPaymentRepository, provides=PaymentRepository)
    attempts = provide(memory.MemoryAttemptRepository, provides=AttemptRepository)
    refunds = provide(memory.MemoryRefundRepository, provides=RefundRepository)
    commissions = provide(memory.MemoryCommissionRepository, provides=CommissionRepository)
    ledger = provide(memory.MemoryLedger, provides=Ledger)
    processed = provide(memory.MemoryProcessedCallbacks, provides=ProcessedCallbacks)
    reads = provide(memory.MemoryPaymentReads, scope=Scope.APP, provides=PaymentReads)

    @provide(scope=Scope.APP)
    def gateways(self) -> Gateways:
        return GatewayRegistry([MemoryGateway(method) for method in PaymentMethod if method.is_online])
