"""For `AGORA_PAYMENTS=fake` only: something to buy while the selling contexts are not built yet.

Stands in for the ticketing and subscription contexts' purpose owners, so that a front-end developer can click
a purchase through against the fake providers. A real owner registered for the same kind always wins.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from uuid import UUID

from application.payments.ports import PurposeQuote
from domain.payments.model import PaymentStatus
from domain.shared.money import Money

log = logging.getLogger("agora.fakes")


@dataclass(frozen=True)
class DemoOffer:
    kind: str
    label: str
    amount: Money

    async def quote(self, reference: str, payer_id: int) -> PurposeQuote:
        return PurposeQuote(self.amount, f"{self.label} n°{reference} (démo, paiements simulés)")

    async def settled(self, reference: str, payment_uuid: UUID, status: PaymentStatus) -> bool:
        log.info("demo %s %s: payment %s ended %s", self.kind, reference, payment_uuid, status.value)
        return True


DEMO_OFFERS = (
    DemoOffer("ticket", "Billet", Money(5_000, "XOF")),
    DemoOffer("subscription", "Abonnement STANDARD", Money(10_000, "XOF")),
)
