"""Memory adapters of the events catalogue: repositories and read side over a MemoryStore, and the defaults of
what the sales half and the subscriptions tell it (no tickets sold, seats from the capacity alone, no sales)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from adapters.memory.store import MemoryStore, detached
from application.ticketing.config import TicketingConfig
from application.ticketing.ports import EventCard, EventSearch, EventStats, Participant, Seats
from domain.shared.actor import Actor
from domain.ticketing import trending
from domain.ticketing.errors import AlreadyParticipating
from domain.ticketing.model import Event, EventStatus, Participation, ParticipationStatus, Share, Viewer

EVENTS, PARTICIPATIONS, SHARES, VIEWERS = ("ticketing_events", "ticketing_participations", "ticketing_shares",
                                           "ticketing_viewers")


class MemoryEventRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._rows: dict[int, Event] = store.table(EVENTS)

    async def add(self, event: Event) -> Event:
        event.id = self._store.next_id(EVENTS)
        self._rows[event.id] = self._store.keep(event)
        return event

    async def get_for_update(self, event_id: int) -> Event | None:
        found = self._rows.get(event_id)
        return detached(found) if found else None

    async def many_for_update(self, event_ids: Sequence[int]) -> list[Event]:
        return [detached(self._rows[i]) for i in sorted(set(event_ids)) if i in self._rows]

    async def save(self, event: Event) -> None:
        assert event.id is not None, "an event is added before it is saved"
        kept = self._store.keep(event)
        current = self._rows.get(event.id)
        if current is not None:  # the counters move in the store, not through the entity
            kept.view_count, kept.share_count = current.view_count, current.share_count
        self._rows[event.id] = kept

    async def delete(self, event: Event) -> None:
        self._rows.pop(event.id or 0, None)
        for name in (PARTICIPATIONS, SHARES):
            table = self._store.table(name)
            for key in [k for k, row in table.items() if row.event_id == event.id]:
                del table[key]
        viewers = self._store.table(VIEWERS)
        for key in [k for k in viewers if k[0] == event.id]:
            del viewers[key]

    async def count_by_creator(self, creator_id: int) -> int:
        return sum(1 for event in self._rows.values() if event.creator_id == creator_id)


class MemoryParticipationRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._rows: dict[int, Participation] = store.table(PARTICIPATIONS)

    async def get(self, event_id: int, user_id: int) -> Participation | None:
        return next((detached(p) for p in self._rows.values()
                     if p.event_id == event_id and p.user_id == user_id), None)

    async def add(self, participation: Participation) -> Participation:
        if await self.get(participation.event_id, participation.user_id) is not None:
            raise AlreadyParticipating()
        participation.id = self._store.next_id(PARTICIPATIONS)
        self._rows[participation.id] = detached(participation)
        return participation

    async def save(self, participation: Participation) -> None:
        assert participation.id is not None
        self._rows[participation.id] = detached(participation)

    async def delete(self, participation: Participation) -> None:
        self._rows.pop(participation.id or 0, None)


class MemoryShareRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._rows: dict[int, Share] = store.table(SHARES)
        self._events: dict[int, Event] = store.table(EVENTS)

    async def add(self, share: Share) -> Share:
        share.id = self._store.next_id(SHARES)
        self._rows[share.id] = detached(share)
        self._events[share.event_id].share_count += 1
        return share


class MemoryViewCounter:
    def __init__(self, store: MemoryStore) -> None:
        self._viewers: dict[tuple[int, str], datetime] = store.table(VIEWERS)
        self._events: dict[int, Event] = store.table(EVENTS)

    async def count(self, event_id: int, viewer: Viewer, now: datetime, window: timedelta) -> bool:
        last = self._viewers.get((event_id, viewer.key))
        if last is not None and last > now - window:
            return False
        self._viewers[(event_id, viewer.key)] = now
        self._events[event_id].view_count += 1
        return True


def _matches(event: Event, search: EventSearch) -> bool:
    visible = (event.status is EventStatus.VALIDATED or search.see_all
               or (search.viewer_id is not None and event.creator_id == search.viewer_id))
    if not visible:
        return False
    if search.status is None:
        if event.ends_at <= search.now:  # without a status, what is not over yet
            return False
    elif event.status_at(search.now) is not search.status:
        return False
    if search.category_id is not None and event.category_id != search.category_id:
        return False
    if search.search:
        needle = search.search.casefold()
        return needle in event.title.casefold() or needle in event.description.casefold()
    return True


class MemoryTicketingReads:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._events: dict[int, Event] = store.table(EVENTS)
        self._participations: dict[int, Participation] = store.table(PARTICIPATIONS)
        self._shares: dict[int, Share] = store.table(SHARES)
        self._viewers: dict[tuple[int, str], datetime] = store.table(VIEWERS)
        self._users: dict[int, Any] = store.table("users")  # identity's accounts, as the SQL side joins them

    def _card(self, event: Event) -> EventCard:
        user = self._users.get(event.creator_id)
        return EventCard(detached(event), user.username if user is not None else "")

    async def events(self, search: EventSearch) -> tuple[list[EventCard], int]:
        found = [e for e in self._events.values() if _matches(e, search)]
        found.sort(key=lambda e: (e.starts_at, e.id), reverse=search.status is EventStatus.FINISHED)
        return [self._card(e) for e in found[search.offset: search.offset + search.limit]], len(found)

    async def event(self, event_id: int) -> EventCard | None:
        found = self._events.get(event_id)
        return self._card(found) if found else None

    async def events_of(self, creator_id: int) -> list[EventCard]:
        mine = [e for e in self._events.values() if e.creator_id == creator_id]
        mine.sort(key=lambda e: (e.created_at, e.id), reverse=True)
        return [self._card(e) for e in mine]

    async def participations_of(self, user_id: int) -> list[tuple[Participation, EventCard]]:
        mine = [p for p in self._participations.values() if p.user_id == user_id and p.event_id in self._events]
        mine.sort(key=lambda p: (p.updated_at, p.id), reverse=True)
        return [(detached(p), self._card(self._events[p.event_id])) for p in mine]

    async def participants(self, event_id: int) -> list[Participant]:
        found = sorted((p for p in self._participations.values() if p.event_id == event_id),
                       key=lambda p: (p.created_at, p.id))
        people = []
        for p in found:
            user = self._users.get(p.user_id)
            people.append(Participant(p.user_id, user.username if user else "", user.photo if user else None,
                                      p.status))
        return people

    async def stats(self, now: datetime) -> EventStats:
        published = [e for e in self._events.values() if e.status is EventStatus.VALIDATED]
        ids = {e.id for e in published}
        return EventStats(
            total_events=len(published), active_events=sum(1 for e in published if e.ends_at > now),
            upcoming_events=sum(1 for e in published if e.starts_at > now),
            total_participants=sum(1 for p in self._participations.values()
                                   if p.event_id in ids and p.status is ParticipationStatus.GOING))

    async def trending(self, now: datetime, limit: int) -> list[tuple[EventCard, float]]:
        scored = []
        for event in self._events.values():
            if event.status_at(now) is not EventStatus.VALIDATED:
                continue
            signals: list[tuple[trending.Signal, datetime]] = [
                (trending.Signal.VIEW, at) for (event_id, _), at in self._viewers.items() if event_id == event.id]
            signals += [(trending.Signal.SHARE, s.created_at) for s in self._shares.values()
                        if s.event_id == event.id]
            signals += [(trending.Signal.GOING if p.status is ParticipationStatus.GOING
                         else trending.Signal.INTERESTED, p.updated_at)
                        for p in self._participations.values() if p.event_id == event.id]
            scored.append((event, trending.score(signals, now)))
        scored.sort(key=lambda item: (-item[1], item[0].starts_at, item[0].id))
        return [(self._card(event), score) for event, score in scored[:limit]]


class NoTicketsSold:
    """Until the sales half answers: no event has tickets sold."""

    async def count_for(self, event_id: int) -> int:
        return 0


class SeatsFromCapacity:
    """Until the sales half answers: every seat of the capacity is left, and there are no ticket types."""

    async def for_events(self, events: Sequence[Event]) -> Mapping[int, Seats]:
        return {event.id: Seats(event.capacity) for event in events if event.id is not None}


class NoRecentSales:
    async def tickets_sold_since(self, since: datetime) -> Mapping[int, int]:
        return {}


class MemoryEventCreationPolicy:
    def __init__(self, store: MemoryStore, config: TicketingConfig) -> None:
        self._users: dict[int, Any] = store.table("users")
        self._config = config

    async def max_events(self, actor: Actor) -> int | None:
        user = self._users.get(actor.user_id)
        return self._config.max_events(actor, user is not None and bool(user.identity_verified))
