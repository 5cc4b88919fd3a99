"""A town's agenda as an iCalendar feed (RFC 5545), written with the `icalendar` library, as Google Calendar and
Apple Calendar read it: a series is one VEVENT with its RRULE, its cancelled occurrences as EXDATE and each changed
occurrence as a VEVENT of the same UID with a RECURRENCE-ID; all-day events have DATE values; reminders are
VALARMs. Times are UTC."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from icalendar import Alarm, Calendar, vRecur
from icalendar import Event as VEvent

from domain.agenda.model import Event, Occurrence

CATEGORIES = {"reunion": "Réunion", "ceremonie": "Cérémonie", "conseil": "Conseil municipal", "autre": "Autre"}
PRIORITIES = {"urgent": 1, "high": 3, "medium": 5, "low": 9}  # RFC 5545 PRIORITY: 1 highest, 9 lowest


def render_agenda(events: Sequence[Event], *, name: str, now: datetime, host: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Agora//Agenda de la mairie//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        uid = f"agenda-event-{event.id}@{host}"
        calendar.add_component(_vevent(event, event.occurrence(None), uid, now))
        if event.rrule is None:
            continue
        for key, change in sorted(event.changes.items()):
            if change.cancelled:
                continue
            original = datetime.strptime(key, "%Y%m%dT%H%M").replace(tzinfo=event.starts_at.tzinfo)
            changed = event.occurrence(original)
            if changed is not None:
                component = _vevent(event, changed, uid, now, with_rule=False)
                component.add("recurrence-id", _moment(original, event.all_day))
                calendar.add_component(component)
    ical: bytes = calendar.to_ical()
    return ical


def _vevent(event: Event, occurrence: Occurrence | None, uid: str, now: datetime, *, with_rule: bool = True
            ) -> VEvent:
    assert occurrence is not None, "the series' own occurrence is never cancelled"
    component = VEvent()
    component.add("uid", uid)
    component.add("dtstamp", now)
    component.add("last-modified", event.updated_at)
    component.add("created", event.created_at)
    component.add("dtstart", _moment(occurrence.starts_at, event.all_day))
    component.add("dtend", _end(occurrence.ends_at, event.all_day))
    component.add("summary", occurrence.title)
    if occurrence.description:
        component.add("description", occurrence.description)
    place = ", ".join(part for part in (occurrence.location.name, occurrence.location.address) if part)
    if place:
        component.add("location", place)
    component.add("categories", [CATEGORIES.get(event.category.value, event.category.value)])
    component.add("priority", PRIORITIES.get(event.priority.value, 5))
    component.add("class", "PUBLIC" if event.is_public else "PRIVATE")
    component.add("status", "CONFIRMED")
    if with_rule and event.rrule is not None:
        component.add("rrule", vRecur.from_ical(event.rrule))
        cancelled = [datetime.strptime(key, "%Y%m%dT%H%M").replace(tzinfo=event.starts_at.tzinfo)
                     for key, change in sorted(event.changes.items()) if change.cancelled]
        if cancelled:
            component.add("exdate", [_moment(moment, event.all_day) for moment in cancelled])
    for minutes in event.reminders:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", occurrence.title)
        alarm.add("trigger", timedelta(minutes=-minutes))
        component.add_component(alarm)
    return component


def _moment(moment: datetime, all_day: bool) -> datetime | date:
    return moment.date() if all_day else moment


def _end(moment: datetime, all_day: bool) -> datetime | date:
    """An all-day event's DTEND is the day after its last (exclusive)."""
    if not all_day:
        return moment
    return moment.date() if moment.time() == datetime.min.time() else moment.date() + timedelta(days=1)
