"""The Payment aggregate, its attempts at the provider, refunds, commissions and ledger entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.payments.errors import InvalidTransition
from domain.payments.events import PaymentFailed, PaymentRefunded, PaymentSucceeded
from domain.shared.errors import InvalidInput
from domain.shared.events import RecordsEvents
from domain.shared.money import Money


class PaymentType(StrEnum):
    SUBSCRIPTION = "ABONNEMENT"
    TICKET = "BILLET"
    COMMISSION = "COMMISSION"
    REFUND = "REMBOURSEMENT"


class PaymentStatus(StrEnum):
    PENDING = "EN_ATTENTE"
    IN_PROGRESS = "EN_COURS"
    SUCCEEDED = "REUSSI"
    FAILED = "ECHEC"
    CANCELLED = "ANNULE"
    REFUNDED = "REMBOURSE"


class PaymentMethod(StrEnum):
    MTN = "MOMO_MTN"
    MOOV = "MOMO_MOOV"
    ORANGE = "ORANGE_MONEY"
    CARD = "CARTE_BANCAIRE"
    TRANSFER = "VIREMENT"
    CASH = "ESPECES"

    @property
    def is_online(self) -> bool:
        """Online methods go through a provider; transfers and cash are recorded by an administrator."""
        return self not in {PaymentMethod.TRANSFER, PaymentMethod.CASH}


METHOD_NAMES = {
    PaymentMethod.MTN: "Mobile Money MTN",
    PaymentMethod.MOOV: "Moov Money",
    PaymentMethod.ORANGE: "Orange Money",
    PaymentMethod.CARD: "Carte bancaire",
    PaymentMethod.TRANSFER: "Virement bancaire",
    PaymentMethod.CASH: "Espèces",
}

OPEN = frozenset({PaymentStatus.PENDING, PaymentStatus.IN_PROGRESS})


@dataclass(frozen=True)
class Purpose:
    """What a payment pays for, named by the context that owns it (`ticket_order`, `subscription`, ...)."""

    kind: str
    reference: str


@dataclass(eq=False, kw_only=True)
class Payment(RecordsEvents):
    uuid: UUID
    payer_id: int
    type: PaymentType
    purpose_kind: str
    purpose_reference: str
    description: str
    currency: str
    amount_minor: int
    fees_minor: int
    net_minor: int
    method: PaymentMethod
    internal_reference: str
    created_at: datetime
    updated_at: datetime
    beneficiary_id: int | None = None
    phone: str | None = None
    email: str | None = None
    status: PaymentStatus = PaymentStatus.PENDING
    provider_reference: str | None = None
    provider_transaction_id: str | None = None
    redirect_url: str | None = None
    attempts: int = 0
    failure_reason: str | None = None
    settled_at: datetime | None = None
    refunded_minor: int = 0
    flagged_for_refund: bool = False
    flag_reason: str | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        if self.amount_minor <= 0:
            raise InvalidInput.on_field("amount", "Le montant doit être positif")
        if self.fees_minor < 0 or self.net_minor < 0 or self.fees_minor + self.net_minor != self.amount_minor:
            raise InvalidInput("Frais et montant net doivent faire le montant")

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)

    @property
    def fees(self) -> Money:
        return Money(self.fees_minor, self.currency)

    @property
    def net(self) -> Money:
        return Money(self.net_minor, self.currency)

    @property
    def purpose(self) -> Purpose:
        return Purpose(self.purpose_kind, self.purpose_reference)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def _refuse(self, step: str) -> InvalidTransition:
        return InvalidTransition("Paiement", self.status.value, step)

    def start_attempt(self, at: datetime) -> int:
        """A new try at the provider: from a fresh payment, or again after a failure or an unsent try."""
        if self.status not in {PaymentStatus.PENDING, PaymentStatus.FAILED}:
            raise self._refuse("nouvelle tentative")
        if self.status is PaymentStatus.FAILED:
            self.status = PaymentStatus.PENDING
            self.failure_reason = None
        self.attempts += 1
        self.provider_reference = None
        self.provider_transaction_id = None
        self.redirect_url = None
        self.updated_at = at
        return self.attempts

    def mark_submitted(self, provider_reference: str, redirect_url: str | None, at: datetime) -> None:
        """The provider accepted the request; the payer now has to confirm."""
        if self.status is not PaymentStatus.PENDING:
            raise self._refuse("envoi à l'opérateur")
        self.status = PaymentStatus.IN_PROGRESS
        self.provider_reference = provider_reference
        self.redirect_url = redirect_url
        self.updated_at = at

    def succeed(self, at: datetime, *, transaction_id: str | None = None) -> None:
        """The provider confirmed the money moved. After a cancel or a failure, the money is kept and flagged."""
        if self.status in OPEN:
            pass
        elif self.status in {PaymentStatus.CANCELLED, PaymentStatus.FAILED}:
            self.flag_for_refund(f"Paiement confirmé par l'opérateur après {self.status.value}")
        else:
            raise self._refuse("confirmation")
        self.status = PaymentStatus.SUCCEEDED
        self.provider_transaction_id = transaction_id or self.provider_transaction_id
        self.settled_at = at
        self.updated_at = at
        self._record(PaymentSucceeded(self.uuid, self.purpose_kind, self.purpose_reference, self.amount_minor,
                                      self.currency, self.flagged_for_refund, self.payer_id))

    def fail(self, reason: str | None, at: datetime) -> None:
        if self.status not in OPEN:
            raise self._refuse("échec")
        self.status = PaymentStatus.FAILED
        self.failure_reason = reason
        self.updated_at = at
        self._record(PaymentFailed(self.uuid, self.purpose_kind, self.purpose_reference, reason, self.status.value,
                                   self.payer_id))

    def cancel(self, at: datetime) -> None:
        if self.status not in OPEN:
            raise self._refuse("annulation")
        self.status = PaymentStatus.CANCELLED
        self.updated_at = at
        self._record(PaymentFailed(self.uuid, self.purpose_kind, self.purpose_reference, "ANNULE", self.status.value,
                                   self.payer_id))

    def flag_for_refund(self, reason: str) -> None:
        self.flagged_for_refund = True
        self.flag_reason = reason

    @property
    def refundable_minor(self) -> int:
        return self.amount_minor - self.refunded_minor if self.status in {
            PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED} else 0

    def record_refund(self, amount_minor: int, at: datetime) -> None:
        """A refund was paid out: the payment counts as refunded from the first one."""
        if self.status not in {PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED}:
            raise self._refuse("remboursement")
        if amount_minor <= 0 or amount_minor > self.refundable_minor:
            raise InvalidInput("Montant de remboursement supérieur au montant remboursable")
        self.refunded_minor += amount_minor
        self.status = PaymentStatus.REFUNDED
        self.updated_at = at
        self._record(PaymentRefunded(self.uuid, self.purpose_kind, self.purpose_reference, amount_minor,
                                     self.currency, self.refunded_minor == self.amount_minor, self.refunded_minor,
                                     self.payer_id))


@dataclass(eq=False, kw_only=True)
class Attempt:
    """One request at the provider ("transaction Mobile Money"): its references, kept for callbacks and audits."""

    payment_id: int
    number: int
    method: PaymentMethod
    reference: UUID
    order_id: str
    created_at: datetime
    phone: str | None = None
    provider_reference: str | None = None
    callback_secret: str | None = None
    provider_status: str | None = None
    id: int | None = None


class RefundStatus(StrEnum):
    REQUESTED = "DEMANDE"
    IN_PROGRESS = "EN_COURS"
    APPROVED = "APPROUVE"
    REJECTED = "REJETE"
    REFUNDED = "REMBOURSE"


class RefundReason(StrEnum):
    EVENT_CANCELLED = "ANNULATION_EVENT"
    DUPLICATE = "DOUBLE_PAIEMENT"
    LATE_PAYMENT = "PAIEMENT_TARDIF"
    DISSATISFIED = "INSATISFACTION"
    OTHER = "AUTRE"


@dataclass(eq=False, kw_only=True)
class Refund:
    payment_id: int
    payment_uuid: UUID
    requester_id: int
    currency: str
    amount_minor: int
    reason: RefundReason
    description: str
    requested_at: datetime
    status: RefundStatus = RefundStatus.REQUESTED
    reference: UUID | None = None
    decided_at: datetime | None = None
    decided_by: int | None = None
    decision_note: str = ""
    provider_reference: str | None = None
    completed_at: datetime | None = None
    failure_reason: str | None = None
    id: int | None = None

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)

    def _refuse(self, step: str) -> InvalidTransition:
        return InvalidTransition("Remboursement", self.status.value, step)

    def approve(self, admin_id: int, note: str, at: datetime) -> None:
        if self.status is not RefundStatus.REQUESTED:
            raise self._refuse("approbation")
        self.status = RefundStatus.APPROVED
        self.decided_by, self.decided_at, self.decision_note = admin_id, at, note

    def reject(self, admin_id: int, note: str, at: datetime) -> None:
        if self.status is not RefundStatus.REQUESTED:
            raise self._refuse("rejet")
        self.status = RefundStatus.REJECTED
        self.decided_by, self.decided_at, self.decision_note = admin_id, at, note

    def mark_sent(self, provider_reference: str) -> None:
        """The operator accepted the refund order; it completes when the operator confirms it."""
        if self.status is not RefundStatus.APPROVED:
            raise self._refuse("envoi à l'opérateur")
        self.status = RefundStatus.IN_PROGRESS
        self.provider_reference = provider_reference

    def mark_failed(self, reason: str) -> None:
        """The operator refused the refund: it goes back to approved, to be retried or paid by hand."""
        if self.status not in {RefundStatus.APPROVED, RefundStatus.IN_PROGRESS}:
            raise self._refuse("échec")
        self.status = RefundStatus.APPROVED
        self.failure_reason = reason

    def complete(self, at: datetime, provider_reference: str | None = None) -> None:
        if self.status not in {RefundStatus.APPROVED, RefundStatus.IN_PROGRESS}:
            raise self._refuse("clôture")
        self.status = RefundStatus.REFUNDED
        self.completed_at = at
        self.provider_reference = provider_reference or self.provider_reference
        self.failure_reason = None


class CommissionType(StrEnum):
    TICKETING = "BILLETTERIE"
    SUBSCRIPTION = "ABONNEMENT"
    OTHER = "AUTRE"


class CommissionStatus(StrEnum):
    COMPUTED = "CALCULEE"
    CANCELLED = "ANNULEE"


@dataclass(eq=False, kw_only=True)
class Commission:
    payment_id: int
    type: CommissionType
    currency: str
    amount_minor: int
    rate_basis_points: int
    label: str
    created_at: datetime
    beneficiary_id: int | None = None
    status: CommissionStatus = CommissionStatus.COMPUTED
    id: int | None = None


class Account(StrEnum):
    """Ledger accounts. Every ledger transaction's postings add up to zero."""

    COLLECTED = "collected"          # money received through a provider
    COMMISSIONS = "commissions"      # the platform's fees kept on payments
    NET_PAYABLE = "net_payable"      # owed to the beneficiary (organiser, or the platform for its own sales)
    REFUNDS = "refunds"              # paid back to payers


@dataclass(eq=False, kw_only=True)
class LedgerEntry:
    transaction_key: str
    payment_uuid: UUID
    account: Account
    currency: str
    amount_minor: int
    at: datetime
    id: int | None = None
