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
from domain.payments.model import Payment, RefundStatus

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
            except (GatewayUnavailable, MethodInactive) as error:  # raised before the lock: nothing to undo
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
        """Asks the provider with nothing held, then locks the payment and settles it from the state it is in by
        then (a callback or a verify may have settled it meanwhile)."""
        assert candidate.id is not None
        attempt = await self._attempts.latest(candidate.id)
        await self._uow.commit()  # the reads are done: nothing is held during the call
        if attempt is None:
            return "skipped"
        status = await gateway_for(self._gateways, candidate).fetch_charge(lookup_for(candidate, attempt))
        payment = await self._payments.get_for_update(candidate.uuid)
        assert payment is not None
        now = self._clock.now()
        if status is None:
            if not payment.is_open or attempt.number != payment.attempts \
                    or now - attempt.created_at < self._config.give_up_after:
                await self._uow.commit()  # releases the lock: nothing changed
                return "skipped"
            payment.fail(NEVER_REACHED, now)
            await self._payments.save(payment)
            await self._uow.commit()
            return "abandoned"
        outcome = await self._settlement.apply(payment, attempt, status)
        await self._attempts.save(attempt)
        await self._uow.commit()
        return "settled" if outcome.changed and not payment.is_open else "pending"

    async def _refunds_in_progress(self) -> int:
        checked = 0
        for candidate in await self._refunds.in_progress(self._config.reconcile_batch):
            reference = candidate.provider_reference
            if candidate.id is None or reference is None:
                continue
            payment = await self._payments.get(candidate.payment_uuid)
            await self._uow.commit()  # the reads are done: nothing is held during the call
            assert payment is not None
            try:
                state = await gateway_for(self._gateways, payment).fetch_refund(reference)
            except (GatewayUnavailable, MethodInactive, RefundNotSupported) as error:
                log.warning("reconcile refund %s: %s", candidate.id, error.message)
                continue
            refund = await self._refunds.get_for_update(candidate.id)
            payment = await self._payments.get_for_update(candidate.payment_uuid)
            assert refund is not None and payment is not None
            if refund.status is not RefundStatus.IN_PROGRESS or refund.provider_reference != reference:
                await self._uow.commit()  # finished meanwhile (by hand, or by another run): releases the locks
                continue
            await apply_refund_state(refund, payment, state, reference, self._finish, self._refunds)
            await self._uow.commit()
            checked += 1
        return checked
