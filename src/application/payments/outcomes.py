"""The job that tells a purpose's owner how its payment ended (the seam to tickets, subscriptions, gifts)."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from application.payments.ports import PaymentPurposes, PaymentRepository
from application.payments.settlement import Settlement
from domain.payments.model import PaymentStatus, Purpose

log = logging.getLogger("agora.payments")


class DispatchPaymentOutcome:
    """If the owner can no longer deliver (sold out, expired), the money is kept and flagged for refund."""

    def __init__(self, purposes: PaymentPurposes, payments: PaymentRepository, settlement: Settlement) -> None:
        self._purposes = purposes
        self._payments = payments
        self._settlement = settlement

    async def __call__(self, payload: dict[str, Any]) -> None:
        purpose = Purpose(str(payload["purpose_kind"]), str(payload["purpose_reference"]))
        payment_uuid = UUID(str(payload["payment_uuid"]))
        status = PaymentStatus(str(payload["status"]))
        if not self._purposes.knows(purpose.kind):
            log.error("payment %s: no owner for purpose kind %r", payment_uuid, purpose.kind)
            return
        delivered = await self._purposes.settled(purpose, payment_uuid, status)
        if delivered or status is not PaymentStatus.SUCCEEDED:
            return
        payment = await self._payments.get_for_update(payment_uuid)
        if payment is None or payment.flagged_for_refund:
            return
        payment.flag_for_refund("Achat impossible à honorer (expiré ou complet) : à rembourser")
        await self._payments.save(payment)
        await self._settlement.open_refund_for_flagged(payment)
