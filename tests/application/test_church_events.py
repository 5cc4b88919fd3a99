"""The church events' use cases as the service wires them, on memory adapters: places and the waiting list, the
promotion push, cancellation pushes by the job (once), staff scope by site."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from adapters.memory.church_directory import MemoryChurchDirectory
from adapters.memory.store import FrozenClock, MemoryOutbox, MemoryStore
from application.church_events import services as s
from application.church_events.queries import ChurchEventQueries
from application.church_events.topics import TELL_CANCELLED
from application.notifications.topics import NOTIFY
from domain.church_events.errors import AlreadyRegistered, EventCancelledError, EventNotFound, NotRegistered
from domain.church_events.model import EventDetails, RegistrationStatus
from domain.shared.actor import Actor
from domain.shared.errors import Forbidden
from domain.shared.realm import Realm
from entrypoints.di.container import memory_container
from tests.application.scoped import InScope

ADMIN = Actor(1, Realm.EEBC, frozenset({"admin"}), site="CAB")
SEC_MAC = Actor(2, Realm.EEBC, frozenset({"secretariat"}), site="MAC")
MEMBER = Actor(3, Realm.EEBC, frozenset({"membre"}), site="CAB")


def member(n: int) -> Actor:
    return Actor(100 + n, Realm.EEBC, frozenset({"membre"}), site="CAB")


class Church:
    def __init__(self) -> None:
        self.container = memory_container()
        get = self.container.get_sync
        self.store, self.clock = get(MemoryStore), get(FrozenClock)
        directory = MemoryChurchDirectory(self.store)
        self.cab, self.mac = directory.add_site("CAB", "Cabassou").id, directory.add_site("MAC", "Macouria").id
        self.queries = InScope(self.container, ChurchEventQueries)

    def use(self, use_case: type[Any]) -> Any:
        return InScope(self.container, use_case)

    async def event(self, actor: Actor = ADMIN, site: int | None = None, **changes: Any) -> int:
        fields = {"title": "Culte", "start_date": self.clock.now().date() + timedelta(days=3), **changes}
        details = EventDetails(**fields)
        created = await self.use(s.CreateEvent)(s.CreateEventCommand(actor, site or self.cab, details))
        return int(created.id)

    def notify(self, kind: str) -> list[dict[str, Any]]:
        return [m.payload for m in MemoryOutbox(self.store).messages(NOTIFY) if m.payload["kind"] == kind]


@pytest.fixture
def church() -> Church:
    return Church()


async def test_places_then_waiting_list_then_promotion_with_a_push(church: Church) -> None:
    event_id = await church.event(capacity=2)
    register = church.use(s.Register)
    results = [await register(s.RegisterCommand(member(n), event_id)) for n in range(4)]
    assert [r.registration.status for r in results] == [RegistrationStatus.REGISTERED] * 2 + [
        RegistrationStatus.WAITING] * 2
    assert [r.waiting_position for r in results] == [None, None, 1, 2]
    with pytest.raises(AlreadyRegistered):
        await register(s.RegisterCommand(member(0), event_id))
    await church.use(s.Unregister)(s.EventCommand(member(0), event_id))
    assert [p["user_ids"] for p in church.notify("CHURCH_EVENT_PROMOTED")] == [[member(2).user_id]]
    view = await church.queries.event(member(2), event_id)
    assert view.card.my_status is RegistrationStatus.REGISTERED and view.card.current_participants == 2
    # Leaving the waiting list frees no place: nobody else is promoted.
    await church.use(s.Unregister)(s.EventCommand(member(3), event_id))
    assert len(church.notify("CHURCH_EVENT_PROMOTED")) == 1
    with pytest.raises(NotRegistered):
        await church.use(s.Unregister)(s.EventCommand(member(3), event_id))


async def test_a_cancelled_event_tells_its_registered_people_once(church: Church) -> None:
    event_id = await church.event(capacity=1)
    for n in range(2):
        await church.use(s.Register)(s.RegisterCommand(member(n), event_id))
    await church.use(s.UpdateEvent)(s.UpdateEventCommand(ADMIN, event_id, is_cancelled=True))
    job = [m for m in MemoryOutbox(church.store).messages(TELL_CANCELLED)]
    assert len(job) == 1
    for _ in range(2):  # the job may run twice: same key, the notifications context tells nobody twice
        await church.use(s.TellCancelled)(job[0].payload)
    pushes = church.notify("CHURCH_EVENT_CANCELLED")
    assert [p["user_ids"] for p in pushes] == [[member(0).user_id]] * 2
    assert pushes[0]["key"] == pushes[1]["key"] and pushes[0]["realm"] == "eebc"
    with pytest.raises(EventCancelledError):
        await church.use(s.Register)(s.RegisterCommand(member(5), event_id))


async def test_cancelled_reinstated_and_cancelled_again_tells_them_twice(church: Church) -> None:
    event_id = await church.event(capacity=1)
    await church.use(s.Register)(s.RegisterCommand(member(0), event_id))
    update = church.use(s.UpdateEvent)
    await update(s.UpdateEventCommand(ADMIN, event_id, is_cancelled=True))
    church.clock.advance(hours=1)
    await update(s.UpdateEventCommand(ADMIN, event_id, is_cancelled=False))
    church.clock.advance(hours=1)
    await update(s.UpdateEventCommand(ADMIN, event_id, is_cancelled=True))
    jobs = MemoryOutbox(church.store).messages(TELL_CANCELLED)
    assert len({m.key for m in jobs}) == 2
    for job in jobs:
        await church.use(s.TellCancelled)(job.payload)
    assert len({p["key"] for p in church.notify("CHURCH_EVENT_CANCELLED")}) == 2


async def test_staff_scope_by_site(church: Church) -> None:
    with pytest.raises(Forbidden):
        await church.event(SEC_MAC, church.cab)
    with pytest.raises(Forbidden):
        await church.event(MEMBER, church.cab)
    cab_event = await church.event(ADMIN, church.cab)
    with pytest.raises(EventNotFound):
        await church.use(s.UpdateEvent)(s.UpdateEventCommand(SEC_MAC, cab_event, {"title": "X"}))
    with pytest.raises(EventNotFound):
        await church.queries.registrations(SEC_MAC, cab_event)
    mac_event = await church.event(SEC_MAC, church.mac)
    changed = await church.use(s.UpdateEvent)(s.UpdateEventCommand(SEC_MAC, mac_event, {"title": "Réunion"}))
    assert changed.title == "Réunion"


async def test_the_list_shows_upcoming_events_unless_dates_are_given(church: Church) -> None:
    await church.event(title="Bientôt")
    past = EventDetails(title="Passé", start_date=church.clock.now().date() - timedelta(days=3))
    await church.use(s.CreateEvent)(s.CreateEventCommand(ADMIN, church.mac, past))
    found = await church.queries.events(MEMBER)
    assert [c.event.title for c in found.cards] == ["Bientôt"] and found.sites[church.cab].code == "CAB"
    dated = await church.queries.events(MEMBER, start_date=past.start_date, end_date=past.start_date)
    assert [c.event.title for c in dated.cards] == ["Passé"]
