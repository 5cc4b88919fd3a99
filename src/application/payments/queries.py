"""Read models: a payer's payments and refunds, and the administrators' lists and figures. App-scoped: they read
through `PaymentReads` (committed data, one round trip each) and decide here who may see what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.payments.ports import Gateways, PayerSummary, PaymentReads, PaymentTotals
from domain.payments.model import METHOD_NAMES, Attempt, Commission, Payment, PaymentMethod, Refund, RefundStatus
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
    def __init__(self, reads: PaymentReads, gateways: Gateways) -> None:
        self._reads = reads
        self._gateways = gateways

    async def payments_of(self, actor: Actor) -> list[Payment]:
        PAY.check(actor)
        return await self._reads.payments_of(actor.user_id)

    async def payment(self, payment_uuid: UUID, actor: Actor) -> Payment:
        """The payer's own, or any for those who may see every payment; otherwise as if it did not exist."""
        payment = await self._reads.payment(payment_uuid)
        if payment is None or not (actor.is_user(payment.payer_id) or VIEW_ANY_PAYMENT.allows(actor)):
            raise NotFound("Paiement introuvable")
        return payment

    async def refunds_of(self, actor: Actor) -> list[Refund]:
        PAY.check(actor)
        return await self._reads.refunds_of(actor.user_id)

    async def all_refunds(self, actor: Actor, status: str | None, limit: int, offset: int) -> list[Refund]:
        DECIDE_REFUNDS.check(actor)
        if status is None:
            return await self._reads.refunds(None, limit, offset)
        wanted = _refund_status(status)
        if wanted is None:
            return []  # no refund is in a status that does not exist
        return await self._reads.refunds(wanted, limit, offset)

    async def refund(self, refund_id: int, actor: Actor) -> tuple[Refund, Payment]:
        found = await self._reads.refund(refund_id)
        if found is None or not (actor.is_user(found[0].requester_id) or VIEW_ANY_PAYMENT.allows(actor)):
            raise NotFound("Remboursement introuvable")
        return found

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
        return await self._reads.totals()

    async def summary(self, actor: Actor) -> PayerSummary:
        PAY.check(actor)
        return await self._reads.payer_summary(actor.user_id)

    async def transactions(self, actor: Actor, limit: int, offset: int) -> list[tuple[Attempt, UUID]]:
        VIEW_FIGURES.check(actor)
        return await self._reads.recent_attempts(limit, offset)

    async def commissions(self, actor: Actor, limit: int, offset: int) -> list[Commission]:
        VIEW_FIGURES.check(actor)
        return await self._reads.recent_commissions(limit, offset)

    async def ledger(self, actor: Actor, currency: str, start: datetime | None, end: datetime | None
                     ) -> LedgerReport:
        VIEW_FIGURES.check(actor)
        return ledger_report(currency, await self._reads.ledger_entries(start, end))


def _refund_status(value: str) -> RefundStatus | None:
    try:
        return RefundStatus(value)
    except ValueError:
        return None
