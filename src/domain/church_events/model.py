"""A church event (a service, a camp, a meeting) of one site, and the registrations of accounts to it.

Registration: `capacity` None is unlimited; when the registered places are all taken, a new registration waits
(status WAITING) and the first waiting one (oldest first) takes a place that frees. The use cases hold the
event's row lock while they count, so the rule below is applied to a stable picture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from domain.church_events.errors import EventCancelledError, EventInvalid, EventOver
from domain.church_events.events import ChurchEventCancelled, RegistrationPromoted
from domain.shared.events import RecordsEvents

MAX_TITLE, MAX_LOCATION, MAX_DESCRIPTION, MAX_NOTES = 200, 200, 5000, 1000
MAX_CAPACITY = 100_000
DEFAULT_COLOR = "#0d6efd"
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


class RegistrationStatus(StrEnum):
    REGISTERED = "registered"
    WAITING = "waiting"


@dataclass(frozen=True)
class EventDetails:
    """What staff write about an event; `problems()` names the wrong fields (by these names)."""

    title: str
    start_date: date
    description: str = ""
    start_time: time | None = None
    end_date: date | None = None
    end_time: time | None = None
    location: str = ""
    all_day: bool = False
    color: str = DEFAULT_COLOR
    capacity: int | None = None

    def problems(self) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}

        def add(name: str, message: str) -> None:
            errors.setdefault(name, []).append(message)

        if not self.title.strip():
            add("title", "Ce champ est requis")
        for name, limit in (("title", MAX_TITLE), ("location", MAX_LOCATION), ("description", MAX_DESCRIPTION)):
            if len(getattr(self, name)) > limit:
                add(name, f"{limit} caractères au plus")
        if not COLOR.match(self.color):
            add("color", "Une couleur s'écrit #RRGGBB")
        if self.capacity is not None and not 1 <= self.capacity <= MAX_CAPACITY:
            add("capacity", f"Entre 1 et {MAX_CAPACITY} places (vide : illimité)")
        if self.end_date is not None and self.end_date < self.start_date:
            add("end_date", "La fin ne peut pas précéder le début")
        elif ((self.end_date is None or self.end_date == self.start_date) and self.start_time and self.end_time
              and self.end_time < self.start_time):
            add("end_time", "La fin ne peut pas précéder le début")
        return errors

    @property
    def last_day(self) -> date:
        return self.end_date or self.start_date


def changed(details: EventDetails, **changes: Any) -> EventDetails:
    known = {f.name for f in fields(EventDetails)}
    return replace(details, **{k: v for k, v in changes.items() if k in known})


@dataclass(eq=False)
class ChurchEvent(RecordsEvents):
    site_id: int
    title: str
    start_date: date
    created_at: datetime
    updated_at: datetime
    created_by: int | None = None
    description: str = ""
    start_time: time | None = None
    end_date: date | None = None
    end_time: time | None = None
    location: str = ""
    all_day: bool = False
    color: str = DEFAULT_COLOR
    capacity: int | None = None
    is_cancelled: bool = False
    id: int | None = None

    @classmethod
    def create(cls, site_id: int, details: EventDetails, author_id: int, now: datetime) -> ChurchEvent:
        _check(details)
        event = cls(site_id=site_id, title=details.title, start_date=details.start_date, created_at=now,
                    updated_at=now, created_by=author_id)
        event._apply(details)
        return event

    @property
    def details(self) -> EventDetails:
        return EventDetails(**{f.name: getattr(self, f.name) for f in fields(EventDetails)})

    def edit(self, details: EventDetails, now: datetime) -> None:
        _check(details)
        self._apply(details)
        self.updated_at = now

    def _apply(self, details: EventDetails) -> None:
        for f in fields(EventDetails):
            setattr(self, f.name, getattr(details, f.name))
        self.title = self.title.strip()

    def cancel(self, now: datetime) -> bool:
        """True when it was not cancelled yet (the registered people are then told)."""
        if self.is_cancelled:
            return False
        self.is_cancelled = True
        self.updated_at = now
        assert self.id is not None
        self._record(ChurchEventCancelled(self.id, self.title, self.start_date.isoformat(), now.isoformat()))
        return True

    def reinstate(self, now: datetime) -> None:
        self.is_cancelled = False
        self.updated_at = now

    def check_open(self, today: date) -> None:
        """Registrations are taken until the event's last day, never for a cancelled event."""
        if self.is_cancelled:
            raise EventCancelledError()
        if self.details.last_day < today:
            raise EventOver()

    def status_for_new(self, registered: int) -> RegistrationStatus:
        """Where a new registration goes, with `registered` places already taken."""
        if self.capacity is None or registered < self.capacity:
            return RegistrationStatus.REGISTERED
        return RegistrationStatus.WAITING

    def free_places(self, registered: int) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - registered)

    def promoted(self, registration: Registration, now: datetime) -> None:
        """`registration` leaves the waiting list for a place that freed."""
        registration.status = RegistrationStatus.REGISTERED
        registration.promoted_at = now
        assert self.id is not None and registration.id is not None
        self._record(RegistrationPromoted(self.id, registration.id, registration.user_id, self.title,
                                          self.start_date.isoformat()))


def _check(details: EventDetails) -> None:
    if errors := details.problems():
        raise EventInvalid("Les données de l'événement sont invalides", details=errors)


@dataclass(eq=False)
class Registration:
    event_id: int
    user_id: int
    status: RegistrationStatus
    registered_at: datetime
    notes: str = ""
    promoted_at: datetime | None = None
    id: int | None = None

    @staticmethod
    def check_notes(notes: str) -> str:
        notes = notes.strip()
        if len(notes) > MAX_NOTES:
            raise EventInvalid.on_field("notes", f"{MAX_NOTES} caractères au plus")
        return notes
