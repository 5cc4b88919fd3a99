"""Provider callbacks: verified where signed, otherwise only a reason to ask the provider; applied once."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from application.payments.ports import (
    AttemptRepository,
    CallbackNotice,
    ChargeStatus,
    Gateways,
    InboundCallback,
    PaymentRepository,
    ProcessedCallbacks,
)
from application.payments.settlement import Settlement, lookup_for
from application.shared.ports import UnitOfWork
from domain.payments.errors import InvalidCallback, MethodInactive
from domain.payments.model import Attempt, PaymentMethod

log = logging.getLogger("agora.payments")


@dataclass(frozen=True)
class CallbackResult:
    outcome: str  # "applied", "unchanged", "duplicate", "ignored"


class HandleCallback:
    def __init__(self, gateways: Gateways, payments: PaymentRepository, attempts: AttemptRepository,
                 processed: ProcessedCallbacks, settlement: Settlement, uow: UnitOfWork) -> None:
        self._gateways = gateways
        self._payments = payments
        self._attempts = attempts
        self._processed = processed
        self._settlement = settlement
        self._uow = uow

    async def __call__(self, method: PaymentMethod, callback: InboundCallback) -> CallbackResult:
        gateway = self._gateways.get(method)
        if gateway is None or not gateway.configured:
            raise MethodInactive(method.value)
        try:
            notice = gateway.read_callback(callback)
        except InvalidCallback as error:
            log.warning("%s callback refused: %s", method.value, error.message)
            raise
        attempt = await self._find(method, notice)
        if attempt is None:
            log.warning("%s callback for an unknown charge (%s): ignored", method.value, notice)
            return CallbackResult("ignored")
        payment = await self._payments.get_by_id(attempt.payment_id)
        assert payment is not None
        # Signed callbacks may be believed; the others only prompt us to ask the provider, with nothing held
        # (no lock, no transaction): the row is locked afterwards and the answer applied to its state then.
        if notice.signed and notice.claimed_state is not None:
            status = ChargeStatus(state=notice.claimed_state, provider_status=notice.kind or notice.claimed_state)
        else:
            await self._uow.commit()  # the reads are done
            fetched = await gateway.fetch_charge(lookup_for(payment, attempt))
            if fetched is None:
                log.warning("%s callback for %s, which the provider does not know: ignored", method.value,
                            payment.uuid)
                return CallbackResult("ignored")
            status = fetched
        if notice.delivery_id and not await self._processed.first_time(method.value, notice.delivery_id,
                                                                          callback.received_at):
            await self._uow.rollback()
            return CallbackResult("duplicate")
        locked = await self._payments.get_for_update(payment.uuid)
        assert locked is not None
        outcome = await self._settlement.apply(locked, attempt, status)
        await self._attempts.save(attempt)
        await self._uow.commit()
        return CallbackResult("applied" if outcome.changed else "unchanged")

    async def _find(self, method: PaymentMethod, notice: CallbackNotice) -> Attempt | None:
        if notice.callback_secret:
            return await self._attempts.by_callback_secret(method, notice.callback_secret)
        attempt = None
        if notice.provider_reference:
            attempt = await self._attempts.by_provider_reference(method, notice.provider_reference)
            if attempt is None:
                try:
                    attempt = await self._attempts.by_reference(uuid.UUID(notice.provider_reference))
                except ValueError:
                    attempt = None
        if attempt is None and notice.order_id:
            attempt = await self._attempts.by_order_id(notice.order_id)
        if attempt is not None and attempt.method is not method:
            return None
        return attempt
