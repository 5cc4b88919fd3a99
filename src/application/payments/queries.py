"""Read models: a payer's payments and refunds, and the administrators' lists and figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.payments.ports import (
    AttemptRepository,
    CommissionRepository,
    Gateways,
    Ledger,
    PayerSummary,
    PaymentRepository,
    PaymentStatistics,
    PaymentTotals,
    RefundRepository,
)
from domain.payments.model import METHOD_NAMES, Attempt, Commission, Payment, PaymentMethod, Refund
from domain.payments.policies import LedgerReport, ledger_report
from domain.shared.errors import NotFound


@dataclass(frozen=True)
class MethodInfo:
    method: PaymentMethod
    name: str
    active: bool


class PaymentQueries:
    def __init__(self, payments: PaymentRepository, refunds: RefundRepository, attempts: AttemptRepository,
                 commissions: CommissionRepository, statistics: PaymentStatistics, ledger: Ledger,
                 gateways: Gateways) -> None:
        self._payments = payments
        self._refunds = refunds
        self._attempts = attempts
        self._commissions = commissions
        self._statistics = statistics
        self._ledger = ledger
        self._gateways = gateways

    async def payments_of(self, payer_id: int) -> list[Payment]:
        return await self._payments.list_for_payer(payer_id)

    async def payment(self, payment_uuid: UUID, *, viewer_id: int, admin: bool) -> Payment:
        payment = await self._payments.get(payment_uuid)
        if payment is None or (payment.payer_id != viewer_id and not admin):
            raise NotFound("Paiement introuvable")
        return payment

    async def refunds_of(self, requester_id: int) -> list[Refund]:
        return await self._refunds.for_requester(requester_id)

    async def all_refunds(self, status: str | None, limit: int, offset: int) -> list[Refund]:
        return await self._refunds.list_all(status, limit, offset)

    async def refund(self, refund_id: int, *, viewer_id: int, admin: bool) -> tuple[Refund, Payment]:
        refund = await self._refunds.get(refund_id)
        if refund is None or (refund.requester_id != viewer_id and not admin):
            raise NotFound("Remboursement introuvable")
        payment = await self._payments.get(refund.payment_uuid)
        assert payment is not None
        return refund, payment

    def methods(self) -> list[MethodInfo]:
        infos = []
        for method in PaymentMethod:
            if not method.is_online:
                continue
            gateway = self._gateways.get(method)
            infos.append(MethodInfo(method, METHOD_NAMES[method], gateway is not None and gateway.configured))
        return infos

    async def totals(self) -> PaymentTotals:
        return await self._statistics.totals()

    async def summary(self, payer_id: int) -> PayerSummary:
        return await self._statistics.payer_summary(payer_id)

    async def transactions(self, limit: int, offset: int) -> list[tuple[Attempt, UUID]]:
        return await self._attempts.list_recent(limit, offset)

    async def commissions(self, limit: int, offset: int) -> list[Commission]:
        return await self._commissions.list_recent(limit, offset)

    async def ledger(self, currency: str, start: datetime | None, end: datetime | None) -> LedgerReport:
        return ledger_report(currency, await self._ledger.between(start, end))
