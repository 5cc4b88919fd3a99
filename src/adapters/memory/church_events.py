"""The church events in memory: repositories and read side over a MemoryStore (the reference of the SQL ones)."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.memory.store import MemoryStore, detached
from application.church_events.ports import EventCard, EventFilter, RegistrationRow
from domain.church_events.errors import AlreadyRegistered
from domain.church_events.model import ChurchEvent, Registration, RegistrationStatus

EVENTS, REGISTRATIONS = "church_events_events", "church_events_registrations"
REGISTERED, WAITING = RegistrationStatus.REGISTERED, RegistrationStatus.WAITING


class MemoryChurchEventRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._rows: dict[int, ChurchEvent] = store.table(EVENTS)

    async def add(self, event: ChurchEvent) -> ChurchEvent:
        event.id = self._store.next_id(EVENTS)
        self._rows[event.id] = self._store.keep(event)
        return event

    async def get_for_update(self, event_id: int) -> ChurchEvent | None:
        found = self._rows.get(event_id)
        return detached(found) if found else None

    async def save(self, event: ChurchEvent) -> None:
        assert event.id is not None
        self._rows[event.id] = self._store.keep(event)

    async def delete(self, event: ChurchEvent) -> None:
        self._rows.pop(event.id or 0, None)
        table = self._store.table(REGISTRATIONS)
        for key in [k for k, r in table.items() if r.event_id == event.id]:
            del table[key]


def _order(registration: Registration) -> tuple[object, int]:
    return registration.registered_at, registration.id or 0


class MemoryRegistrationRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._rows: dict[int, Registration] = store.table(REGISTRATIONS)

    def _of(self, event_id: int, status: RegistrationStatus | None = None) -> list[Registration]:
        return sorted((r for r in self._rows.values()
                       if r.event_id == event_id and (status is None or r.status is status)), key=_order)

    async def of_user(self, event_id: int, user_id: int) -> Registration | None:
        return next((detached(r) for r in self._of(event_id) if r.user_id == user_id), None)

    async def count_registered(self, event_id: int) -> int:
        return len(self._of(event_id, REGISTERED))

    async def count(self, event_id: int) -> int:
        return len(self._of(event_id))

    async def first_waiting(self, event_id: int, limit: int) -> list[Registration]:
        return [detached(r) for r in self._of(event_id, WAITING)[:limit]]

    async def waiting_position(self, registration: Registration) -> int:
        return 1 + sum(1 for r in self._of(registration.event_id, WAITING) if _order(r) < _order(registration))

    async def add(self, registration: Registration) -> Registration:
        if await self.of_user(registration.event_id, registration.user_id) is not None:
            raise AlreadyRegistered()
        registration.id = self._store.next_id(REGISTRATIONS)
        self._rows[registration.id] = detached(registration)
        return registration

    async def save(self, registration: Registration) -> None:
        assert registration.id is not None
        self._rows[registration.id] = detached(registration)

    async def delete(self, registration: Registration) -> None:
        self._rows.pop(registration.id or 0, None)

    async def registered_user_ids(self, event_id: int, after_id: int, limit: int) -> list[tuple[int, int]]:
        found = sorted((r.id or 0, r.user_id) for r in self._of(event_id, REGISTERED) if (r.id or 0) > after_id)
        return found[:limit]


class MemoryChurchEventReads:
    """Accounts are not in the store: a registration row shows the user id as its username."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def _card(self, event: ChurchEvent, reader_id: int) -> EventCard:
        regs = [r for r in self._store.table(REGISTRATIONS).values() if r.event_id == event.id]
        mine = next((r.status for r in regs if r.user_id == reader_id), None)
        return EventCard(detached(event), sum(1 for r in regs if r.status is REGISTERED), mine)

    def _matches(self, event: ChurchEvent, wanted: EventFilter) -> bool:
        last_day = event.end_date or event.start_date
        text = wanted.search.lower() if wanted.search else None
        mine = wanted.registered_user_id
        return ((wanted.today is None or last_day >= wanted.today)
                and (wanted.start_date is None or last_day >= wanted.start_date)
                and (wanted.end_date is None or event.start_date <= wanted.end_date)
                and (wanted.site_id is None or event.site_id == wanted.site_id)
                and (text is None or text in event.title.lower() or text in event.description.lower())
                and (mine is None or any(r.event_id == event.id and r.user_id == mine
                                         for r in self._store.table(REGISTRATIONS).values())))

    async def page(self, wanted: EventFilter, reader_id: int, limit: int, offset: int
                   ) -> tuple[int, list[EventCard]]:
        found = sorted((e for e in self._store.table(EVENTS).values() if self._matches(e, wanted)),
                       key=lambda e: (e.start_date, e.start_time is not None, e.start_time or 0, e.id))
        return len(found), [self._card(e, reader_id) for e in found[offset:offset + limit]]

    async def card(self, event_id: int, reader_id: int) -> EventCard | None:
        event = self._store.table(EVENTS).get(event_id)
        return self._card(event, reader_id) if event else None

    async def registrations(self, event_id: int) -> Sequence[RegistrationRow]:
        regs = sorted((r for r in self._store.table(REGISTRATIONS).values() if r.event_id == event_id), key=_order)
        return [RegistrationRow(detached(r), str(r.user_id), "", "", "") for r in regs]
