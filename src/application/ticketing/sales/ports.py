"""What ticket sales need from the outside: the events (read only), storage, secrets, and the payments context."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from domain.shared.actor import Actor
from domain.shared.money import Money
from domain.ticketing.sales import Order, SaleableEvent, Scan, Ticket, TicketStatus, TicketType

__all__ = [
    "EventsForSale", "MyTicket", "OrderRepository", "PaymentOutcome", "QrRenderer", "SaleCommission", "SalePayments",
    "SaleRefunds", "SaleableEvent", "SalesConfig", "SalesReads", "ScanLog", "ScannerRepository", "ShortCodes",
    "SignedTicket", "SigningKey", "SigningKeys", "StartedPayment", "TicketRepository", "TicketSigner",
    "TicketTypeRepository",
]


@dataclass(frozen=True)
class SalesConfig:
    # How long seats stay held for a payment: mobile money waits for the payer to confirm on the phone.
    hold_lifetime: timedelta = timedelta(minutes=15)
    expiry_batch: int = 100


class EventsForSale(Protocol):
    """The events half of the context, as sales read it (wired over the event store at merge)."""

    async def get(self, event_id: int) -> SaleableEvent | None: ...


# ---------------------------------------------------------------- storage


class TicketTypeRepository(Protocol):
    async def add(self, ticket_type: TicketType) -> TicketType:
        """Stores it and gives it its id. For an implicit type, Conflict when the event already has one."""
        ...

    async def get(self, ticket_type_id: int) -> TicketType | None: ...

    async def of_event(self, event_id: int) -> list[TicketType]:
        """The event's types, the implicit one included if it exists, in id order."""
        ...

    async def save(self, ticket_type: TicketType) -> None: ...


class OrderRepository(Protocol):
    async def add(self, order: Order) -> Order: ...

    async def get(self, reference: UUID) -> Order | None: ...

    async def get_for_update(self, reference: UUID) -> Order | None:
        """Loads the order and holds it against concurrent writers until the transaction ends."""
        ...

    async def save(self, order: Order) -> None: ...

    async def of_event(self, event_id: int) -> list[Order]: ...


class TicketRepository(Protocol):
    async def add_all(self, tickets: Iterable[Ticket]) -> None: ...

    async def save_all(self, tickets: Iterable[Ticket]) -> None: ...

    async def get(self, ticket_uuid: UUID) -> Ticket | None: ...

    async def get_for_update(self, ticket_uuid: UUID) -> Ticket | None: ...

    async def by_short_code(self, event_id: int, code: str, *, for_update: bool = False) -> Ticket | None: ...

    async def short_codes_taken(self, event_id: int, codes: Iterable[str]) -> set[str]: ...

    async def of_order(self, order_id: int) -> list[Ticket]: ...

    async def of_owner(self, owner_id: int) -> list[Ticket]:
        """Newest first."""
        ...

    async def of_event(self, event_id: int) -> list[Ticket]: ...


class ScanLog(Protocol):
    async def get(self, event_id: int, nonce: str) -> Scan | None: ...

    async def add(self, scan: Scan) -> None:
        """Conflict when the event already has a scan under that nonce."""
        ...


@dataclass(frozen=True)
class MyTicket:
    id: int
    uuid: UUID
    event_id: int
    event_title: str
    ticket_type: str
    price: Money
    status: TicketStatus
    short_code: str | None  # only once issued


class SalesReads(Protocol):
    """The read side of sales: committed data, one round trip each."""

    async def my_tickets(self, owner_id: int) -> list[MyTicket]:
        """The owner's tickets, newest first, with their event's title and their type's name."""
        ...

    async def sold_since(self, since: datetime) -> dict[int, int]:
        """Event id -> tickets issued (paid, maybe used since) from then on."""
        ...

    async def scanners(self, event_id: int) -> frozenset[int]:
        """The accounts the organiser named to check tickets in at the event's door."""
        ...

    async def seats(self, event_ids: Sequence[int], now: datetime) -> dict[int, list[tuple[TicketType, int | None]]]:
        """Event id -> its ticket types, each with its seats available at `now` (capacity - sold - unexpired
        holds; None: unlimited), for all the events in one read. Events without types are left out."""
        ...


class ScannerRepository(Protocol):
    async def add(self, event_id: int, user_id: int) -> bool:
        """Names the account (False: it was already); NotFound when there is no such account."""
        ...


# ---------------------------------------------------------------- secrets


@dataclass(frozen=True)
class SignedTicket:
    """What a valid secret says: which ticket, of which event."""

    ticket_uuid: UUID
    event_id: int


@dataclass(frozen=True)
class SigningKey:
    event_id: int
    public_key: str  # what offline scanners are given
    sealed_private_key: str  # sealed at rest with the server's secret


class SigningKeys(Protocol):
    async def get(self, event_id: int) -> SigningKey | None: ...

    async def add(self, key: SigningKey) -> SigningKey:
        """Stores the event's key unless it has one already; the key the event has afterwards."""
        ...


class TicketSigner(Protocol):
    async def sign(self, ticket_uuid: UUID, event_id: int) -> str:
        """The QR code's text: a signature over ticket and event with the event's own private key."""
        ...

    async def public_key(self, event_id: int) -> str:
        """The event's public key (created with its private key on first use)."""
        ...

    def verify(self, text: str, public_key: str) -> SignedTicket | None:
        """Offline: the ticket the text names if the key signed it, else None (forged, tampered, unreadable)."""
        ...


class QrRenderer(Protocol):
    def png(self, text: str) -> bytes: ...


class ShortCodes(Protocol):
    def new(self) -> str:
        """A random code over SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH long."""
        ...


# ---------------------------------------------------------------- the payments context


class PaymentOutcome(StrEnum):
    """How a payment for an order ended, as payments reports it."""

    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"  # failed or cancelled by the payer (a retry may still succeed later)
    REFUNDED = "REFUNDED"
    OPEN = "OPEN"  # still running: nothing to do


class SaleCommission(Protocol):
    """The payments context's one commission policy, applied to ticket sales."""

    async def rate_bps(self, organiser_id: int) -> int | None:
        """The organiser's plan rate (None: the default rate)."""
        ...

    def split(self, amount: Money, rate_bps: int | None) -> tuple[Money, Money]:
        """(commission, net) of a ticket payment of `amount`."""
        ...


class SaleRefunds(Protocol):
    async def refund(self, payment_uuid: UUID, reason: str) -> None:
        """Asks payments to give the whole payment back (a refund request opened in the current transaction)."""
        ...


@dataclass(frozen=True)
class StartedPayment:
    uuid: UUID
    redirect_url: str | None  # where the payer goes to pay (Orange, cards); None when the phone is asked


class SalePayments(Protocol):
    """Starts the payment of an order through the payments context (purpose kind `ticket`, the order's reference).
    `method` is the payment method's wire value (e.g. "MOMO_MTN"); errors name the fields `method` and `phone`."""

    def check(self, actor: Actor, method: str, phone: str | None) -> None:
        """Refuses a method that is unknown or inactive and a phone the method needs or cannot read, before any
        seat is held."""
        ...

    async def start(self, actor: Actor, reference: UUID, method: str, phone: str | None,
                    email: str | None = None) -> StartedPayment:
        """The new payment (`email`: the buyer's, which a card checkout shows); raises the payment's own error when
        it cannot start."""
        ...
