"""Payment settings the use cases read; entrypoints build it from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from domain.payments.model import PaymentMethod
from domain.payments.policies import CommissionPolicy, RefundPolicy


@dataclass(frozen=True)
class PaymentsConfig:
    currency: str = "XOF"
    # Where each provider's callbacks reach us (public URLs; the entrypoints know the routes).
    callback_urls: Mapping[PaymentMethod, str] = field(default_factory=dict)
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
        return self.callback_urls.get(method, "")
