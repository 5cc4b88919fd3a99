"""Memory adapters of the agenda: its events, feeds and reminders sent over a MemoryStore, and the town's accounts
as the identity memory adapters keep them (table "users")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from adapters.memory.store import MemoryStore, detached
from application.agenda.ports import FeedKind, Person
from domain.agenda.model import Event
from domain.shared.actor import Actor
from domain.shared.realm import Realm

EVENTS = "agenda_events"


class MemoryAgendaEvents:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._rows: dict[int, Event] = store.table(EVENTS)

    async def add(self, event: Event) -> Event:
        event.id = self._store.next_id(EVENTS)
        self._rows[event.id] = self._store.keep(event)
        return event

    async def get(self, event_id: int) -> Event | None:
        found = self._rows.get(event_id)
        return detached(found) if found else None

    async def get_for_update(self, event_id: int) -> Event | None:
        return await self.get(event_id)

    async def save(self, event: Event) -> None:
        assert event.id is not None, "an event is added before it is saved"
        self._rows[event.id] = self._store.keep(event)

    async def delete(self, event: Event) -> None:
        self._rows.pop(event.id or 0, None)

    async def in_window(self, municipality_id: int, start: datetime, end: datetime) -> list[Event]:
        return [detached(event) for event in self._rows.values()
                if event.municipality_id == municipality_id and event.starts_at < end
                and (event.rrule is not None or event.ends_at > start)]

    async def with_reminders(self, after: datetime, before: datetime) -> list[Event]:
        return [detached(event) for _, event in sorted(self._rows.items())
                if event.reminders and event.starts_at <= before and (event.rrule is not None
                                                                       or event.starts_at > after)]


class MemoryAgendaFeeds:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[tuple[FeedKind, int], tuple[int, str]] = store.table("agenda_feeds")

    async def generation(self, kind: FeedKind, owner_id: int) -> int | None:
        found = self._rows.get((kind, owner_id))
        return None if found is None else found[0]

    async def set(self, kind: FeedKind, owner_id: int, generation: int, digest: str) -> None:
        self._rows[(kind, owner_id)] = (generation, digest)

    async def owner_of(self, digest: str) -> tuple[FeedKind, int] | None:
        return next((owner for owner, (_, known) in self._rows.items() if known == digest), None)


class MemorySentReminders:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[tuple[int, str, int], datetime] = store.table("agenda_reminders_sent")

    async def claim(self, event_id: int, occurrence: str, minutes: int, at: datetime) -> bool:
        if (event_id, occurrence, minutes) in self._rows:
            return False
        self._rows[(event_id, occurrence, minutes)] = at
        return True


class MemoryAccountActors:
    def __init__(self, store: MemoryStore) -> None:
        self._users = store.table("users")

    async def actor_of(self, user_id: int) -> Actor | None:
        user = self._users.get(user_id)
        if user is None or user.realm is not Realm.MAIRIE or not user.is_active:
            return None
        return Actor(user_id=user_id, realm=Realm.MAIRIE, roles=frozenset(user.roles),
                     municipality_id=user.municipality_id)


class MemoryTownPeople:
    def __init__(self, store: MemoryStore) -> None:
        self._users = store.table("users")

    async def of_town(self, municipality_id: int, user_ids: Sequence[int]) -> dict[int, Person]:
        found = {}
        for user_id in user_ids:
            user = self._users.get(user_id)
            if user is not None and user.municipality_id == municipality_id:
                roles = list(user.roles)
                found[user_id] = Person(user_id, f"{user.first_name} {user.last_name}".strip() or user.username,
                                        roles[0] if roles else "")
        return found
