"""What the church events' use cases and queries need from persistence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from domain.church_events.model import ChurchEvent, Registration, RegistrationStatus


class ChurchEventRepository(Protocol):
    async def add(self, event: ChurchEvent) -> ChurchEvent: ...

    async def get_for_update(self, event_id: int) -> ChurchEvent | None:
        """The event with its row locked until the commit: registrations of one event queue on it."""
        ...

    async def save(self, event: ChurchEvent) -> None: ...

    async def delete(self, event: ChurchEvent) -> None: ...


class RegistrationRepository(Protocol):
    async def of_user(self, event_id: int, user_id: int) -> Registration | None: ...

    async def count_registered(self, event_id: int) -> int: ...

    async def count(self, event_id: int) -> int:
        """Registered and waiting."""
        ...

    async def first_waiting(self, event_id: int, limit: int) -> list[Registration]:
        """The oldest waiting registrations first."""
        ...

    async def waiting_position(self, registration: Registration) -> int:
        """1 for the first of the waiting list."""
        ...

    async def add(self, registration: Registration) -> Registration:
        """Raises AlreadyRegistered when the account is registered (or waiting) already."""
        ...

    async def save(self, registration: Registration) -> None: ...

    async def delete(self, registration: Registration) -> None: ...

    async def registered_user_ids(self, event_id: int, after_id: int, limit: int) -> list[tuple[int, int]]:
        """(registration id, user id) of the registered (not waiting) people, by registration id, after `after_id`."""
        ...


@dataclass(frozen=True)
class EventFilter:
    search: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    site_id: int | None = None
    today: date | None = None  # without dates: the events whose last day is today or later
    registered_user_id: int | None = None  # only the events this account is registered to (or waiting for)


@dataclass(frozen=True)
class EventCard:
    event: ChurchEvent
    current_participants: int
    my_status: RegistrationStatus | None  # the reader's registration


@dataclass(frozen=True)
class RegistrationRow:
    registration: Registration
    username: str
    first_name: str
    last_name: str
    email: str


class ChurchEventReads(Protocol):
    async def page(self, wanted: EventFilter, reader_id: int, limit: int, offset: int
                   ) -> tuple[int, list[EventCard]]:
        """The total count and one page, by start date and time."""
        ...

    async def card(self, event_id: int, reader_id: int) -> EventCard | None: ...

    async def registrations(self, event_id: int) -> Sequence[RegistrationRow]:
        """Registered then waiting, each oldest first."""
        ...


class CancellationPushes(Protocol):
    def tell_cancelled(self, user_ids: Sequence[int], key: str, data: Mapping[str, Any]) -> None:
        """A push to these accounts that the event is cancelled (in the outbox, committed with the job)."""
        ...
