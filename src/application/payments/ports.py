"""What the payment use cases need from the outside: storage, the providers, and the purposes' owners."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from domain.payments.model import (
    Attempt,
    Commission,
    LedgerEntry,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Purpose,
    Refund,
    RefundStatus,
)
from domain.shared.money import Money

# ---------------------------------------------------------------- storage


class PaymentRepository(Protocol):
    async def add(self, payment: Payment) -> Payment:
        """Stores a new payment and gives it its id."""
        ...

    async def get(self, payment_uuid: UUID) -> Payment | None: ...

    async def get_for_update(self, payment_uuid: UUID) -> Payment | None:
        """Loads the payment and holds it against concurrent writers until the transaction ends."""
        ...

    async def get_by_id(self, payment_id: int) -> Payment | None: ...

    async def save(self, payment: Payment) -> None: ...

    async def stale_open(self, older_than: datetime, limit: int) -> list[Payment]:
        """Payments still pending or in progress, last changed before `older_than`, oldest first."""
        ...

    async def next_reference_number(self, day: date) -> int:
        """A number never handed out before (the internal reference's sequence)."""
        ...


@dataclass(frozen=True)
class PaymentTotals:
    total: int
    succeeded: int
    failed: int
    pending: int
    revenue_minor: dict[str, int]  # currency -> collected on successful (and later refunded) payments


@dataclass(frozen=True)
class PayerSummary:
    spent_minor: dict[str, int]
    last_payment_at: datetime | None
    pending_count: int


class AttemptRepository(Protocol):
    async def add(self, attempt: Attempt) -> Attempt: ...

    async def save(self, attempt: Attempt) -> None: ...

    async def latest(self, payment_id: int) -> Attempt | None: ...

    async def by_provider_reference(self, method: PaymentMethod, provider_reference: str) -> Attempt | None: ...

    async def by_callback_secret(self, method: PaymentMethod, secret: str) -> Attempt | None: ...

    async def by_order_id(self, order_id: str) -> Attempt | None: ...

    async def by_reference(self, reference: UUID) -> Attempt | None: ...


class RefundRepository(Protocol):
    async def add(self, refund: Refund) -> Refund: ...

    async def get(self, refund_id: int) -> Refund | None: ...

    async def get_for_update(self, refund_id: int) -> Refund | None: ...

    async def save(self, refund: Refund) -> None: ...

    async def open_for_payment(self, payment_id: int) -> list[Refund]:
        """Refunds of the payment not yet rejected or paid (their amounts are spoken for)."""
        ...

    async def in_progress(self, limit: int) -> list[Refund]: ...


class CommissionRepository(Protocol):
    async def add(self, commission: Commission) -> Commission: ...

    async def for_payment(self, payment_id: int) -> Commission | None: ...

    async def save(self, commission: Commission) -> None: ...


class Ledger(Protocol):
    async def record(self, entries: Sequence[LedgerEntry]) -> bool:
        """Writes one balanced transaction; False (and nothing written) if its key is already recorded."""
        ...


class PaymentReads(Protocol):
    """What the payment screens show, each in one round trip, from committed data; nothing here is saved."""

    async def payment(self, payment_uuid: UUID) -> Payment | None: ...

    async def payments_of(self, payer_id: int) -> list[Payment]:
        """Newest first."""
        ...

    async def refunds_of(self, requester_id: int) -> list[Refund]:
        """Newest first."""
        ...

    async def refunds(self, status: RefundStatus | None, limit: int, offset: int) -> list[Refund]:
        """Every refund (or those in `status`), newest first."""
        ...

    async def refund(self, refund_id: int) -> tuple[Refund, Payment] | None:
        """The refund with the payment it refunds."""
        ...

    async def totals(self) -> PaymentTotals: ...

    async def payer_summary(self, payer_id: int) -> PayerSummary: ...

    async def recent_attempts(self, limit: int, offset: int) -> list[tuple[Attempt, UUID]]:
        """Attempts with their payment's uuid, newest first (the admin's transaction list)."""
        ...

    async def recent_commissions(self, limit: int, offset: int) -> list[Commission]:
        """Newest first."""
        ...

    async def ledger_entries(self, start: datetime | None, end: datetime | None) -> list[LedgerEntry]:
        """Entries at `start` or later and before `end` (either may be open), in the order they were written."""
        ...


class ProcessedCallbacks(Protocol):
    async def first_time(self, provider: str, event_id: str, at: datetime) -> bool:
        """Records a provider's delivery id; False if it was already recorded (a redelivery)."""
        ...


# ---------------------------------------------------------------- providers


class ChargeState(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Interval(StrEnum):
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True)
class ChargeRequest:
    """One attempt. `reference` (a UUID) is the idempotency key; `order_id` is short (Orange: 30 characters)."""

    reference: UUID
    order_id: str
    amount: Money
    description: str
    callback_url: str
    payer_phone: str | None = None
    payer_email: str | None = None
    return_url: str | None = None
    cancel_url: str | None = None
    recurring: Interval | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ChargeStarted:
    provider_reference: str
    redirect_url: str | None = None
    callback_secret: str | None = None


@dataclass(frozen=True)
class ChargeLookup:
    """Everything a provider may need to find a charge again (Orange asks for order, amount and token)."""

    provider_reference: str
    order_id: str
    amount: Money
    reference: UUID


@dataclass(frozen=True)
class ChargeStatus:
    state: ChargeState
    provider_status: str
    transaction_id: str | None = None
    reason: str | None = None
    amount: Money | None = None


@dataclass(frozen=True)
class RefundOrder:
    reference: UUID
    charge: ChargeLookup
    amount: Money
    transaction_id: str | None
    payer_phone: str | None
    note: str


@dataclass(frozen=True)
class RefundOutcome:
    provider_reference: str
    state: ChargeState


@dataclass(frozen=True)
class InboundCallback:
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    received_at: datetime
    query: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CallbackNotice:
    """What a callback points at. Only `signed` notices may be believed without asking the provider again."""

    provider_reference: str | None = None
    order_id: str | None = None
    callback_secret: str | None = None
    delivery_id: str | None = None
    claimed_state: ChargeState | None = None
    signed: bool = False
    kind: str = ""


class PaymentGateway(Protocol):
    method: PaymentMethod

    @property
    def configured(self) -> bool:
        """False when its credentials are missing: the method is reported inactive and refused."""
        ...

    async def start_charge(self, request: ChargeRequest) -> ChargeStarted:
        """Raises GatewayUnavailable (time-out, 5xx after retries) or GatewayRejected (the provider said no)."""
        ...

    async def fetch_charge(self, lookup: ChargeLookup) -> ChargeStatus | None:
        """The provider's word on a charge; None if the provider does not know it (never reached it)."""
        ...

    async def refund(self, order: RefundOrder) -> RefundOutcome:
        """Raises RefundNotSupported where the provider has no refund API."""
        ...

    async def fetch_refund(self, provider_reference: str) -> ChargeState: ...

    def read_callback(self, callback: InboundCallback) -> CallbackNotice:
        """Parses (and, where the provider signs, verifies) a callback; raises InvalidCallback otherwise."""
        ...


class Gateways(Protocol):
    def get(self, method: PaymentMethod) -> PaymentGateway | None: ...

    def methods(self) -> list[PaymentMethod]: ...


# ---------------------------------------------------------------- purposes


@dataclass(frozen=True)
class PurposeQuote:
    """The purpose owner's price for a purchase: the client's amount is never trusted."""

    amount: Money
    description: str
    beneficiary_id: int | None = None
    commission_rate_bps: int | None = None  # the organiser's plan rate, when the purpose has one


class PaymentPurposes(Protocol):
    """The contexts that sell something (tickets, subscriptions, donations) answer for their purposes."""

    def knows(self, kind: str) -> bool: ...

    async def quote(self, purpose: Purpose, payer_id: int) -> PurposeQuote:
        """Raises NotFound or InvalidInput when the purpose cannot be paid for now."""
        ...

    async def settled(self, purpose: Purpose, payment_uuid: UUID, status: PaymentStatus) -> bool:
        """Tells the owner a payment reached a final state. False: the purpose can no longer be delivered
        (expired, sold out): the money is kept and the payment flagged for refund."""
        ...
