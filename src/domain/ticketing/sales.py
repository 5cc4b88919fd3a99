"""Ticket sales: what is for sale (ticket types), what a buyer asked for (orders), what gets people in (tickets).

An order holds seats of its ticket type's quota (domain/shared/quota.py) while its payment runs; the payment's
outcome pays its tickets (PAYE, each with a signed secret and a short code), lets them lapse, or, when a payment
came too late for seats that had gone, leaves them cancelled with the money to refund.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.shared.errors import InvalidInput
from domain.shared.money import Money
from domain.ticketing.model import AccessType, EventStatus
from domain.ticketing.sales_errors import AlreadyCheckedIn, NotOnSale, TicketInvalid

MAX_PER_ORDER = 10
HOLD_PREFIX = "ticket:"  # the quota holds of ticket orders
IMPLICIT_TYPE_NAME = "Standard"
DEFAULT_CURRENCY = "XOF"
# No 0/O, 1/I/L: read out over a feature phone or typed at the door without ambiguity.
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_CODE_LENGTH = 8  # 31^8 ≈ 8.5·10^11 (39.6 bits) per event


@dataclass(frozen=True)
class SaleableEvent:
    """What selling needs to know about an event; read through the `EventsForSale` port."""

    id: int
    organiser_id: int
    title: str
    status: EventStatus
    starts_at: datetime
    ends_at: datetime
    access: AccessType
    price: Money | None
    capacity: int | None
    scanners: frozenset[int] = frozenset()

    def may_scan(self, user_id: int) -> bool:
        return user_id == self.organiser_id or user_id in self.scanners

    @property
    def is_free(self) -> bool:
        return self.access is AccessType.FREE or self.price is None or self.price.minor == 0


def check_quantity(quantity: int) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_PER_ORDER:
        raise InvalidInput.on_field("quantity", f"La quantité est entre 1 et {MAX_PER_ORDER}")


@dataclass
class TicketType:
    event_id: int
    name: str
    price_minor: int
    currency: str
    quota_id: int
    capacity: int | None  # None: unlimited (the quota's capacity, kept here to show it)
    sale_starts: datetime | None = None
    sale_ends: datetime | None = None
    implicit: bool = False  # the "Standard" type of an event that defines none, from its price and capacity
    id: int | None = None

    @property
    def price(self) -> Money:
        return Money(self.price_minor, self.currency)

    def check_on_sale(self, event: SaleableEvent, now: datetime) -> None:
        if event.status is not EventStatus.VALIDATED:
            raise NotOnSale("Cet événement n'est pas en vente")
        if now >= event.ends_at:
            raise NotOnSale("Cet événement est terminé")
        if event.access is AccessType.INVITATION:
            raise NotOnSale("Cet événement est sur invitation")
        if self.event_id != event.id:
            raise InvalidInput.on_field("ticket_type_id", "Type de billet inconnu pour cet événement")
        if self.sale_starts is not None and now < self.sale_starts:
            raise NotOnSale(f"La vente de « {self.name} » n'a pas commencé")
        if self.sale_ends is not None and now >= self.sale_ends:
            raise NotOnSale(f"La vente de « {self.name} » est close")


def implicit_type(event: SaleableEvent, quota_id: int) -> TicketType:
    price = event.price if event.price is not None and not event.is_free else Money(0, _currency(event))
    return TicketType(event_id=event.id, name=IMPLICIT_TYPE_NAME, price_minor=price.minor, currency=price.currency,
                      quota_id=quota_id, capacity=event.capacity, implicit=True)


def _currency(event: SaleableEvent) -> str:
    return event.price.currency if event.price is not None else DEFAULT_CURRENCY


class TicketStatus(StrEnum):
    PENDING = "EN_ATTENTE"
    PAID = "PAYE"
    CANCELLED = "ANNULE"
    REFUNDED = "REMBOURSE"
    USED = "UTILISE"


@dataclass
class Ticket:
    uuid: UUID
    order_id: int
    event_id: int
    ticket_type_id: int
    owner_id: int
    price_minor: int
    currency: str
    status: TicketStatus = TicketStatus.PENDING
    secret: str | None = None  # the signed text of its QR code, once issued
    short_code: str | None = None
    issued_at: datetime | None = None
    used_at: datetime | None = None
    used_by: int | None = None
    id: int | None = None

    @property
    def price(self) -> Money:
        return Money(self.price_minor, self.currency)

    @property
    def issued(self) -> bool:
        return self.status in {TicketStatus.PAID, TicketStatus.USED}

    def issue(self, secret: str, short_code: str, now: datetime) -> None:
        if self.status not in {TicketStatus.PENDING, TicketStatus.CANCELLED}:
            raise InvalidInput(f"Billet au statut {self.status.value} : il ne peut pas être émis")
        self.status, self.secret, self.short_code, self.issued_at = TicketStatus.PAID, secret, short_code, now

    def void(self) -> None:
        """Not paid for after all (payment failed, too late, event cancelled)."""
        if self.status in {TicketStatus.PENDING, TicketStatus.PAID}:
            self.status = TicketStatus.CANCELLED

    def refund(self) -> bool:
        """Its money goes back; False when it was used (an entry is not undone)."""
        if self.status in {TicketStatus.PAID, TicketStatus.CANCELLED}:
            self.status = TicketStatus.REFUNDED
            return True
        return False

    def check_in(self, event_id: int, scanner_id: int, now: datetime) -> None:
        if self.event_id != event_id:
            raise TicketInvalid("Billet d'un autre événement")
        if self.status is TicketStatus.USED:
            assert self.used_at is not None
            raise AlreadyCheckedIn(self.used_at)
        if self.status is TicketStatus.PENDING:
            raise TicketInvalid("Billet non payé")
        if self.status is not TicketStatus.PAID:
            raise TicketInvalid("Billet annulé")
        self.status, self.used_at, self.used_by = TicketStatus.USED, now, scanner_id


class OrderStatus(StrEnum):
    HELD = "HELD"  # seats held while the payment runs
    LAPSED = "LAPSED"  # the hold ended (expired, payment failed): a late success may still buy the seats
    PAID = "PAID"
    OVERSOLD = "OVERSOLD"  # paid too late for seats that had gone: the money is refunded
    CANCELLED = "CANCELLED"  # the event was cancelled
    REFUNDED = "REFUNDED"


@dataclass
class Order:
    """One purchase: `quantity` tickets of one type for one buyer; `reference` is what the payment pays for."""

    reference: UUID
    event_id: int
    ticket_type_id: int
    buyer_id: int
    quantity: int
    unit_price_minor: int
    currency: str
    created_at: datetime
    hold_until: datetime
    status: OrderStatus = OrderStatus.HELD
    payment_uuid: UUID | None = None
    paid_at: datetime | None = None
    flag_reason: str | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        check_quantity(self.quantity)

    @property
    def hold_key(self) -> str:
        return f"{HOLD_PREFIX}{self.reference}"

    @property
    def total(self) -> Money:
        return Money(self.unit_price_minor * self.quantity, self.currency)

    @property
    def payable(self) -> bool:
        return self.status in {OrderStatus.HELD, OrderStatus.LAPSED}

    def pay(self, payment_uuid: UUID | None, now: datetime) -> None:
        self.status, self.payment_uuid, self.paid_at = OrderStatus.PAID, payment_uuid, now

    def lapse(self) -> None:
        if self.status is OrderStatus.HELD:
            self.status = OrderStatus.LAPSED

    def oversell(self, payment_uuid: UUID) -> None:
        self.status, self.payment_uuid = OrderStatus.OVERSOLD, payment_uuid
        self.flag_reason = "Payé après l'expiration de la réservation, plus de place : à rembourser"

    def cancel(self) -> None:
        self.status = OrderStatus.CANCELLED

    def refund(self) -> None:
        self.status = OrderStatus.REFUNDED


def new_tickets(order: Order, uuids: Iterable[UUID]) -> list[Ticket]:
    assert order.id is not None, "an order is stored before its tickets"
    tickets = [Ticket(uuid=u, order_id=order.id, event_id=order.event_id, ticket_type_id=order.ticket_type_id,
                      owner_id=order.buyer_id, price_minor=order.unit_price_minor, currency=order.currency)
               for u in uuids]
    if len(tickets) != order.quantity:
        raise ValueError("one ticket per seat of the order")
    return tickets


def normalize_short_code(text: str) -> str | None:
    """The short code as stored, from what someone typed ("abcd-2345", "ABCD 2345"); None if it cannot be one."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != SHORT_CODE_LENGTH or any(c not in SHORT_CODE_ALPHABET for c in code):
        return None
    return code


@dataclass(frozen=True)
class Scan:
    """One check-in scan, recorded under its scanner's nonce: the same nonce again is the same scan."""

    event_id: int
    nonce: str
    ticket_uuid: UUID
    scanner_id: int
    at: datetime


# ------------------------------------------------------------------ the organiser's figures

Split = Callable[[Money], tuple[Money, Money]]  # amount -> (commission, net), the payments context's policy


@dataclass(frozen=True)
class TicketTypeSales:
    ticket_type_id: int
    name: str
    price: Money
    capacity: int | None
    sold: int
    checked_in: int
    revenue: Money
    commission: Money
    net: Money


@dataclass(frozen=True)
class SalesReport:
    event_id: int
    lines: list[TicketTypeSales] = field(default_factory=list)

    def total(self, attribute: str) -> int:
        return sum(getattr(line, attribute).minor if attribute in {"revenue", "commission", "net"}
                   else getattr(line, attribute) for line in self.lines)


def sales_report(event_id: int, types: Iterable[TicketType], tickets: Iterable[Ticket], split: Split) -> SalesReport:
    """Sold = paid or used tickets. The commission is taken per order, as each payment was charged, so the report
    agrees with what payments booked."""
    per_order: dict[tuple[int, int], list[Ticket]] = defaultdict(list)
    for ticket in tickets:
        if ticket.issued:
            per_order[(ticket.ticket_type_id, ticket.order_id)].append(ticket)
    lines = []
    for ticket_type in types:
        assert ticket_type.id is not None
        zero = Money(0, ticket_type.currency)
        sold = checked_in = 0
        revenue, commission, net = zero, zero, zero
        for (type_id, _), group in sorted(per_order.items()):
            if type_id != ticket_type.id:
                continue
            amount = Money(sum(t.price_minor for t in group), ticket_type.currency)
            fees, rest = split(amount)
            sold += len(group)
            checked_in += sum(t.status is TicketStatus.USED for t in group)
            revenue, commission, net = revenue + amount, commission + fees, net + rest
        lines.append(TicketTypeSales(ticket_type.id, ticket_type.name, ticket_type.price, ticket_type.capacity, sold,
                                     checked_in, revenue, commission, net))
    return SalesReport(event_id, lines)
