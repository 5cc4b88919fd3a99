"""The reconciler: asks providers about payments and refunds left open, and settles what they say."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from application.payments.config import PaymentsConfig
from application.payments.ports import AttemptRepository, Gateways, PaymentRepository, RefundRepository
from application.payments.refunds import FinishRefund, apply_refund_state
from application.payments.settlement import Settlement, gateway_for, lookup_for
from application.shared.ports import Clock, UnitOfWork
from domain.payments.errors import GatewayUnavailable, MethodInactive, RefundNotSupported
from domain.payments.model import Payment

log = logging.getLogger("agora.payments")

NEVER_REACHED = "NON_TRANSMIS"


@dataclass(frozen=True)
class ReconcileReport:
    checked: int = 0
    settled: int = 0
    abandoned: int = 0
    unreachable: int = 0
    refunds_checked: int = 0


class ReconcilePayments:
    """Each payment in its own transaction: one provider being down does not hold up the others."""

    def __init__(self, payments: PaymentRepository, attempts: AttemptRepository, refunds: RefundRepository,
                 gateways: Gateways, settlement: Settlement, finish: FinishRefund, uow: UnitOfWork, clock: Clock,
                 config: PaymentsConfig) -> None:
        self._payments = payments
        self._attempts = attempts
        self._refunds = refunds
        self._gateways = gateways
        self._settlement = settlement
        self._finish = finish
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self) -> ReconcileReport:
        now = self._clock.now()
        stale = await self._payments.stale_open(now - self._config.reconcile_after, self._config.reconcile_batch)
        settled = abandoned = unreachable = 0
        for candidate in stale:
            try:
                result = await self._one(candidate)
            except (GatewayUnavailable, MethodInactive) as error:
                await self._uow.rollback()
                log.warning("reconcile %s: %s", candidate.uuid, error.message)
                unreachable += 1
                continue
            settled += result == "settled"
            abandoned += result == "abandoned"
        refunds_checked = await self._refunds_in_progress()
        report = ReconcileReport(len(stale), settled, abandoned, unreachable, refunds_checked)
        if stale or refunds_checked:
            log.info("reconcile: %s", report)
        return report

    async def _one(self, candidate: Payment) -> str:
        payment = await self._payments.get_for_update(candidate.uuid)
        if payment is None or not payment.is_open or payment.id is None:
            await self._uow.rollback()
            return "skipped"
        attempt = await self._attempts.latest(payment.id)
        if attempt is None:
            await self._uow.rollback()
            return "skipped"
        status = await gateway_for(self._gateways, payment).fetch_charge(lookup_for(payment, attempt))
        now = self._clock.now()
        if status is None:
            if now - attempt.created_at < self._config.give_up_after:
                await self._uow.rollback()
                return "skipped"
            payment.fail(NEVER_REACHED, now)
            await self._payments.save(payment)
            self._settlement.publish(payment)
            await self._uow.commit()
            return "abandoned"
        outcome = await self._settlement.apply(payment, attempt, status)
        await self._attempts.save(attempt)
        await self._uow.commit()
        return "settled" if outcome.changed and not payment.is_open else "pending"

    async def _refunds_in_progress(self) -> int:
        checked = 0
        for candidate in await self._refunds.in_progress(self._config.reconcile_batch):
            refund = await self._refunds.get_for_update(candidate.id) if candidate.id is not None else None
            if refund is None or refund.provider_reference is None:
                await self._uow.rollback()
                continue
            payment = await self._payments.get_for_update(refund.payment_uuid)
            assert payment is not None
            try:
                state = await gateway_for(self._gateways, payment).fetch_refund(refund.provider_reference)
            except (GatewayUnavailable, MethodInactive, RefundNotSupported) as error:
                await self._uow.rollback()
                log.warning("reconcile refund %s: %s", refund.id, error.message)
                continue
            await apply_refund_state(refund, payment, state, refund.provider_reference, self._finish,
                                     self._refunds)
            await self._uow.commit()
            checked += 1
        return checked
