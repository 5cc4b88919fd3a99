"""What the payments context tells the others: each payment outcome becomes one `payments_payment_settled` job."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from application.payments.topics import PAYMENT_SETTLED
from application.shared.ports import OutboxMessage
from domain.payments.events import PaymentFailed, PaymentRefunded, PaymentSucceeded
from domain.payments.model import PaymentStatus


def _settled(event: PaymentSucceeded | PaymentFailed | PaymentRefunded, status: str, key: str) -> OutboxMessage:
    return OutboxMessage(
        topic=PAYMENT_SETTLED, key=key,
        payload={"payment_uuid": str(event.payment_uuid), "status": status, "purpose_kind": event.purpose_kind,
                 "purpose_reference": event.purpose_reference})


def succeeded(event: PaymentSucceeded) -> OutboxMessage:
    status = PaymentStatus.SUCCEEDED.value
    return _settled(event, status, f"{PAYMENT_SETTLED}:{event.payment_uuid}:{status}")


def failed(event: PaymentFailed) -> OutboxMessage:
    return _settled(event, event.status, f"{PAYMENT_SETTLED}:{event.payment_uuid}:{event.status}")


def refunded(event: PaymentRefunded) -> OutboxMessage:
    status = PaymentStatus.REFUNDED.value
    return _settled(event, status, f"{PAYMENT_SETTLED}:{event.payment_uuid}:{status}:{event.amount_minor}"
                                   f":{event.refunded_total_minor}")


ANNOUNCEMENTS: dict[type, Callable[[Any], OutboxMessage]] = {
    PaymentSucceeded: succeeded, PaymentFailed: failed, PaymentRefunded: refunded}
