"""Payment settings the use cases read; entrypoints build it from the environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from domain.payments.model import PaymentMethod
from domain.payments.policies import CommissionPolicy, RefundPolicy

WEBHOOK_PATHS = {
    PaymentMethod.MTN: "/api/payments/webhooks/mtn/",
    PaymentMethod.ORANGE: "/api/payments/webhooks/orange/",
    PaymentMethod.MOOV: "/api/payments/webhooks/moov/",
    PaymentMethod.CARD: "/webhooks/stripe/",
}


@dataclass(frozen=True)
class PaymentsConfig:
    currency: str = "XOF"
    # Where providers reach us: the SpotVibe face's public base URL (mobile money), the server's (Stripe).
    face_url: str = "http://127.0.0.1:8000"
    server_url: str = "http://127.0.0.1:8000"
    return_url: str = "http://127.0.0.1:8000/webhooks/payments/return/"
    cancel_url: str = "http://127.0.0.1:8000/webhooks/payments/cancel/"
    commission: CommissionPolicy = field(default_factory=CommissionPolicy)
    refunds: RefundPolicy = field(default_factory=RefundPolicy)
    # A payment still open this long after its last change is asked about again by the reconciler.
    reconcile_after: timedelta = timedelta(minutes=2)
    # A try the provider never heard of is given up after this long.
    give_up_after: timedelta = timedelta(hours=1)
    reconcile_batch: int = 100

    def callback_url(self, method: PaymentMethod) -> str:
        base = self.server_url if method is PaymentMethod.CARD else self.face_url
        return base.rstrip("/") + WEBHOOK_PATHS[method]
