"""Applying the provider's word to a payment: the one place money is booked as received or lost."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from application.payments.ports import (
    ChargeLookup,
    ChargeState,
    ChargeStatus,
    CommissionRepository,
    Gateways,
    Ledger,
    PaymentGateway,
    PaymentRepository,
    RefundRepository,
)
from application.shared.ports import Clock
from domain.payments.errors import MethodInactive
from domain.payments.model import (
    Attempt,
    Commission,
    CommissionType,
    Payment,
    PaymentStatus,
    PaymentType,
    Refund,
    RefundReason,
)
from domain.payments.policies import settlement_entries
from domain.shared.errors import Conflict

log = logging.getLogger("agora.payments")

COMMISSION_TYPES = {PaymentType.TICKET: CommissionType.TICKETING, PaymentType.SUBSCRIPTION: CommissionType.SUBSCRIPTION}


def lookup_for(payment: Payment, attempt: Attempt) -> ChargeLookup:
    return ChargeLookup(provider_reference=attempt.provider_reference or str(attempt.reference),
                        order_id=attempt.order_id, amount=payment.amount, reference=attempt.reference)


def gateway_for(gateways: Gateways, payment: Payment) -> PaymentGateway:
    gateway = gateways.get(payment.method)
    if gateway is None or not gateway.configured:
        raise MethodInactive(payment.method.value)
    return gateway


@dataclass(frozen=True)
class Outcome:
    changed: bool
    status: PaymentStatus


class Settlement:
    """Moves a payment to what the provider reports, once. Callers hold the payment's row lock."""

    def __init__(self, payments: PaymentRepository, refunds: RefundRepository, commissions: CommissionRepository,
                 ledger: Ledger, clock: Clock) -> None:
        self._payments = payments
        self._refunds = refunds
        self._commissions = commissions
        self._ledger = ledger
        self._clock = clock

    async def apply(self, payment: Payment, attempt: Attempt, status: ChargeStatus) -> Outcome:
        now = self._clock.now()
        attempt.provider_status = status.provider_status
        before = payment.status
        if status.state is ChargeState.SUCCEEDED:
            if payment.status in {PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED}:
                if attempt.number != payment.attempts:
                    log.error("payment %s: try %d also succeeded after try %d: flagged for refund",
                              payment.uuid, attempt.number, payment.attempts)
                    payment.flag_for_refund(f"Tentative {attempt.number} également débitée")
                    await self._payments.save(payment)
                return Outcome(False, payment.status)
            if status.amount is not None and status.amount.currency == payment.currency \
                    and status.amount != payment.amount:
                log.error("payment %s: provider reports %s, expected %s", payment.uuid, status.amount, payment.amount)
                payment.flag_for_refund("Montant reçu différent du montant attendu")
            payment.succeed(now, transaction_id=status.transaction_id)
            await self._book(payment)
        elif status.state is ChargeState.FAILED:
            if not payment.is_open or attempt.number != payment.attempts:
                return Outcome(False, payment.status)
            payment.fail(status.reason or status.provider_status, now)
        elif payment.status is PaymentStatus.PENDING and attempt.number == payment.attempts:
            # The provider knows a try whose start we never heard back from (a time-out): it is in progress,
            # under the reference we looked it up by.
            attempt.provider_reference = lookup_for(payment, attempt).provider_reference
            payment.mark_submitted(attempt.provider_reference, payment.redirect_url, now)
        else:
            return Outcome(False, payment.status)
        await self._payments.save(payment)
        return Outcome(payment.status is not before, payment.status)

    async def _book(self, payment: Payment) -> None:
        assert payment.id is not None
        first = await self._ledger.record(settlement_entries(payment))
        if not first:
            log.error("payment %s: settlement already in the ledger", payment.uuid)
        # The commission is written with the first settlement: only a repeated one has to look for it.
        if payment.fees_minor and (first or await self._commissions.for_payment(payment.id) is None):
            try:
                await self._commissions.add(Commission(
                    payment_id=payment.id, type=COMMISSION_TYPES.get(payment.type, CommissionType.OTHER),
                    currency=payment.currency, amount_minor=payment.fees_minor,
                    rate_basis_points=round(payment.fees_minor * 10_000 / payment.amount_minor),
                    label=payment.description, created_at=self._clock.now(), beneficiary_id=payment.beneficiary_id))
            except Conflict:
                log.error("payment %s: its commission was already recorded", payment.uuid)
        if payment.flagged_for_refund:
            await self.open_refund_for_flagged(payment)

    async def open_refund_for_flagged(self, payment: Payment) -> None:
        """Money that cannot be delivered on is kept and offered back: a refund request an admin decides."""
        assert payment.id is not None
        if await self._refunds.open_for_payment(payment.id):
            return
        await self._refunds.add(Refund(
            payment_id=payment.id, payment_uuid=payment.uuid, requester_id=payment.payer_id,
            currency=payment.currency, amount_minor=payment.refundable_minor, reason=RefundReason.LATE_PAYMENT,
            description=payment.flag_reason or "", requested_at=self._clock.now()))
