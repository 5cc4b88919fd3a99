"""What the agenda needs: its storage, the expansion of recurrence rules, and the names of a town's accounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from domain.agenda.model import Event
from domain.shared.actor import Actor


class EventRepository(Protocol):
    async def add(self, event: Event) -> Event:
        """Stores a new event and gives it its id."""
        ...

    async def get(self, event_id: int) -> Event | None: ...

    async def get_for_update(self, event_id: int) -> Event | None:
        """Loads the event and holds it against concurrent writers until the transaction ends."""
        ...

    async def save(self, event: Event) -> None: ...

    async def delete(self, event: Event) -> None: ...

    async def in_window(self, municipality_id: int, start: datetime, end: datetime) -> list[Event]:
        """The town's single events overlapping [start, end) and its series that began before `end`."""
        ...

    async def with_reminders(self, after: datetime, before: datetime) -> list[Event]:
        """Of every town, the events with reminders that may have an occurrence starting in (after, before]:
        single events starting then, series that began before `before`."""
        ...


class RecurrenceRules(Protocol):
    """RFC 5545 RRULE expansion (a library's, in an adapter)."""

    def problem(self, rule: str, start: datetime) -> str | None:
        """Why the rule cannot be read, in French; None when it can."""
        ...

    def starts(self, rule: str, series_start: datetime, after: datetime, before: datetime,
               limit: int) -> list[datetime]:
        """The occurrence starts s with after <= s < before, in order, at most `limit` of them."""
        ...


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    role: str


class TownPeople(Protocol):
    async def of_town(self, municipality_id: int, user_ids: Sequence[int]) -> dict[int, Person]:
        """The accounts among `user_ids` that belong to the town (others are missing from the answer)."""
        ...


class FeedKind(StrEnum):
    TOWN = "town"  # the town's public events
    USER = "user"  # what one account sees in its agenda


class FeedStore(Protocol):
    """The secret ICS feeds: per owner, the generation of its current token and that token's digest."""

    async def generation(self, kind: FeedKind, owner_id: int) -> int | None: ...

    async def set(self, kind: FeedKind, owner_id: int, generation: int, digest: str) -> None:
        """The owner's token is now this generation's (the previous one no longer matches)."""
        ...

    async def owner_of(self, digest: str) -> tuple[FeedKind, int] | None: ...


class AccountActors(Protocol):
    async def actor_of(self, user_id: int) -> Actor | None:
        """The town-hall account as it acts (roles, town), None when it is gone or deactivated."""
        ...


class SentReminders(Protocol):
    async def claim(self, event_id: int, occurrence: str, minutes: int, at: datetime) -> bool:
        """Records that this reminder goes out; False when it already went (by this run or another)."""
        ...
