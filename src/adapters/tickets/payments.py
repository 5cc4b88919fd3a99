"""Ticket sales meet the payments context here: the `ticket` purpose owner, the one commission policy, refunds.

Both contexts stay independent of each other (import-linter); these adapters translate between their ports.
"""

from __future__ import annotations

from uuid import UUID

from application.payments.charges import PHONE_METHODS, InitiatePayment, InitiatePaymentCommand, PayerPhones
from application.payments.config import PaymentsConfig
from application.payments.ports import Gateways, PaymentRepository, PurposeQuote
from application.payments.settlement import Settlement
from application.ticketing.sales.ports import PaymentOutcome, StartedPayment
from application.ticketing.sales.services import QuoteOrder, SettleOrder
from domain.payments.errors import MethodInactive
from domain.payments.model import PaymentMethod, PaymentStatus, PaymentType
from domain.shared.actor import Actor
from domain.shared.errors import InvalidInput
from domain.shared.money import Money

OUTCOMES = {
    PaymentStatus.SUCCEEDED: PaymentOutcome.SUCCEEDED,
    PaymentStatus.FAILED: PaymentOutcome.FAILED,
    PaymentStatus.CANCELLED: PaymentOutcome.FAILED,
    PaymentStatus.REFUNDED: PaymentOutcome.REFUNDED,
}


class TicketPurposeOwner:
    """`application.payments.purposes.PurposeOwner` for purpose kind `ticket`: the reference is an order's."""

    kind = "ticket"

    def __init__(self, quote: QuoteOrder, settle: SettleOrder) -> None:
        self._quote = quote
        self._settle = settle

    async def quote(self, reference: str, payer_id: int) -> PurposeQuote:
        quote = await self._quote(reference, payer_id)
        return PurposeQuote(quote.amount, quote.description, beneficiary_id=quote.organiser_id,
                            commission_rate_bps=quote.commission_rate_bps)

    async def settled(self, reference: str, payment_uuid: UUID, status: PaymentStatus) -> bool:
        return await self._settle(reference, payment_uuid, OUTCOMES.get(status, PaymentOutcome.OPEN))


class PaymentsCommission:
    """`SaleCommission` over payments' CommissionPolicy (default 10 %, `AGORA_TICKET_COMMISSION_BPS`)."""

    def __init__(self, config: PaymentsConfig) -> None:
        self._policy = config.commission

    async def rate_bps(self, organiser_id: int) -> int | None:
        return None  # the organiser's plan rate arrives with subscriptions

    def split(self, amount: Money, rate_bps: int | None) -> tuple[Money, Money]:
        return self._policy.split(amount, self._policy.rate_for(PaymentType.TICKET, rate_bps))


class PaymentsSaleRefunds:
    """`SaleRefunds`: the payment is flagged and a refund of all of it opened for an administrator, in the
    caller's transaction (the same one as the cancelled tickets)."""

    def __init__(self, payments: PaymentRepository, settlement: Settlement) -> None:
        self._payments = payments
        self._settlement = settlement

    async def refund(self, payment_uuid: UUID, reason: str) -> None:
        payment = await self._payments.get_for_update(payment_uuid)
        if payment is None or payment.status is not PaymentStatus.SUCCEEDED:
            return
        if not payment.flagged_for_refund:
            payment.flag_for_refund(reason)
            await self._payments.save(payment)
        await self._settlement.open_refund_for_flagged(payment)


def _method(value: str) -> PaymentMethod:
    try:
        method = PaymentMethod(value)
    except ValueError:
        choices = ", ".join(m.value for m in PaymentMethod if m.is_online)
        raise InvalidInput.on_field("method", f"Valeur invalide : {value!r} (attendu : {choices})") from None
    return method


class PaymentsSalePayments:
    """`SalePayments` over payments' InitiatePayment: a ticket payment for the order's reference."""

    def __init__(self, initiate: InitiatePayment, gateways: Gateways, phones: PayerPhones) -> None:
        self._initiate = initiate
        self._gateways = gateways
        self._phones = phones

    def check(self, actor: Actor, method: str, phone: str | None) -> None:
        chosen = _method(method)
        gateway = self._gateways.get(chosen)
        if not chosen.is_online or gateway is None or not gateway.configured:
            raise MethodInactive(chosen.value)
        if phone:
            try:
                self._phones.normalize(phone, actor.realm)
            except InvalidInput as error:
                raise InvalidInput.on_field("phone", error.message) from None
        elif chosen in PHONE_METHODS:
            raise InvalidInput.on_field("phone", "Numéro de téléphone requis pour ce moyen de paiement")

    async def start(self, actor: Actor, reference: UUID, method: str, phone: str | None,
                    email: str | None = None) -> StartedPayment:
        chosen = _method(method)
        view = await self._initiate(InitiatePaymentCommand(
            actor=actor, payment_type=PaymentType.TICKET, method=chosen, reference=str(reference), phone=phone,
            email=email if chosen is PaymentMethod.CARD else None))
        return StartedPayment(view.uuid, view.redirect_url)
