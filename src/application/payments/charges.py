"""What a payer does with a payment: start it, check it, cancel it, try again."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from application.payments.config import PaymentsConfig
from application.payments.ports import (
    AttemptRepository,
    ChargeRequest,
    ChargeStatus,
    Gateways,
    PaymentPurposes,
    PaymentRepository,
)
from application.payments.settlement import Settlement, gateway_for, lookup_for
from application.shared.ports import Clock, UnitOfWork
from domain.payments.errors import GatewayRejected, GatewayUnavailable, MethodInactive
from domain.payments.model import Attempt, Payment, PaymentMethod, PaymentStatus, PaymentType
from domain.payments.permissions import PAY
from domain.payments.policies import attempt_order_id, internal_reference, online_purpose
from domain.shared.actor import Actor
from domain.shared.errors import Conflict, InvalidInput, NotFound
from domain.shared.money import Money
from domain.shared.realm import Realm

log = logging.getLogger("agora.payments")

PHONE_METHODS = frozenset({PaymentMethod.MTN, PaymentMethod.MOOV})


class PayerPhones(Protocol):
    def normalize(self, raw: str, realm: Realm) -> str:
        """E.164 in the realm's region, or InvalidInput."""
        ...


@dataclass(frozen=True)
class InitiatePaymentCommand:
    actor: Actor
    payment_type: PaymentType
    method: PaymentMethod
    reference: str | None  # what is bought, within its payment type: a ticket type, a subscription plan
    phone: str | None = None
    email: str | None = None
    claimed_amount: Money | None = None


@dataclass(frozen=True)
class PaymentView:
    uuid: UUID
    reference: str
    status: PaymentStatus
    redirect_url: str | None
    provider_answered: bool


async def load_own(payments: PaymentRepository, actor: Actor, payment_uuid: UUID) -> Payment:
    """The actor's own payment (read, not locked); another's is as unknown as one that does not exist."""
    PAY.check(actor)
    payment = await payments.get(payment_uuid)
    if payment is None or not actor.is_user(payment.payer_id):
        raise NotFound("Paiement introuvable")
    return payment


class SubmitAttempt:
    """Opens a new try and sends it to the provider. The try is committed before the call, so a time-out
    leaves a payment the reconciler can ask about; the provider's answer is committed after."""

    def __init__(self, payments: PaymentRepository, attempts: AttemptRepository, gateways: Gateways,
                 settlement: Settlement, uow: UnitOfWork, clock: Clock, config: PaymentsConfig) -> None:
        self._payments = payments
        self._attempts = attempts
        self._gateways = gateways
        self._settlement = settlement
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self, payment: Payment) -> PaymentView:
        """`payment` is new (not added yet: it is added with its first try) or an existing one to try again."""
        gateway = gateway_for(self._gateways, payment)
        number = payment.start_attempt(self._clock.now())
        if payment.id is None:
            await self._payments.add(payment)
        else:
            await self._payments.save(payment)
        assert payment.id is not None
        attempt = await self._attempts.add(Attempt(
            payment_id=payment.id, number=number, method=payment.method, reference=uuid.uuid4(),
            order_id=attempt_order_id(payment.internal_reference, number), created_at=self._clock.now(),
            phone=payment.phone))
        await self._uow.commit()
        request = ChargeRequest(
            reference=attempt.reference, order_id=attempt.order_id, amount=payment.amount,
            description=payment.description, callback_url=self._config.callback_url(payment.method),
            payer_phone=payment.phone, payer_email=payment.email, return_url=self._config.return_url,
            cancel_url=self._config.cancel_url,
            metadata={"payment_uuid": str(payment.uuid), "internal_reference": payment.internal_reference})
        try:
            started = await gateway.start_charge(request)
        except GatewayUnavailable as error:
            log.warning("payment %s try %d: provider unavailable at start (%s); left to the reconciler",
                        payment.uuid, number, error.message)
            return PaymentView(payment.uuid, payment.internal_reference, payment.status, None, provider_answered=False)
        except GatewayRejected as error:
            await self._record_refusal(payment.uuid, attempt.reference, error.message)
            raise
        return await self._record_start(payment.uuid, attempt, started.provider_reference,
                                        started.redirect_url, started.callback_secret)

    async def _record_start(self, payment_uuid: UUID, attempt: Attempt, provider_reference: str,
                            redirect_url: str | None, secret: str | None) -> PaymentView:
        """`attempt` is the try just committed: a callback may have changed its provider status meanwhile, but
        only its references are written here."""
        payment = await self._payments.get_for_update(payment_uuid)
        assert payment is not None
        attempt.provider_reference = provider_reference
        attempt.callback_secret = secret
        await self._attempts.save(attempt)
        if payment.status is PaymentStatus.PENDING and attempt.number == payment.attempts:
            # A fast callback may already have settled it; then only the references are recorded.
            payment.mark_submitted(provider_reference, redirect_url, self._clock.now())
            await self._payments.save(payment)
        await self._uow.commit()
        return PaymentView(payment.uuid, payment.internal_reference, payment.status, redirect_url,
                           provider_answered=True)

    async def _record_refusal(self, payment_uuid: UUID, reference: UUID, reason: str) -> None:
        payment = await self._payments.get_for_update(payment_uuid)
        attempt = await self._attempts.by_reference(reference)
        assert payment is not None and attempt is not None
        attempt.provider_status = "REFUSED"
        await self._attempts.save(attempt)
        if payment.is_open and attempt.number == payment.attempts:
            payment.fail(reason, self._clock.now())
            await self._payments.save(payment)
        await self._uow.commit()


class InitiatePayment:
    def __init__(self, payments: PaymentRepository, purposes: PaymentPurposes, gateways: Gateways,
                 phones: PayerPhones, submit: SubmitAttempt, clock: Clock, config: PaymentsConfig) -> None:
        self._payments = payments
        self._purposes = purposes
        self._gateways = gateways
        self._phones = phones
        self._submit = submit
        self._clock = clock
        self._config = config

    async def __call__(self, cmd: InitiatePaymentCommand) -> PaymentView:
        PAY.check(cmd.actor)
        purpose = online_purpose(cmd.payment_type, cmd.reference)
        gateway = self._gateways.get(cmd.method)
        if not cmd.method.is_online or gateway is None or not gateway.configured:
            raise MethodInactive(cmd.method.value)
        try:
            phone = self._phones.normalize(cmd.phone, cmd.actor.realm) if cmd.phone else None
        except InvalidInput as error:
            raise InvalidInput.on_field("phone", error.message) from None
        if cmd.method in PHONE_METHODS and phone is None:
            raise InvalidInput.on_field("phone", "Numéro de téléphone requis pour ce moyen de paiement")
        try:
            quote = await self._purposes.quote(purpose, cmd.actor.user_id)
        except NotFound as error:
            raise InvalidInput.on_field("reference", error.message) from None
        if quote.amount.currency != self._config.currency and cmd.method is not PaymentMethod.CARD:
            raise InvalidInput(f"Le mobile money ne sert que des paiements en {self._config.currency}")
        if cmd.claimed_amount is not None and cmd.claimed_amount.minor != quote.amount.minor:
            raise InvalidInput.on_field("claimed_amount", f"Le montant à payer est {quote.amount.as_decimal_text()}")
        policy = self._config.commission
        rate = policy.rate_for(cmd.payment_type, quote.commission_rate_bps)
        fees, net = policy.split(quote.amount, rate)
        now = self._clock.now()
        sequence = await self._payments.next_reference_number(now.date())
        payment = Payment(
            uuid=uuid.uuid4(), payer_id=cmd.actor.user_id, type=cmd.payment_type, purpose_kind=purpose.kind,
            purpose_reference=purpose.reference, description=quote.description[:200],
            currency=quote.amount.currency, amount_minor=quote.amount.minor, fees_minor=fees.minor,
            net_minor=net.minor, method=cmd.method, internal_reference=internal_reference(now.date(), sequence),
            created_at=now, updated_at=now, beneficiary_id=quote.beneficiary_id, phone=phone, email=cmd.email)
        return await self._submit(payment)  # added with its first try


@dataclass(frozen=True)
class PaymentCommand:
    actor: Actor
    payment_uuid: UUID


@dataclass(frozen=True)
class ProviderAnswer:
    """What the provider said about one try of a payment (`status` None: it has never heard of the try)."""

    attempt: Attempt
    status: ChargeStatus | None


class RefreshFromProvider:
    """Asks the provider about a payment, then applies the answer: two steps, so that no row lock, transaction or
    pooled connection is held while the provider answers (up to ~30 s with retries)."""

    def __init__(self, payments: PaymentRepository, attempts: AttemptRepository, gateways: Gateways,
                 settlement: Settlement, uow: UnitOfWork) -> None:
        self._payments = payments
        self._attempts = attempts
        self._gateways = gateways
        self._settlement = settlement
        self._uow = uow

    async def ask(self, payment: Payment) -> ProviderAnswer | None:
        """The provider's word on the latest try of an open payment (read without a lock); None when there is
        nothing to ask. Ends the transaction before the call. Raises GatewayUnavailable, MethodInactive."""
        if not payment.is_open:
            return None
        assert payment.id is not None
        attempt = await self._attempts.latest(payment.id)
        await self._uow.commit()  # the reads are done: nothing is held during the call
        if attempt is None:
            return None
        status = await gateway_for(self._gateways, payment).fetch_charge(lookup_for(payment, attempt))
        return ProviderAnswer(attempt, status)

    async def apply(self, payment_uuid: UUID, answer: ProviderAnswer | None) -> Payment:
        """Locks the payment (until the caller commits) and applies the answer to the state it is in now: a
        callback may have settled it meanwhile, and Settlement moves it only where the answer still matters."""
        payment = await self._payments.get_for_update(payment_uuid)
        assert payment is not None
        if answer is not None and answer.status is not None:
            await self._settlement.apply(payment, answer.attempt, answer.status)
            await self._attempts.save(answer.attempt)
        return payment


class VerifyPayment:
    def __init__(self, payments: PaymentRepository, refresh: RefreshFromProvider, uow: UnitOfWork) -> None:
        self._payments = payments
        self._refresh = refresh
        self._uow = uow

    async def __call__(self, cmd: PaymentCommand) -> Payment:
        payment = await load_own(self._payments, cmd.actor, cmd.payment_uuid)
        if not (payment.is_open and payment.method.is_online):
            return payment
        try:
            answer = await self._refresh.ask(payment)
        except (GatewayUnavailable, MethodInactive) as error:
            log.warning("verify %s: %s", payment.uuid, error.message)
            return payment
        payment = await self._refresh.apply(payment.uuid, answer)
        await self._uow.commit()
        return payment


class CancelPayment:
    """Cancels an open payment. One the provider already confirmed is settled instead, and refused."""

    def __init__(self, payments: PaymentRepository, refresh: RefreshFromProvider, settlement: Settlement,
                 uow: UnitOfWork, clock: Clock) -> None:
        self._payments = payments
        self._refresh = refresh
        self._settlement = settlement
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: PaymentCommand) -> Payment:
        payment = await load_own(self._payments, cmd.actor, cmd.payment_uuid)
        asked, answer = payment.status is PaymentStatus.IN_PROGRESS, None
        if asked:
            try:
                answer = await self._refresh.ask(payment)
            except (GatewayUnavailable, MethodInactive) as error:
                log.warning("cancel %s: provider not asked (%s); a later success is flagged", payment.uuid,
                            error.message)
        payment = await self._refresh.apply(payment.uuid, answer)
        if asked and payment.status is PaymentStatus.SUCCEEDED:
            await self._uow.commit()
            raise Conflict("Paiement déjà confirmé par l'opérateur : il ne peut plus être annulé")
        payment.cancel(self._clock.now())
        await self._payments.save(payment)
        await self._uow.commit()
        return payment


class RetryPayment:
    """A new try for a failed payment, or for one whose try never reached the provider."""

    def __init__(self, payments: PaymentRepository, purposes: PaymentPurposes, refresh: RefreshFromProvider,
                 submit: SubmitAttempt, uow: UnitOfWork) -> None:
        self._payments = payments
        self._purposes = purposes
        self._refresh = refresh
        self._submit = submit
        self._uow = uow

    async def __call__(self, cmd: PaymentCommand) -> PaymentView:
        payment = await load_own(self._payments, cmd.actor, cmd.payment_uuid)
        answer = await self._refresh.ask(payment)  # the provider may have settled it meanwhile
        payment = await self._refresh.apply(payment.uuid, answer)
        if payment.status is PaymentStatus.IN_PROGRESS:
            raise Conflict("Paiement en cours de confirmation chez l'opérateur : réessayez quand il aura échoué")
        if payment.status not in {PaymentStatus.PENDING, PaymentStatus.FAILED}:
            raise Conflict(f"Paiement au statut {payment.status.value} : il ne peut pas être retenté")
        await self._purposes.quote(payment.purpose, payment.payer_id)  # still for sale?
        return await self._submit(payment)
