"""Refunds: a payer asks, an administrator decides, the operator pays back (or staff do it by hand)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from application.payments.config import PaymentsConfig
from application.payments.ports import (
    AttemptRepository,
    ChargeState,
    CommissionRepository,
    Gateways,
    Ledger,
    PaymentRepository,
    RefundOrder,
    RefundRepository,
)
from application.payments.settlement import Settlement, gateway_for, lookup_for
from application.payments.topics import EXECUTE_REFUND
from application.shared.ports import Clock, Outbox, OutboxMessage, UnitOfWork
from domain.payments.errors import GatewayRejected, RefundNotSupported
from domain.payments.model import (
    CommissionStatus,
    Payment,
    Refund,
    RefundReason,
    RefundStatus,
)
from domain.payments.permissions import DECIDE_REFUNDS, PAY
from domain.payments.policies import refund_entries
from domain.shared.actor import Actor
from domain.shared.errors import InvalidInput, NotFound
from domain.shared.money import Money

log = logging.getLogger("agora.payments")

REFUND_NAMESPACE = uuid.UUID("6f1c7a52-3c1e-4d59-9a0e-2b8f3f0d1a11")
MANUAL = "Remboursement à effectuer à la main : l'opérateur n'offre pas de remboursement par API"


def refund_reference(refund_id: int) -> UUID:
    """Stable across retries of the refund job, so the operator never pays the same refund twice. Derived by
    name (uuid5) but stamped version 4: MTN refuses an X-Reference-Id that is not a UUIDv4 (400)."""
    return UUID(bytes=uuid.uuid5(REFUND_NAMESPACE, f"refund:{refund_id}").bytes, version=4)


@dataclass(frozen=True)
class RequestRefundCommand:
    actor: Actor
    payment_uuid: UUID
    reason: RefundReason
    description: str = ""
    amount: Money | None = None


class RequestRefund:
    def __init__(self, payments: PaymentRepository, refunds: RefundRepository, uow: UnitOfWork, clock: Clock,
                 config: PaymentsConfig) -> None:
        self._payments = payments
        self._refunds = refunds
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self, cmd: RequestRefundCommand) -> Refund:
        PAY.check(cmd.actor)
        payment = await self._payments.get_for_update(cmd.payment_uuid)
        if payment is None or not cmd.actor.is_user(payment.payer_id):
            raise NotFound("Paiement introuvable")
        policy = self._config.refunds
        if cmd.amount is not None and cmd.amount.currency != payment.currency:
            raise InvalidInput.on_field("amount", "Devise différente de celle du paiement")
        amount = cmd.amount.minor if cmd.amount is not None else policy.default_amount(payment)
        policy.check_requestable(payment, amount, self._clock.now())
        assert payment.id is not None
        spoken_for = sum(r.amount_minor for r in await self._refunds.open_for_payment(payment.id))
        if spoken_for + amount > payment.refundable_minor:
            raise InvalidInput.on_field("amount",
                                        "Une demande de remboursement couvre déjà ce montant")
        refund = await self._refunds.add(Refund(
            payment_id=payment.id, payment_uuid=payment.uuid, requester_id=cmd.actor.user_id,
            currency=payment.currency, amount_minor=amount, reason=cmd.reason, description=cmd.description[:2000],
            requested_at=self._clock.now()))
        await self._uow.commit()
        return refund


@dataclass(frozen=True)
class DecideRefundCommand:
    actor: Actor
    refund_id: int
    approve: bool
    note: str = ""


class DecideRefund:
    def __init__(self, refunds: RefundRepository, outbox: Outbox, uow: UnitOfWork, clock: Clock) -> None:
        self._refunds = refunds
        self._outbox = outbox
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: DecideRefundCommand) -> Refund:
        DECIDE_REFUNDS.check(cmd.actor)
        refund = await self._refunds.get_for_update(cmd.refund_id)
        if refund is None:
            raise NotFound("Remboursement introuvable")
        if cmd.approve:
            refund.approve(cmd.actor.user_id, cmd.note, self._clock.now())
            refund.reference = refund_reference(cmd.refund_id)
            self._outbox.add(OutboxMessage(topic=EXECUTE_REFUND, payload={"refund_id": cmd.refund_id},
                                           key=f"{EXECUTE_REFUND}:{cmd.refund_id}"))
        else:
            refund.reject(cmd.actor.user_id, cmd.note, self._clock.now())
        await self._refunds.save(refund)
        await self._uow.commit()
        return refund


class FinishRefund:
    """The money went back: the refund is closed, the payment marked, the ledger written, all at once."""

    def __init__(self, payments: PaymentRepository, commissions: CommissionRepository, ledger: Ledger,
                 refunds: RefundRepository, settlement: Settlement, clock: Clock) -> None:
        self._payments = payments
        self._commissions = commissions
        self._ledger = ledger
        self._refunds = refunds
        self._settlement = settlement
        self._clock = clock

    async def __call__(self, refund: Refund, payment: Payment, provider_reference: str | None = None) -> None:
        now = self._clock.now()
        refund.complete(now, provider_reference)
        payment.record_refund(refund.amount_minor, now)
        if not await self._ledger.record(refund_entries(payment, refund, now)):
            log.error("refund %s already in the ledger", refund.id)
        assert payment.id is not None
        commission = await self._commissions.for_payment(payment.id)
        if commission is not None and payment.refunded_minor > payment.net_minor:
            commission.status = CommissionStatus.CANCELLED
            await self._commissions.save(commission)
        await self._refunds.save(refund)
        await self._payments.save(payment)


class ExecuteRefund:
    """The job run once a refund is approved: asks the operator to pay it back. Nothing is held while the
    operator answers (the reads' transaction is ended first); the refund is locked afterwards, and the answer
    applied only if the refund still waits for it. Running twice is harmless (the operator knows the refund by its
    stable reference, the second answer finds it applied), so the worker records the job done at its end."""

    runs_safely_twice: ClassVar[bool] = True

    def __init__(self, refunds: RefundRepository, payments: PaymentRepository, attempts: AttemptRepository,
                 gateways: Gateways, finish: FinishRefund, uow: UnitOfWork) -> None:
        self._refunds = refunds
        self._payments = payments
        self._attempts = attempts
        self._gateways = gateways
        self._finish = finish
        self._uow = uow

    async def __call__(self, payload: dict[str, int]) -> None:
        refund = await self._refunds.get(int(payload["refund_id"]))
        if refund is None or refund.status is not RefundStatus.APPROVED:
            return
        payment = await self._payments.get(refund.payment_uuid)
        assert payment is not None and payment.id is not None and refund.id is not None
        refund_id, payment_uuid = refund.id, payment.uuid
        attempt = await self._attempts.latest(payment.id)
        if attempt is None or not payment.method.is_online:
            return await self._keep_approved(refund_id, MANUAL)
        order = RefundOrder(reference=refund.reference or refund_reference(refund_id),
                            charge=lookup_for(payment, attempt), amount=refund.amount,
                            transaction_id=payment.provider_transaction_id, payer_phone=payment.phone,
                            note=f"Remboursement {payment.internal_reference}")
        gateway = gateway_for(self._gateways, payment)
        await self._uow.commit()  # ends the reads' transaction: no connection held while the operator answers
        try:
            outcome = await gateway.refund(order)
        except RefundNotSupported:
            return await self._keep_approved(refund_id, MANUAL)
        except GatewayRejected as error:
            return await self._keep_approved(refund_id, error.message)
        refund = await self._refunds.get_for_update(refund_id)
        payment = await self._payments.get_for_update(payment_uuid)
        assert refund is not None and payment is not None
        if refund.status not in {RefundStatus.APPROVED, RefundStatus.IN_PROGRESS}:
            log.error("refund %s: %s by the operator, but already %s meanwhile", refund_id, outcome.state.value,
                      refund.status.value)
            return
        await apply_refund_state(refund, payment, outcome.state, outcome.provider_reference, self._finish,
                                 self._refunds)

    async def _keep_approved(self, refund_id: int, reason: str) -> None:
        """No money moved: the refund stays approved, saying why (to be paid by hand, or tried again)."""
        refund = await self._refunds.get_for_update(refund_id)
        if refund is not None and refund.status is RefundStatus.APPROVED:
            refund.mark_failed(reason)
            await self._refunds.save(refund)


async def apply_refund_state(refund: Refund, payment: Payment, state: ChargeState, provider_reference: str,
                             finish: FinishRefund, refunds: RefundRepository) -> None:
    if state is ChargeState.SUCCEEDED:
        if refund.status is RefundStatus.APPROVED:
            refund.mark_sent(provider_reference)
        await finish(refund, payment, provider_reference)
    elif state is ChargeState.FAILED:
        refund.mark_failed("Refusé par l'opérateur")
        await refunds.save(refund)
    else:
        if refund.status is RefundStatus.APPROVED:
            refund.mark_sent(provider_reference)
            await refunds.save(refund)


@dataclass(frozen=True)
class CompleteRefundCommand:
    actor: Actor
    refund_id: int
    reference: str | None = None


class CompleteRefund:
    """An administrator records a refund paid by hand (operators without a refund API, cash, transfer)."""

    def __init__(self, refunds: RefundRepository, payments: PaymentRepository, finish: FinishRefund,
                 uow: UnitOfWork) -> None:
        self._refunds = refunds
        self._payments = payments
        self._finish = finish
        self._uow = uow

    async def __call__(self, cmd: CompleteRefundCommand) -> Refund:
        DECIDE_REFUNDS.check(cmd.actor)
        refund = await self._refunds.get_for_update(cmd.refund_id)
        if refund is None:
            raise NotFound("Remboursement introuvable")
        payment = await self._payments.get_for_update(refund.payment_uuid)
        assert payment is not None
        await self._finish(refund, payment, cmd.reference or f"MANUEL-{cmd.actor.user_id}")
        await self._uow.commit()
        return refund
