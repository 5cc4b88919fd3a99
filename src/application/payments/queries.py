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
from domain.payments.permissions import DECIDE_REFUNDS, PAY, VIEW_ANY_PAYMENT, VIEW_FIGURES
from domain.payments.policies import LedgerReport, ledger_report
from domain.shared.actor import Actor
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

    async def payments_of(self, actor: Actor) -> list[Payment]:
        PAY.check(actor)
        return await self._payments.list_for_payer(actor.user_id)

    async def payment(self, payment_uuid: UUID, actor: Actor) -> Payment:
        """The payer's own, or any for those who may see every payment; otherwise as if it did not exist."""
        payment = await self._payments.get(payment_uuid)
        if payment is None or not (actor.is_user(payment.payer_id) or VIEW_ANY_PAYMENT.allows(actor)):
            raise NotFound("Paiement introuvable")
        return payment

    async def refunds_of(self, actor: Actor) -> list[Refund]:
        PAY.check(actor)
        return await self._refunds.for_requester(actor.user_id)

    async def all_refunds(self, actor: Actor, status: str | None, limit: int, offset: int) -> list[Refund]:
        DECIDE_REFUNDS.check(actor)
        return await self._refunds.list_all(status, limit, offset)

    async def refund(self, refund_id: int, actor: Actor) -> tuple[Refund, Payment]:
        refund = await self._refunds.get(refund_id)
        if refund is None or not (actor.is_user(refund.requester_id) or VIEW_ANY_PAYMENT.allows(actor)):
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

    async def totals(self, actor: Actor) -> PaymentTotals:
        VIEW_FIGURES.check(actor)
        return await self._statistics.totals()

    async def summary(self, actor: Actor) -> PayerSummary:
        PAY.check(actor)
        return await self._statistics.payer_summary(actor.user_id)

    async def transactions(self, actor: Actor, limit: int, offset: int) -> list[tuple[Attempt, UUID]]:
        VIEW_FIGURES.check(actor)
        return await self._attempts.list_recent(limit, offset)

    async def commissions(self, actor: Actor, limit: int, offset: int) -> list[Commission]:
        VIEW_FIGURES.check(actor)
        return await self._commissions.list_recent(limit, offset)

    async def ledger(self, actor: Actor, currency: str, start: datetime | None, end: datetime | None
                     ) -> LedgerReport:
        VIEW_FIGURES.check(actor)
        return ledger_report(currency, await self._ledger.between(start, end))
