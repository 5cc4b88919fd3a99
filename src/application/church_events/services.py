"""The church events' use cases: staff create, edit (cancel), delete events; accounts register and unregister;
a job tells the registered people of a cancelled event.

Registrations of one event are serialised by the event's row lock (`get_for_update`), taken first in each use
case that counts places: the count, the new row and a promotion from the waiting list happen under it, in one
transaction, so the capacity is never exceeded and a freed place goes to exactly one waiting person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from application.church_events.ports import CancellationPushes, ChurchEventRepository, RegistrationRepository
from application.shared.church import ChurchDirectory, SiteRef
from application.shared.ports import Clock, UnitOfWork
from domain.church_events.errors import AlreadyRegistered, EventNotFound, HasRegistrations, NotRegistered
from domain.church_events.model import ChurchEvent, EventDetails, Registration, RegistrationStatus, changed
from domain.church_events.permissions import MANAGE_EVENTS, SEE_EVENTS, manages_every_site
from domain.shared.actor import Actor
from domain.shared.errors import Forbidden, InvalidInput

ZONE = ZoneInfo("America/Cayenne")
BATCH = 1000


def today_at_church(now: datetime) -> date:
    """The day it is on the church's sites (French Guiana)."""
    return now.astimezone(ZONE).date()


def may_manage(actor: Actor, site_id: int, site_code: str | None) -> bool:
    """admin / pasteur: every site; the other managing roles: their own site."""
    return MANAGE_EVENTS.allows(actor) and (manages_every_site(actor) or (
        site_code is not None and actor.site is not None and actor.site.upper() == site_code.upper()))


async def managed(events: ChurchEventRepository, directory: ChurchDirectory, event_id: int,
                  actor: Actor) -> ChurchEvent:
    """The event, locked, if the actor manages its site: 403 without the right, 404 for another site's event."""
    MANAGE_EVENTS.check(actor)
    event = await events.get_for_update(event_id)
    if event is None:
        raise EventNotFound()
    await managed_site(directory, event, actor)
    return event


async def managed_site(directory: ChurchDirectory, event: ChurchEvent, actor: Actor) -> SiteRef | None:
    """The event's site if the actor manages it; another site's event is NotFound."""
    site = await directory.site(event.site_id)
    if not may_manage(actor, event.site_id, site.code if site else None):
        raise EventNotFound()
    return site


async def promote(event: ChurchEvent, registrations: RegistrationRepository, now: datetime) -> int:
    """Fills the free places from the waiting list (the event is locked); how many were promoted."""
    free = event.free_places(await registrations.count_registered(event.id or 0))
    if free is None:  # unlimited: nobody waits any longer
        free = BATCH
    promoted = 0
    while free > 0:
        waiting = await registrations.first_waiting(event.id or 0, min(free, BATCH))
        if not waiting:
            break
        for registration in waiting:
            event.promoted(registration, now)
            await registrations.save(registration)
        promoted += len(waiting)
        free -= len(waiting)
    return promoted


@dataclass(frozen=True)
class CreateEventCommand:
    actor: Actor
    site_id: int
    details: EventDetails


class CreateEvent:
    def __init__(self, events: ChurchEventRepository, directory: ChurchDirectory, uow: UnitOfWork,
                 clock: Clock) -> None:
        self._events = events
        self._directory = directory
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: CreateEventCommand) -> ChurchEvent:
        MANAGE_EVENTS.check(cmd.actor)
        site = await self._directory.site(cmd.site_id)
        if site is None:
            raise InvalidInput.on_field("site", "Site inconnu")
        if not may_manage(cmd.actor, site.id, site.code):
            raise Forbidden("Vous ne gérez que les événements de votre site")
        event = ChurchEvent.create(site.id, cmd.details, cmd.actor.user_id, self._clock.now())
        await self._events.add(event)
        await self._uow.commit()
        return event


@dataclass(frozen=True)
class UpdateEventCommand:
    """`changes` holds only the fields sent, by EventDetails' names; `site_id` moves it; `is_cancelled` cancels
    it (its registered people are told) or reinstates it."""

    actor: Actor
    event_id: int
    changes: Mapping[str, Any] = field(default_factory=dict)
    site_id: int | None = None
    is_cancelled: bool | None = None


class UpdateEvent:
    def __init__(self, events: ChurchEventRepository, registrations: RegistrationRepository,
                 directory: ChurchDirectory, uow: UnitOfWork, clock: Clock) -> None:
        self._events = events
        self._registrations = registrations
        self._directory = directory
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: UpdateEventCommand) -> ChurchEvent:
        event = await managed(self._events, self._directory, cmd.event_id, cmd.actor)
        now = self._clock.now()
        if cmd.site_id is not None and cmd.site_id != event.site_id:
            site = await self._directory.site(cmd.site_id)
            if site is None:
                raise InvalidInput.on_field("site", "Site inconnu")
            if not may_manage(cmd.actor, site.id, site.code):
                raise Forbidden("Vous ne gérez que les événements de votre site")
            event.site_id = site.id
        event.edit(changed(event.details, **cmd.changes), now)
        if cmd.is_cancelled is True:
            event.cancel(now)
        elif cmd.is_cancelled is False and event.is_cancelled:
            event.reinstate(now)
        if not event.is_cancelled:  # a larger capacity lets the waiting in
            await promote(event, self._registrations, now)
        await self._events.save(event)
        await self._uow.commit()
        return event


@dataclass(frozen=True)
class EventCommand:
    actor: Actor
    event_id: int


class DeleteEvent:
    """Only an event nobody registered to may go; one with registrations is cancelled instead (they are told)."""

    def __init__(self, events: ChurchEventRepository, registrations: RegistrationRepository,
                 directory: ChurchDirectory, uow: UnitOfWork) -> None:
        self._events = events
        self._registrations = registrations
        self._directory = directory
        self._uow = uow

    async def __call__(self, cmd: EventCommand) -> None:
        event = await managed(self._events, self._directory, cmd.event_id, cmd.actor)
        count = await self._registrations.count(cmd.event_id)
        if count:
            raise HasRegistrations(count)
        await self._events.delete(event)
        await self._uow.commit()


@dataclass(frozen=True)
class RegisterCommand:
    actor: Actor
    event_id: int
    notes: str = ""


@dataclass(frozen=True)
class Registered:
    registration: Registration
    waiting_position: int | None  # None: registered


class Register:
    """A place if one is free, else the waiting list (capacity None: always a place). Twice: AlreadyRegistered."""

    def __init__(self, events: ChurchEventRepository, registrations: RegistrationRepository, uow: UnitOfWork,
                 clock: Clock) -> None:
        self._events = events
        self._registrations = registrations
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: RegisterCommand) -> Registered:
        SEE_EVENTS.check(cmd.actor)
        notes = Registration.check_notes(cmd.notes)
        event = await self._events.get_for_update(cmd.event_id)
        if event is None:
            raise EventNotFound()
        now = self._clock.now()
        event.check_open(today_at_church(now))
        if await self._registrations.of_user(cmd.event_id, cmd.actor.user_id) is not None:
            raise AlreadyRegistered()
        status = event.status_for_new(await self._registrations.count_registered(cmd.event_id))
        registration = await self._registrations.add(Registration(
            event_id=cmd.event_id, user_id=cmd.actor.user_id, status=status, registered_at=now, notes=notes))
        position = None
        if status is RegistrationStatus.WAITING:
            position = await self._registrations.waiting_position(registration)
        await self._uow.commit()
        return Registered(registration, position)


class Unregister:
    """Frees the caller's place (or leaves the waiting list); a freed place goes to the first waiting person, who
    is told by a push (RegistrationPromoted)."""

    def __init__(self, events: ChurchEventRepository, registrations: RegistrationRepository, uow: UnitOfWork,
                 clock: Clock) -> None:
        self._events = events
        self._registrations = registrations
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: EventCommand) -> None:
        SEE_EVENTS.check(cmd.actor)
        event = await self._events.get_for_update(cmd.event_id)
        if event is None:
            raise EventNotFound()
        registration = await self._registrations.of_user(cmd.event_id, cmd.actor.user_id)
        if registration is None:
            raise NotRegistered()
        await self._registrations.delete(registration)
        if registration.status is RegistrationStatus.REGISTERED and not event.is_cancelled:
            await promote(event, self._registrations, self._clock.now())
        await self._events.save(event)
        await self._uow.commit()


class TellCancelled:
    """Job (payload of ChurchEventCancelled): a push to each registered person, in `notify` batches of at most
    1000 accounts, all under the event's key, so a second run tells nobody twice."""

    def __init__(self, registrations: RegistrationRepository, pushes: CancellationPushes) -> None:
        self._registrations = registrations
        self._pushes = pushes

    async def __call__(self, payload: dict[str, Any]) -> None:
        event_id = int(payload["event_id"])
        data = {"event_id": event_id, "title": payload["title"], "start_date": payload["start_date"]}
        key = f"church_event:{event_id}:{payload['start_date']}:cancelled:{payload.get('cancelled_at', '')}"
        after = 0
        while batch := await self._registrations.registered_user_ids(event_id, after, BATCH):
            after = batch[-1][0]
            self._pushes.tell_cancelled([user for _, user in batch],
                                        key,
                                        data)
