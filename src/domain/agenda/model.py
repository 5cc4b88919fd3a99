"""A town's agenda event: a single event or a series (its `recurrence`), its attendees and their answers, its
reminders, and the occurrences of a series changed or cancelled one by one (`changes`, keyed by the occurrence's
original start, see recurrence.occurrence_key)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from domain.agenda.recurrence import Recurrence, occurrence_key, rule_problem
from domain.shared.events import RecordsEvents
from domain.shared.time import require_aware


class Category(StrEnum):
    MEETING = "reunion"
    CEREMONY = "ceremonie"
    COUNCIL = "conseil"
    OTHER = "autre"


class Priority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


class Rsvp(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    TENTATIVE = "tentative"


ANSWERS = (Rsvp.CONFIRMED, Rsvp.DECLINED, Rsvp.TENTATIVE)
MAX_TITLE, MAX_TEXT, MAX_PLACE, MAX_ADDRESS = 200, 5000, 200, 500
MAX_ATTENDEES, MAX_REMINDERS, MAX_REMINDER_MINUTES = 200, 5, 40320  # four weeks
MAX_DURATION = timedelta(days=31)
MIN_YEAR, MAX_YEAR = 2000, 2100
COLOR = re.compile(r"[a-z]{3,20}|#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class Location:
    name: str = ""
    address: str = ""


@dataclass(frozen=True)
class EventDetails:
    """What the organiser writes: everything but who is invited."""

    title: str
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    category: Category = Category.MEETING
    priority: Priority = Priority.MEDIUM
    color: str = "blue"
    all_day: bool = False
    location: Location = Location()
    recurrence: Recurrence | None = None
    reminders: tuple[int, ...] = ()
    notes: str = ""
    is_public: bool = True

    def problems(self) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}

        def add(name: str, message: str) -> None:
            errors.setdefault(name, []).append(message)

        if not self.title.strip():
            add("title", "Ce champ est obligatoire")
        for name, text, limit in (("title", self.title, MAX_TITLE), ("description", self.description, MAX_TEXT),
                                  ("notes", self.notes, MAX_TEXT), ("location", self.location.name, MAX_PLACE),
                                  ("location", self.location.address, MAX_ADDRESS)):
            if len(text) > limit:
                add(name, f"{limit} caractères au plus")
        if not COLOR.fullmatch(self.color):
            add("color", "Couleur attendue : un nom (« blue ») ou #rrggbb")
        if not MIN_YEAR <= self.starts_at.year <= MAX_YEAR:
            add("start_datetime", f"Une date entre {MIN_YEAR} et {MAX_YEAR}")
        if self.ends_at <= self.starts_at:
            add("end_datetime", "La fin doit être après le début")
        elif self.ends_at - self.starts_at > MAX_DURATION:
            add("end_datetime", "Un événement dure 31 jours au plus")
        if len(self.reminders) > MAX_REMINDERS:
            add("reminders", f"{MAX_REMINDERS} rappels au plus")
        if any(not 0 <= minutes <= MAX_REMINDER_MINUTES for minutes in self.reminders):
            add("reminders", f"Un rappel se donne entre 0 et {MAX_REMINDER_MINUTES} minutes avant")
        if self.recurrence is not None and (problem := rule_problem(self.recurrence.rule)):
            add("rrule", problem)
        return errors


@dataclass(frozen=True)
class OccurrenceChange:
    """One occurrence of a series, changed or cancelled. None keeps the series' value."""

    cancelled: bool = False
    title: str | None = None
    description: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    location: Location | None = None
    notes: str | None = None


UNCHANGED = OccurrenceChange()


class Occurrence(NamedTuple):  # a tuple: immutable, and a month view builds thousands of them
    """An event as it happens at one time: a single event, or one occurrence of a series (`original_start` set)."""

    event: Event
    original_start: datetime | None
    starts_at: datetime
    ends_at: datetime
    title: str
    description: str
    location: Location
    notes: str

    @property
    def key(self) -> str | None:
        return None if self.original_start is None else occurrence_key(self.original_start)


@dataclass
class Event(RecordsEvents):
    municipality_id: int
    organiser_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    created_at: datetime
    updated_at: datetime
    description: str = ""
    category: Category = Category.MEETING
    priority: Priority = Priority.MEDIUM
    color: str = "blue"
    all_day: bool = False
    location_name: str = ""
    location_address: str = ""
    rrule: str | None = None
    reminders: list[int] = field(default_factory=list)
    notes: str = ""
    is_public: bool = True
    attendees: dict[int, Rsvp] = field(default_factory=dict)
    changes: dict[str, OccurrenceChange] = field(default_factory=dict)
    id: int | None = None

    @classmethod
    def create(cls, municipality_id: int, organiser_id: int, details: EventDetails, attendee_ids: list[int],
               now: datetime) -> Event:
        event = cls(municipality_id=municipality_id, organiser_id=organiser_id, title=details.title,
                    starts_at=details.starts_at, ends_at=details.ends_at, created_at=require_aware(now),
                    updated_at=now)
        event.apply(details, now)
        event.invite(attendee_ids)
        return event

    @property
    def recurrence(self) -> Recurrence | None:
        return None if self.rrule is None else Recurrence(self.rrule)

    @property
    def location(self) -> Location:
        return Location(self.location_name, self.location_address)

    @property
    def details(self) -> EventDetails:
        return EventDetails(
            title=self.title, starts_at=self.starts_at, ends_at=self.ends_at, description=self.description,
            category=self.category, priority=self.priority, color=self.color, all_day=self.all_day,
            location=self.location, recurrence=self.recurrence, reminders=tuple(self.reminders), notes=self.notes,
            is_public=self.is_public)

    def apply(self, details: EventDetails, now: datetime) -> None:
        self.title, self.description, self.notes = details.title.strip(), details.description, details.notes
        self.category, self.priority, self.color = details.category, details.priority, details.color
        self.starts_at, self.ends_at = require_aware(details.starts_at), require_aware(details.ends_at)
        self.all_day, self.is_public = details.all_day, details.is_public
        self.location_name, self.location_address = details.location.name, details.location.address
        self.rrule = None if details.recurrence is None else details.recurrence.rule
        self.reminders = sorted(set(details.reminders))
        if self.rrule is None:
            self.changes = {}
        self.updated_at = require_aware(now)

    def invite(self, user_ids: list[int]) -> None:
        """The attendees become exactly `user_ids`; those already invited keep their answer."""
        self.attendees = {user_id: self.attendees.get(user_id, Rsvp.PENDING) for user_id in dict.fromkeys(user_ids)}

    def respond(self, user_id: int, answer: Rsvp, now: datetime) -> None:
        self.attendees = {**self.attendees, user_id: answer}
        self.updated_at = require_aware(now)

    def change_occurrence(self, original_start: datetime, change: OccurrenceChange, now: datetime) -> None:
        self.changes = {**self.changes, occurrence_key(original_start): change}
        self.updated_at = require_aware(now)

    def cancel_occurrence(self, original_start: datetime, now: datetime) -> None:
        self.change_occurrence(original_start, OccurrenceChange(cancelled=True), now)

    def occurrence(self, original_start: datetime | None) -> Occurrence | None:
        """The single event (None), or the occurrence that started at `original_start` with its change applied;
        None when it was cancelled."""
        if original_start is None:
            return Occurrence(self, None, self.starts_at, self.ends_at, self.title, self.description,
                              self.location, self.notes)
        found = self.occurrences([original_start])
        return found[0] if found else None

    def occurrences(self, original_starts: Iterable[datetime]) -> list[Occurrence]:
        """The occurrences of the series that started at `original_starts`, with their changes applied, the
        cancelled ones left out (the event's fields are read once: a month view builds thousands)."""
        duration, title, description, notes = self.ends_at - self.starts_at, self.title, self.description, self.notes
        location, changes = self.location, self.changes
        if not changes:
            return [Occurrence(self, start, start, start + duration, title, description, location, notes)
                    for start in original_starts]
        found = []
        for start in original_starts:
            change = changes.get(occurrence_key(start), UNCHANGED)
            if change.cancelled:
                continue
            starts = change.starts_at or start
            found.append(Occurrence(self, start, starts, change.ends_at or starts + duration,
                                    title if change.title is None else change.title,
                                    description if change.description is None else change.description,
                                    change.location or location, notes if change.notes is None else change.notes))
        return found
