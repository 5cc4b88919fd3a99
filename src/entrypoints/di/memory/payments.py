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
    PaymentRepository,
    PaymentStatistics,
    ProcessedCallbacks,
    RefundRepository,
)
from domain.payments.model import PaymentMethod


class PaymentsMemory(Provider):
    scope = Scope.REQUEST

    payments = provide(memory.MemoryPaymentRepository, provides=PaymentRepository)
    statistics = provide(memory.MemoryPaymentStatistics, provides=PaymentStatistics)
    attempts = provide(memory.MemoryAttemptRepository, provides=AttemptRepository)
    refunds = provide(memory.MemoryRefundRepository, provides=RefundRepository)
    commissions = provide(memory.MemoryCommissionRepository, provides=CommissionRepository)
    ledger = provide(memory.MemoryLedger, provides=Ledger)
    processed = provide(memory.MemoryProcessedCallbacks, provides=ProcessedCallbacks)

    @provide(scope=Scope.APP)
    def gateways(self) -> Gateways:
        return GatewayRegistry([MemoryGateway(method) for method in PaymentMethod if method.is_online])
