"""EEBC events on the wire (spec "Événements"): event cards, registrations, the staff bodies and answers."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from application.church_events.ports import EventCard, RegistrationRow
from application.church_events.queries import EventRegistrations
from application.church_events.services import Registered
from application.shared.church import SiteRef
from domain.church_events.model import MAX_CAPACITY, MAX_DESCRIPTION, MAX_LOCATION, MAX_NOTES, MAX_TITLE, Registration
from domain.shared.ids import MAX_ID

SiteId = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
Capacity = Annotated[int, msgspec.Meta(ge=1, le=MAX_CAPACITY)]
Color = Annotated[str, msgspec.Meta(pattern="^#[0-9a-fA-F]{6}$")]
Title = Annotated[str, msgspec.Meta(max_length=MAX_TITLE)]
Location = Annotated[str, msgspec.Meta(max_length=MAX_LOCATION)]
Description = Annotated[str, msgspec.Meta(max_length=MAX_DESCRIPTION)]
Notes = Annotated[str, msgspec.Meta(max_length=MAX_NOTES)]

# Command field -> wire field, where they differ.
EVENT_FIELDS = {"site_id": "site"}


class Site(msgspec.Struct):
    id: int
    code: str
    name: str


class EventOut(msgspec.Struct):
    """The spec's event, plus `capacity` (null: unlimited) and `registration_status` (the caller's:
    "registered", "waiting" or null)."""

    id: int
    title: str
    description: str
    start_date: date
    start_time: time | None
    end_date: date | None
    end_time: time | None
    location: str
    all_day: bool
    is_cancelled: bool
    color: str
    site: Site | None
    is_user_registered: bool
    current_participants: int
    capacity: int | None
    registration_status: str | None


class EventPage(msgspec.Struct):
    count: int
    next: str | None
    previous: str | None
    results: list[EventOut]


class RegisterBody(msgspec.Struct, forbid_unknown_fields=False):
    notes: Notes = ""


class RegistrationOut(msgspec.Struct):
    """The spec's registration, plus `status` ("registered" or "waiting") and `waiting_position` (null when
    registered)."""

    id: int
    event: int
    user: int
    registered_at: datetime
    notes: str
    status: str
    waiting_position: int | None


class RegisteredOk(msgspec.Struct, kw_only=True):
    success: bool = True
    message: str
    data: RegistrationOut


class Message(msgspec.Struct, kw_only=True):
    success: bool = True
    message: str


class EventBody(msgspec.Struct, forbid_unknown_fields=True):
    """Staff: create (title, start_date and site required) or change (only the fields sent) an event."""

    title: Title | UnsetType = UNSET
    description: Description | UnsetType = UNSET
    start_date: date | UnsetType = UNSET
    start_time: time | UnsetType | None = UNSET
    end_date: date | UnsetType | None = UNSET
    end_time: time | UnsetType | None = UNSET
    location: Location | UnsetType = UNSET
    all_day: bool | UnsetType = UNSET
    color: Color | UnsetType = UNSET
    capacity: Capacity | UnsetType | None = UNSET
    site: SiteId | UnsetType = UNSET
    is_cancelled: bool | UnsetType = UNSET

    def changes(self) -> dict[str, Any]:
        """The event's details sent, by EventDetails' names."""
        names = ("title", "description", "start_date", "start_time", "end_date", "end_time", "location",
                 "all_day", "color", "capacity")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not UNSET}


class EventOk(msgspec.Struct, kw_only=True):
    success: bool = True
    message: str | UnsetType = UNSET
    data: EventOut


class RegistrationEntry(msgspec.Struct):
    id: int
    user: int
    username: str
    first_name: str
    last_name: str
    email: str
    status: Literal["registered", "waiting"]
    registered_at: datetime
    promoted_at: datetime | None
    notes: str
    waiting_position: int | None


class EventRegistrationsData(msgspec.Struct):
    event: EventOut
    capacity: int | None
    registered_count: int
    waiting_count: int
    registrations: list[RegistrationEntry]
    waiting_list: list[RegistrationEntry]


class EventRegistrationsOk(msgspec.Struct, kw_only=True):
    success: bool = True
    data: EventRegistrationsData


def site_block(site: SiteRef | None) -> Site | None:
    return Site(site.id, site.code, site.name) if site else None


def event_out(card: EventCard, site: SiteRef | None) -> EventOut:
    event = card.event
    assert event.id is not None
    status = card.my_status.value if card.my_status else None
    return EventOut(
        id=event.id, title=event.title, description=event.description, start_date=event.start_date,
        start_time=event.start_time, end_date=event.end_date, end_time=event.end_time, location=event.location,
        all_day=event.all_day, is_cancelled=event.is_cancelled, color=event.color, site=site_block(site),
        is_user_registered=status == "registered", current_participants=card.current_participants,
        capacity=event.capacity, registration_status=status)


def registration_out(registration: Registration, position: int | None) -> RegistrationOut:
    assert registration.id is not None
    return RegistrationOut(id=registration.id, event=registration.event_id, user=registration.user_id,
                           registered_at=registration.registered_at, notes=registration.notes,
                           status=registration.status.value, waiting_position=position)


def registered(result: Registered) -> RegisteredOk:
    message = "Inscription réussie" if result.waiting_position is None else "Ajouté à la liste d'attente"
    return RegisteredOk(message=message, data=registration_out(result.registration, result.waiting_position))


def _entry(row: RegistrationRow, position: int | None) -> RegistrationEntry:
    r = row.registration
    assert r.id is not None
    return RegistrationEntry(id=r.id, user=r.user_id, username=row.username, first_name=row.first_name,
                             last_name=row.last_name, email=row.email, status=r.status.value,
                             registered_at=r.registered_at, promoted_at=r.promoted_at, notes=r.notes,
                             waiting_position=position)


def registrations(found: EventRegistrations) -> EventRegistrationsOk:
    return EventRegistrationsOk(data=EventRegistrationsData(
        event=event_out(found.view.card, found.view.site), capacity=found.view.card.event.capacity,
        registered_count=len(found.registered), waiting_count=len(found.waiting),
        registrations=[_entry(row, None) for row in found.registered],
        waiting_list=[_entry(row, n) for n, row in enumerate(found.waiting, start=1)]))
