"""What the agenda needs: its storage, the expansion of recurrence rules, and the names of a town's accounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.agenda.model import Event


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
