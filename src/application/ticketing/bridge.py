"""The two halves of ticketing meet here: sales read the catalogue's events, the catalogue asks sales for seats
left and tickets sold. Each half keeps its own port; these adapters translate between them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from application.shared.ports import Clock
from application.ticketing.ports import Seats, TicketingReads, TicketTypeInfo
from application.ticketing.sales import queries as sales
from application.ticketing.sales.ports import SalesReads
from domain.ticketing.model import Event
from domain.ticketing.sales import SaleableEvent


class CatalogueEventsForSale:
    """`EventsForSale` over the catalogue's read side (committed events)."""

    def __init__(self, reads: TicketingReads, sales: SalesReads, clock: Clock) -> None:
        self._reads = reads
        self._sales = sales
        self._clock = clock

    async def get(self, event_id: int) -> SaleableEvent | None:
        card = await self._reads.event(event_id)
        if card is None:
            return None
        return for_sale(card.event, self._clock, await self._sales.scanners(event_id))


def for_sale(event: Event, clock: Clock, scanners: frozenset[int] = frozenset()) -> SaleableEvent:
    assert event.id is not None
    return SaleableEvent(
        id=event.id, organiser_id=event.creator_id, title=event.title,
        status=event.status_at(clock.now()), starts_at=event.starts_at,
        ends_at=event.ends_at, access=event.access_type, price=event.price,
        capacity=event.capacity, scanners=scanners)


class SalesSoldTickets:
    """The catalogue's `SoldTickets`: tickets paid, used or pending a payment."""

    def __init__(self, sold: sales.SoldTickets) -> None:
        self._sold = sold

    async def count_for(self, event_id: int) -> int:
        return await self._sold(event_id)


class SalesAvailability:
    """The catalogue's `Availability`: seats left (capacity - sold - unexpired holds) and the ticket types, for
    all the events in one read."""

    def __init__(self, availability: sales.Availability, clock: Clock) -> None:
        self._availability = availability
        self._clock = clock

    async def for_events(self, events: Sequence[Event]) -> Mapping[int, Seats]:
        found = await self._availability.of_events([for_sale(event, self._clock) for event in events])
        return {event_id: Seats(seats.places_left, tuple(
            TicketTypeInfo(id=line.id, name=line.name, price=line.price, quota=line.capacity,
                           available=line.available) for line in seats.types))
            for event_id, seats in found.items()}


class SalesRecentSales:
    """The catalogue's `RecentSales` (trending): tickets issued per event since then, one read."""

    def __init__(self, sales: SalesReads) -> None:
        self._sales = sales

    async def tickets_sold_since(self, since: datetime) -> Mapping[int, int]:
        return await self._sales.sold_since(since)
