"""What members and staff read about church events: pages of event cards with their site blocks (one directory
call per page), one event, an event's registrations and waiting list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from application.church_events.ports import ChurchEventReads, EventCard, EventFilter, RegistrationRow
from application.church_events.services import managed_site, today_at_church
from application.shared.church import ChurchDirectory, SiteRef
from application.shared.ports import Clock
from domain.church_events.errors import EventNotFound
from domain.church_events.permissions import MANAGE_EVENTS, SEE_EVENTS
from domain.shared.actor import Actor
from domain.shared.errors import InvalidInput

PAGE_SIZE = 20
MAX_SEARCH = 100


@dataclass(frozen=True)
class EventList:
    total: int
    cards: list[EventCard]
    sites: dict[int, SiteRef]
    has_next: bool


@dataclass(frozen=True)
class EventView:
    card: EventCard
    site: SiteRef | None


@dataclass(frozen=True)
class EventRegistrations:
    view: EventView
    registered: list[RegistrationRow]
    waiting: list[RegistrationRow]


class ChurchEventQueries:
    def __init__(self, reads: ChurchEventReads, directory: ChurchDirectory, clock: Clock) -> None:
        self._reads = reads
        self._directory = directory
        self._clock = clock

    async def events(self, actor: Actor, *, page: int = 1, search: str | None = None,
                     start_date: date | None = None, end_date: date | None = None, site_id: int | None = None,
                     mine: bool = False) -> EventList:
        """Without dates, the upcoming events (last day today or later in French Guiana); with dates, those that
        overlap them. `mine`: the caller's registrations (registered or waiting), past ones included."""
        SEE_EVENTS.check(actor)
        if start_date and end_date and end_date < start_date:
            raise InvalidInput.on_field("end_date", "La fin ne peut pas précéder le début")
        if search is not None and len(search) > MAX_SEARCH:
            raise InvalidInput.on_field("search", f"{MAX_SEARCH} caractères au plus")
        upcoming = not (start_date or end_date or mine)
        wanted = EventFilter(search=(search or "").strip() or None, start_date=start_date, end_date=end_date,
                             site_id=site_id, today=today_at_church(self._clock.now()) if upcoming else None,
                             registered_user_id=actor.user_id if mine else None)
        total, cards = await self._reads.page(wanted, actor.user_id, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        sites = {site.id: site for site in await self._directory.sites()}
        return EventList(total, cards, sites, page * PAGE_SIZE < total)

    async def event(self, actor: Actor, event_id: int) -> EventView:
        SEE_EVENTS.check(actor)
        card = await self._reads.card(event_id, actor.user_id)
        if card is None:
            raise EventNotFound()
        return EventView(card, await self._directory.site(card.event.site_id))

    async def registrations(self, actor: Actor, event_id: int) -> EventRegistrations:
        """Staff: who is registered and who waits, in their order; another site's event is NotFound."""
        MANAGE_EVENTS.check(actor)
        card = await self._reads.card(event_id, actor.user_id)
        if card is None:
            raise EventNotFound()
        site = await managed_site(self._directory, card.event, actor)
        rows = await self._reads.registrations(event_id)
        return EventRegistrations(
            EventView(card, site),
            [r for r in rows if r.registration.status == "registered"],
            [r for r in rows if r.registration.status == "waiting"])
