"""What the events catalogue needs: its storage and read side, and what other parts tell it (tickets sold,
seats left, recent sales, how many events an organiser may create)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from domain.shared.actor import Actor
from domain.shared.money import Money
from domain.ticketing.model import Event, EventStatus, Participation, ParticipationStatus, Share, Viewer

# ---------------------------------------------------------------- storage (unit of work)


class EventRepository(Protocol):
    async def add(self, event: Event) -> Event:
        """Stores a new event and gives it its id."""
        ...

    async def get_for_update(self, event_id: int) -> Event | None:
        """Loads the event and holds it against concurrent writers until the transaction ends."""
        ...

    async def many_for_update(self, event_ids: Sequence[int]) -> list[Event]:
        """The events among `event_ids` that exist, held until the transaction ends, in id order."""
        ...

    async def save(self, event: Event) -> None: ...

    async def delete(self, event: Event) -> None:
        """Removes the event with its participations, shares and views."""
        ...

    async def count_by_creator(self, creator_id: int) -> int: ...


class ParticipationRepository(Protocol):
    async def get(self, event_id: int, user_id: int) -> Participation | None: ...

    async def add(self, participation: Participation) -> Participation:
        """Conflict when the account already has a participation in the event."""
        ...

    async def save(self, participation: Participation) -> None: ...

    async def delete(self, participation: Participation) -> None: ...


class ShareRepository(Protocol):
    async def add(self, share: Share) -> Share:
        """Stores the share and adds one to its event's share count, in the database, in one statement."""
        ...


class ViewCounter(Protocol):
    async def count(self, event_id: int, viewer: Viewer, now: datetime, window: timedelta) -> bool:
        """Adds one view to the event unless this viewer was counted for it within `window` before `now`, and
        keeps it (no unit of work: one statement); concurrent looks of one viewer count once. True when counted."""
        ...


# ---------------------------------------------------------------- read side


@dataclass(frozen=True)
class EventCard:
    """An event as screens show it: the (detached) entity and its creator's username."""

    event: Event
    creator_username: str


@dataclass(frozen=True)
class EventSearch:
    now: datetime
    viewer_id: int | None  # also sees their own events in any status
    see_all: bool  # sees every event in any status
    search: str | None = None
    category_id: int | None = None
    status: EventStatus | None = None  # as shown: TERMINE is a validated event that is over
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class Participant:
    user_id: int
    username: str
    photo: str | None
    status: ParticipationStatus


@dataclass(frozen=True)
class EventStats:
    total_events: int  # published: validated, over or not
    active_events: int  # validated and not over
    upcoming_events: int  # validated and not started
    total_participants: int  # PARTICIPE participations in published events


class TicketingReads(Protocol):
    """The catalogue's screens, each in one round trip, from committed data; nothing here is saved."""

    async def events(self, search: EventSearch) -> tuple[list[EventCard], int]:
        """A page and the total count of events matching `search`, by start (TERMINE: latest first). Without a
        status, the events not over yet."""
        ...

    async def event(self, event_id: int) -> EventCard | None: ...

    async def events_of(self, creator_id: int) -> list[EventCard]:
        """Newest first."""
        ...

    async def participations_of(self, user_id: int) -> list[tuple[Participation, EventCard]]:
        """Latest change first."""
        ...

    async def participants(self, event_id: int) -> list[Participant]:
        """Oldest first."""
        ...

    async def stats(self, now: datetime) -> EventStats: ...

    async def trending(self, now: datetime, limit: int) -> list[tuple[EventCard, float]]:
        """Events validated and not over with their interest score (domain/ticketing/trending.py, sales left
        out), highest first."""
        ...


# ---------------------------------------------------------------- what the rest of the system tells us


class SoldTickets(Protocol):
    """Filled by the sales half; the default answers 0."""

    async def count_for(self, event_id: int) -> int:
        """Tickets of the event paid for (and not refunded)."""
        ...


@dataclass(frozen=True)
class TicketTypeInfo:
    id: int | None  # None: the event's implicit type, not created yet (a purchase without a type buys it)
    name: str
    price: Money
    quota: int | None
    available: int | None


@dataclass(frozen=True)
class Seats:
    remaining: int | None  # None: unlimited
    ticket_types: tuple[TicketTypeInfo, ...] = ()


class Availability(Protocol):
    """Seats left and ticket types per event. The default knows the capacity alone; the sales half plugs the
    real one (capacity - sold - held, and the event's ticket types)."""

    async def for_events(self, events: Sequence[Event]) -> Mapping[int, Seats]: ...


class RecentSales(Protocol):
    async def tickets_sold_since(self, since: datetime) -> Mapping[int, int]:
        """Event id -> tickets sold since then (events without sales may be left out)."""
        ...


class EventCreationPolicy(Protocol):
    async def max_events(self, actor: Actor) -> int | None:
        """How many events the actor may have in all; None: no limit. Subscription plans plug in here."""
        ...
