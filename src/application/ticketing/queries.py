"""The catalogue's read models, app-scoped: they read through `TicketingReads` (committed data, one round trip
each) and decide here who sees what: published events for everyone, the others for their creator and admins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from application.shared.ports import Clock
from application.ticketing.catalogue import NOT_FOUND, is_visible
from application.ticketing.config import TicketingConfig
from application.ticketing.ports import (
    Availability,
    EventCard,
    EventSearch,
    EventStats,
    Participant,
    RecentSales,
    Seats,
    TicketingReads,
)
from domain.shared.actor import Actor
from domain.shared.errors import InvalidInput, NotFound
from domain.ticketing import trending
from domain.ticketing.model import CATEGORIES, Category, EventStatus, Participation
from domain.ticketing.permissions import SEE_ANY_EVENT, TAKE_PART

MAX_OFFSET = 2**63 - 1  # what the database's OFFSET takes
TRENDING_CANDIDATES = 200  # events ranked on interest before recent sales are added


@dataclass(frozen=True)
class EventPage:
    cards: list[EventCard]
    total: int
    page: int
    page_size: int
    now: datetime  # the statuses shown are as of then

    @property
    def has_next(self) -> bool:
        return self.page * self.page_size < self.total


@dataclass(frozen=True)
class EventView:
    card: EventCard
    seats: Seats
    status: EventStatus  # as shown at the time of reading


class TicketingQueries:
    def __init__(self, reads: TicketingReads, availability: Availability, sales: RecentSales, clock: Clock,
                 config: TicketingConfig) -> None:
        self._reads = reads
        self._availability = availability
        self._sales = sales
        self._clock = clock
        self._config = config
        self._ranked: tuple[datetime, list[tuple[EventCard, float]]] | None = None

    @property
    def page_size(self) -> int:
        return self._config.page_size

    def categories(self) -> tuple[Category, ...]:
        return CATEGORIES

    async def events(self, actor: Actor | None, *, page: int = 1, page_size: int | None = None,
                     search: str | None = None, category_id: int | None = None,
                     status: EventStatus | None = None) -> EventPage:
        size = page_size or self._config.page_size
        if (page - 1) * size > MAX_OFFSET:
            raise InvalidInput.on_field("page", "Page hors limites")
        now = self._clock.now()
        query = EventSearch(
            now=now, viewer_id=None if actor is None else actor.user_id,
            see_all=actor is not None and SEE_ANY_EVENT.allows(actor), search=(search or "").strip() or None,
            category_id=category_id, status=status, limit=size, offset=(page - 1) * size)
        cards, total = await self._reads.events(query)
        return EventPage(cards, total, page, size, now)

    async def event(self, event_id: int, actor: Actor | None) -> EventView:
        card = await self._reads.event(event_id)
        if card is None or not is_visible(card.event, actor):
            raise NotFound(NOT_FOUND)
        return (await self.views([card]))[0]

    async def views(self, cards: Sequence[EventCard]) -> list[EventView]:
        """Cards with their seats and shown status."""
        now = self._clock.now()
        seats = await self._availability.for_events([card.event for card in cards])
        return [EventView(card, seats.get(card.event.id or 0, Seats(card.event.capacity)),
                          card.event.status_at(now)) for card in cards]

    async def my_events(self, actor: Actor) -> list[EventView]:
        TAKE_PART.check(actor)
        return await self.views(await self._reads.events_of(actor.user_id))

    async def my_participations(self, actor: Actor) -> list[tuple[Participation, EventView]]:
        TAKE_PART.check(actor)
        found = [(p, card) for p, card in await self._reads.participations_of(actor.user_id)
                 if is_visible(card.event, actor)]
        views = await self.views([card for _, card in found])
        return [(p, view) for (p, _), view in zip(found, views, strict=True)]

    async def participants(self, event_id: int, actor: Actor | None) -> list[Participant]:
        card = await self._reads.event(event_id)
        if card is None or not is_visible(card.event, actor):
            raise NotFound(NOT_FOUND)
        return await self._reads.participants(event_id)

    async def stats(self) -> EventStats:
        return await self._reads.stats(self._clock.now())

    async def trending(self) -> list[EventView]:
        """The published events not over with the highest score (domain/ticketing/trending.py); the ranking on
        interest is reused for `trending_ttl`, recent sales and seats are read each time."""
        now = self._clock.now()
        if self._ranked is None or now - self._ranked[0] >= self._config.trending_ttl:
            self._ranked = (now, await self._reads.trending(now, TRENDING_CANDIDATES))
        candidates = [(card, score) for card, score in self._ranked[1]
                      if card.event.status_at(now) is EventStatus.VALIDATED]
        sold = await self._sales.tickets_sold_since(now - trending.HALF_LIFE)
        scored = [(interest + trending.TICKET_WEIGHT * max(sold.get(card.event.id or 0, 0), 0), card)
                  for card, interest in candidates]
        scored.sort(key=lambda item: (-item[0], item[1].event.starts_at, item[1].event.id or 0))
        return await self.views([card for _, card in scored[: self._config.trending_size]])
