"""An in-memory payment provider: the use-case tests' gateway. Outcomes are scripted per charge."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from application.payments.ports import (
    CallbackNotice,
    ChargeLookup,
    ChargeRequest,
    ChargeStarted,
    ChargeState,
    ChargeStatus,
    InboundCallback,
    RefundOrder,
    RefundOutcome,
)
from domain.payments.errors import GatewayRejected, GatewayUnavailable, InvalidCallback, RefundNotSupported
from domain.payments.model import PaymentMethod


@dataclass
class Charge:
    request: ChargeRequest
    state: ChargeState = ChargeState.PENDING
    reason: str | None = None
    transaction_id: str | None = None


@dataclass
class MemoryGateway:
    """`next_start` scripts the next start ("ok", "timeout" = provider got it but we timed out, "down" =
    provider never got it, "reject"); `signed` makes callbacks trusted as the signed providers' are."""

    method: PaymentMethod
    configured: bool = True
    signed: bool = False
    refunds_supported: bool = True
    refund_state: ChargeState = ChargeState.SUCCEEDED
    charges: dict[str, Charge] = field(default_factory=dict)
    refunds: dict[str, RefundOrder] = field(default_factory=dict)
    refund_states: dict[str, ChargeState] = field(default_factory=dict)
    next_start: list[str] = field(default_factory=list)
    down: bool = False
    fetches: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def start_charge(self, request: ChargeRequest) -> ChargeStarted:
        script = self.next_start.pop(0) if self.next_start else "ok"
        if script == "reject":
            raise GatewayRejected("Numéro inconnu de l'opérateur")
        if script == "down" or self.down:
            raise GatewayUnavailable("opérateur injoignable")
        reference = f"{self.method.value.lower()}-{next(self._ids)}"
        self.charges[reference] = Charge(request)
        if script == "timeout":
            raise GatewayUnavailable("délai dépassé")
        return ChargeStarted(reference, redirect_url=f"https://pay.example/{reference}",
                             callback_secret=f"secret-{reference}")

    def settle(self, provider_reference: str, success: bool = True, reason: str | None = None) -> None:
        charge = self.charges[provider_reference]
        charge.state = ChargeState.SUCCEEDED if success else ChargeState.FAILED
        charge.reason = reason
        charge.transaction_id = f"tx-{provider_reference}" if success else None

    def reference_for(self, order_id: str) -> str:
        return next(ref for ref, charge in self.charges.items() if charge.request.order_id == order_id)

    async def fetch_charge(self, lookup: ChargeLookup) -> ChargeStatus | None:
        self.fetches += 1
        if self.down:
            raise GatewayUnavailable("opérateur injoignable")
        charge = self.charges.get(lookup.provider_reference)
        if charge is None:  # a try whose start timed out is found by its order id
            charge = next((c for c in self.charges.values() if c.request.order_id == lookup.order_id), None)
        if charge is None:
            return None
        return ChargeStatus(charge.state, charge.state.value.upper(), charge.transaction_id, charge.reason,
                            charge.request.amount)

    async def refund(self, order: RefundOrder) -> RefundOutcome:
        if not self.refunds_supported:
            raise RefundNotSupported("pas de remboursement par API")
        if self.down:
            raise GatewayUnavailable("opérateur injoignable")
        key = f"refund-{order.reference}"
        self.refunds.setdefault(key, order)
        self.refund_states.setdefault(key, self.refund_state)
        return RefundOutcome(key, self.refund_states[key])

    async def fetch_refund(self, provider_reference: str) -> ChargeState:
        return self.refund_states[provider_reference]

    def read_callback(self, callback: InboundCallback) -> CallbackNotice:
        if self.signed and callback.headers.get("x-signature") != "good":
            raise InvalidCallback("Signature invalide")
        reference = callback.query.get("ref") or callback.body.decode()
        if not reference:
            raise InvalidCallback("Rappel illisible")
        charge = self.charges.get(reference)
        claimed = charge.state if (charge is not None and self.signed) else None
        return CallbackNotice(provider_reference=reference, signed=self.signed, claimed_state=claimed,
                              delivery_id=callback.headers.get("x-delivery-id"), kind="memory")
