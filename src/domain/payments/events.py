"""What the payments context tells the others, through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class PaymentSucceeded:
    payment_uuid: UUID
    purpose_kind: str
    purpose_reference: str
    amount_minor: int
    currency: str
    flagged_for_refund: bool
    payer_id: int


@dataclass(frozen=True)
class PaymentFailed:
    payment_uuid: UUID
    purpose_kind: str
    purpose_reference: str
    reason: str | None
    status: str  # ECHEC, or ANNULE when the payer cancelled
    payer_id: int


@dataclass(frozen=True)
class PaymentRefunded:
    payment_uuid: UUID
    purpose_kind: str
    purpose_reference: str
    amount_minor: int
    currency: str
    fully: bool
    refunded_total_minor: int  # all refunds of the payment so far, this one included
    payer_id: int
