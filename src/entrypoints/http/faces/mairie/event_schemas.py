"""Mairie's agenda on the wire (mairie-ecms-api.md section 4). Event ids are "evt_<n>"; an occurrence of a series
is "evt_<n>_<YYYYMMDD>T<HHMM>" (its original start, UTC, to the minute): GET, PUT and DELETE take either."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from application.agenda.ports import Person
from application.agenda.queries import Calendar
from domain.agenda.model import Category, Location, Occurrence, Priority
from domain.agenda.recurrence import PATTERNS, Recurrence
from domain.shared.errors import InvalidInput
from domain.shared.ids import MAX_ID
from entrypoints.http.faces.mairie.ids import EVENT_IDS

AwareTime = Annotated[datetime, Meta(tz=True, description="ISO 8601 with its offset, e.g. 2025-12-15T14:00:00Z")]
UserId = Annotated[int, Meta(ge=1, le=MAX_ID)]
Pattern = Literal["daily", "weekly", "monthly", "yearly"]
ROLE_NAMES = {"mayor": "Maire", "admin": "Administrateur", "moderator": "Modérateur", "citizen": "Citoyen"}
_OCCURRENCE = re.compile(r"(.+)_([0-9]{8}T[0-9]{4})")


def wire_id(occurrence: Occurrence, series: str | None = None) -> str:
    """"evt_12", or "evt_12_20260115T0900" for one occurrence of a series; `series`: the event's wire id, when the
    caller has it already."""
    if series is None:
        assert occurrence.event.id is not None
        series = EVENT_IDS.wire(occurrence.event.id)
    key = occurrence.key
    return series if key is None else f"{series}_{key}"


def parse_id(text: str) -> tuple[int, datetime | None] | None:
    """(series id, original start or None) of "evt_12" or "evt_12_20260115T0900"; None names nothing."""
    start: datetime | None = None
    if (found := _OCCURRENCE.fullmatch(text)) is not None:
        try:
            start = datetime.strptime(found.group(2), "%Y%m%dT%H%M").replace(tzinfo=UTC)
        except ValueError:
            return None
        text = found.group(1)
    series = EVENT_IDS.parse(text)
    return None if series is None else (series, start)


class LocationBody(msgspec.Struct):
    name: str = ""
    address: str = ""


class EventBody(msgspec.Struct):
    title: str
    start_datetime: AwareTime
    end_datetime: AwareTime
    description: str = ""
    category: Category = Category.MEETING
    priority: Priority = Priority.MEDIUM
    color: str = "blue"
    all_day: bool = False
    location: LocationBody | None = None
    attendees_ids: list[UserId] = []
    is_recurring: bool = False
    recurring_pattern: Pattern | None = None
    rrule: str | None = None
    reminders: list[int] = []
    notes: str = ""
    is_public: bool = True


class EventChangesBody(msgspec.Struct):
    """Only the fields sent change."""

    title: str | UnsetType = UNSET
    start_datetime: AwareTime | UnsetType = UNSET
    end_datetime: AwareTime | UnsetType = UNSET
    description: str | UnsetType = UNSET
    category: Category | UnsetType = UNSET
    priority: Priority | UnsetType = UNSET
    color: str | UnsetType = UNSET
    all_day: bool | UnsetType = UNSET
    location: LocationBody | UnsetType = UNSET
    attendees_ids: list[UserId] | UnsetType = UNSET
    is_recurring: bool | UnsetType = UNSET
    recurring_pattern: Pattern | UnsetType | None = UNSET
    rrule: str | UnsetType | None = UNSET
    reminders: list[int] | UnsetType = UNSET
    notes: str | UnsetType = UNSET
    is_public: bool | UnsetType = UNSET


def recurrence(is_recurring: bool, pattern: str | None, rule: str | None) -> Recurrence | None:
    if not is_recurring:
        if pattern is not None or rule is not None:
            raise InvalidInput.on_field("is_recurring", "recurring_pattern et rrule demandent is_recurring=true")
        return None
    if rule is not None:
        found = Recurrence(rule.strip().removeprefix("RRULE:"))
        if pattern is not None and found.pattern != pattern:
            raise InvalidInput.on_field("recurring_pattern", f"La règle n'est pas de fréquence {pattern}")
        return found
    if pattern is None:
        raise InvalidInput.on_field("recurring_pattern", f"Requis pour un événement récurrent : {', '.join(PATTERNS)}")
    return Recurrence.of_pattern(pattern)


_RENAMES = {"start_datetime": "starts_at", "end_datetime": "ends_at"}


def details_fields(body: EventBody | EventChangesBody, current: Recurrence | None = None) -> dict[str, Any]:
    """The body's fields by EventDetails' names (only those sent, for changes)."""
    sent = {name: value for name in body.__struct_fields__
            if (value := getattr(body, name)) is not UNSET and name != "attendees_ids"}
    out: dict[str, Any] = {}
    for name, value in sent.items():
        if name in ("is_recurring", "recurring_pattern", "rrule"):
            continue
        if name == "location":
            out["location"] = Location() if value is None else Location(value.name, value.address)
        elif name == "reminders":
            out["reminders"] = tuple(value)
        else:
            out[_RENAMES.get(name, name)] = value
    if {"is_recurring", "recurring_pattern", "rrule"} & set(sent):
        is_recurring = bool(sent.get("is_recurring", True))
        pattern, rule = sent.get("recurring_pattern"), sent.get("rrule")
        if not (is_recurring and pattern is None and rule is None and current is not None):  # else: kept
            out["recurrence"] = recurrence(is_recurring, pattern, rule)
    return out


class LocationOut(msgspec.Struct):
    name: str
    address: str


class AttendeeOut(msgspec.Struct):
    id: int
    name: str
    role: str
    status: str


class CreatorOut(msgspec.Struct):
    id: int
    name: str


class EventOut(msgspec.Struct):
    id: str
    series_id: str
    title: str
    description: str
    category: str
    priority: str
    color: str
    start_datetime: datetime
    end_datetime: datetime
    all_day: bool
    location: LocationOut
    attendees: list[AttendeeOut]
    is_recurring: bool
    recurring_pattern: str | None
    rrule: str | None
    reminders: list[int]
    notes: str
    is_public: bool
    created_by: CreatorOut
    created_at: datetime
    updated_at: datetime


def _name(people: Mapping[int, Person], user_id: int) -> str:
    person = people.get(user_id)
    return person.name if person else ""


def event_out(o: Occurrence, people: Mapping[int, Person]) -> EventOut:
    e = o.event
    assert e.id is not None
    return EventOut(
        id=wire_id(o), series_id=EVENT_IDS.wire(e.id), title=o.title, description=o.description,
        category=e.category.value, priority=e.priority.value, color=e.color, start_datetime=o.starts_at,
        end_datetime=o.ends_at, all_day=e.all_day, location=LocationOut(o.location.name, o.location.address),
        attendees=[AttendeeOut(user_id, _name(people, user_id),
                               ROLE_NAMES.get(people[user_id].role, "") if user_id in people else "", answer.value)
                   for user_id, answer in e.attendees.items()],
        is_recurring=e.rrule is not None, recurring_pattern=None if e.recurrence is None else e.recurrence.pattern,
        rrule=e.rrule, reminders=list(e.reminders), notes=o.notes, is_public=e.is_public,
        created_by=CreatorOut(e.organiser_id, _name(people, e.organiser_id)), created_at=e.created_at,
        updated_at=e.updated_at)


class EventList(msgspec.Struct):
    count: int
    results: list[EventOut]


class EventCreated(msgspec.Struct):
    id: str
    title: str
    start_datetime: datetime
    created_at: datetime
    message: str


class EventUpdated(msgspec.Struct):
    id: str
    updated_at: datetime
    message: str


class RespondBody(msgspec.Struct):
    status: Literal["confirmed", "declined", "tentative"]


class Responded(msgspec.Struct):
    message: str
    status: str


class CalendarEventOut(msgspec.Struct):
    id: str
    title: str
    start_time: str
    end_time: str
    category: str
    color: str


class CalendarDayOut(msgspec.Struct):
    date: date
    day_name: str
    events: list[CalendarEventOut]


class CalendarOut(msgspec.Struct):
    view: str
    start_date: date
    end_date: date
    days: list[CalendarDayOut]


_CLOCK = [f"{minute // 60:02d}:{minute % 60:02d}" for minute in range(24 * 60)]  # "HH:MM" by minute of the day


def calendar_out(calendar: Calendar) -> CalendarOut:
    # a month view holds thousands of occurrences of a few hundred events: each event's part is read once (keyed
    # by the object itself, alive for the call)
    series: dict[int, tuple[str, str, str]] = {}
    days = []
    for day in calendar.days:
        events = []
        for o in day.occurrences:
            if (known := series.get(id(o.event))) is None:
                event = o.event
                assert event.id is not None
                known = series[id(event)] = (EVENT_IDS.wire(event.id), event.category.value, event.color)
            wire, category, color = known
            events.append(CalendarEventOut(
                id=wire_id(o, wire),
                title=o.title, start_time=_CLOCK[o.starts_at.hour * 60 + o.starts_at.minute],
                end_time=_CLOCK[o.ends_at.hour * 60 + o.ends_at.minute], category=category, color=color))
        days.append(CalendarDayOut(date=day.day, day_name=day.name, events=events))
    return CalendarOut(view=calendar.view, start_date=calendar.start, end_date=calendar.end, days=days)


class FeedsOut(msgspec.Struct):
    """The caller's two ICS feeds, to subscribe to from a calendar app (the URLs are the credentials)."""

    public_url: str
    personal_url: str


class RegenerateFeedBody(msgspec.Struct):
    feed: Literal["personal", "public"] = "personal"
