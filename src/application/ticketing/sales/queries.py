"""What buyers, organisers and the events half read about sales."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from application.shared.ports import Clock
from application.ticketing.sales.checkin import check_scanner
from application.ticketing.sales.ports import (
    EventsForSale,
    MyTicket,
    QrRenderer,
    SaleCommission,
    SalesReads,
    TicketRepository,
    TicketSigner,
    TicketTypeRepository,
)
from application.ticketing.sales.services import event_for_sale
from domain.shared.actor import Actor
from domain.shared.errors import Forbidden, NotFound
from domain.shared.money import Money
from domain.ticketing.sales import (
    SaleableEvent,
    SalesReport,
    TicketStatus,
    TicketType,
    implicit_type,
    sales_report,
)
from domain.ticketing.sales_permissions import BUY_TICKETS, SEE_ANY_SALES


class MyTickets:
    def __init__(self, reads: SalesReads) -> None:
        self._reads = reads

    async def __call__(self, actor: Actor) -> list[MyTicket]:
        BUY_TICKETS.check(actor)
        return await self._reads.my_tickets(actor.user_id)


@dataclass(frozen=True)
class TicketCommand:
    actor: Actor
    ticket_uuid: UUID


class TicketQr:
    """The QR code of an issued ticket, as a PNG, for its owner only."""

    def __init__(self, tickets: TicketRepository, qr: QrRenderer) -> None:
        self._tickets = tickets
        self._qr = qr

    async def __call__(self, cmd: TicketCommand) -> bytes:
        BUY_TICKETS.check(cmd.actor)
        ticket = await self._tickets.get(cmd.ticket_uuid)
        if ticket is None or not cmd.actor.is_user(ticket.owner_id):
            raise NotFound("Billet introuvable")
        if not ticket.issued or ticket.secret is None:
            raise NotFound("Ce billet n'a pas (ou plus) de QR code")
        return self._qr.png(ticket.secret)


@dataclass(frozen=True)
class EventCommand:
    actor: Actor
    event_id: int


class TicketKey:
    """The event's public key, for scanners that check tickets offline."""

    def __init__(self, events: EventsForSale, signer: TicketSigner) -> None:
        self._events = events
        self._signer = signer

    async def __call__(self, cmd: EventCommand) -> str:
        event = await event_for_sale(self._events, cmd.event_id)
        check_scanner(event, cmd.actor)
        return await self._signer.public_key(event.id)


class SalesReportQuery:
    """Sold, checked in, revenue, commission and net per ticket type: the organiser's (and admins')."""

    def __init__(self, events: EventsForSale, types: TicketTypeRepository, tickets: TicketRepository,
                 commission: SaleCommission) -> None:
        self._events = events
        self._types = types
        self._tickets = tickets
        self._commission = commission

    async def __call__(self, cmd: EventCommand) -> SalesReport:
        event = await event_for_sale(self._events, cmd.event_id)
        if not (cmd.actor.is_user(event.organiser_id) or SEE_ANY_SALES.allows(cmd.actor)):
            raise Forbidden(SEE_ANY_SALES.refusal)
        rate = await self._commission.rate_bps(event.organiser_id)
        return sales_report(event.id, await self._types.of_event(event.id), await self._tickets.of_event(event.id),
                            lambda amount: self._commission.split(amount, rate))


class SoldTickets:
    """Tickets of the event that are or may become paid (issued, used, or pending a payment): the events half
    refuses to delete an event that has any (cancel it instead, which refunds)."""

    def __init__(self, tickets: TicketRepository) -> None:
        self._tickets = tickets

    async def __call__(self, event_id: int) -> int:
        live = {TicketStatus.PAID, TicketStatus.USED, TicketStatus.PENDING}
        return sum(t.status in live for t in await self._tickets.of_event(event_id))


@dataclass(frozen=True)
class TypeAvailability:
    id: int | None  # None: the implicit type not created yet (no purchase so far)
    name: str
    price: Money
    capacity: int | None
    available: int | None  # None: unlimited


@dataclass(frozen=True)
class EventAvailability:
    places_left: int | None  # None: unlimited
    types: list[TypeAvailability]


class Availability:
    """For the event detail and lists (`places_restantes`, `types_billets`): committed data, one read for all the
    events asked about."""

    def __init__(self, events: EventsForSale, reads: SalesReads, clock: Clock) -> None:
        self._events = events
        self._reads = reads
        self._clock = clock

    async def __call__(self, event_id: int) -> EventAvailability:
        event = await event_for_sale(self._events, event_id)
        return (await self.of_events([event]))[event.id]

    async def of_events(self, events: Sequence[SaleableEvent]) -> dict[int, EventAvailability]:
        """For events the caller already read (the catalogue's own list or detail)."""
        if not events:
            return {}
        found = await self._reads.seats([event.id for event in events], self._clock.now())
        return {event.id: _availability(event, found.get(event.id, [])) for event in events}


def _availability(event: SaleableEvent, types: list[tuple[TicketType, int | None]]) -> EventAvailability:
    explicit = [(t, left) for t, left in types if not t.implicit]
    shown = explicit or [(t, left) for t, left in types if t.implicit]
    if not shown:
        standard = implicit_type(event, quota_id=0)
        line = TypeAvailability(None, standard.name, standard.price, event.capacity, event.capacity)
        return EventAvailability(event.capacity, [line])
    lines = [TypeAvailability(t.id, t.name, t.price, t.capacity, left) for t, left in shown]
    counts = [line.available for line in lines]
    places = None if any(c is None for c in counts) else sum(c for c in counts if c is not None)
    return EventAvailability(places, lines)
