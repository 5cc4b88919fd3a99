"""The agenda's read side: a range of occurrences (series expanded), one event or occurrence, the week or month
calendar. Who sees what is decided in services.is_visible."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from operator import attrgetter

from application.agenda.ports import EventRepository, Person, RecurrenceRules, TownPeople
from application.agenda.services import NOT_FOUND, is_occurrence_of, is_visible
from domain.agenda.model import Category, Event, Occurrence, Priority
from domain.agenda.permissions import SEE_AGENDA
from domain.agenda.recurrence import MAX_OCCURRENCES, MAX_WINDOW_DAYS
from domain.shared.actor import Actor
from domain.shared.errors import InvalidInput, NotFound

DAY_NAMES = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
MAX_SEARCH = 200
MAX_PER_DAY = 200  # a calendar day shows its first 200 occurrences by start (no cap on the month as a whole)
ONE_DAY = timedelta(days=1)
_START = attrgetter("starts_at")


@dataclass(frozen=True)
class EventFilter:
    start: datetime
    end: datetime
    category: Category | None = None
    priority: Priority | None = None
    search: str | None = None

    def problems(self) -> dict[str, list[str]]:
        if self.end <= self.start:
            return {"end_date": ["La fin doit être après le début"]}
        if self.end - self.start > timedelta(days=MAX_WINDOW_DAYS):
            return {"end_date": [f"Une période de {MAX_WINDOW_DAYS} jours au plus"]}
        if self.search is not None and len(self.search) > MAX_SEARCH:
            return {"search": [f"{MAX_SEARCH} caractères au plus"]}
        return {}

    def keeps_event(self, event: Event) -> bool:
        return ((self.category is None or event.category is self.category)
                and (self.priority is None or event.priority is self.priority))

    def keeps(self, occurrence: Occurrence) -> bool:
        if self.search:
            needle = self.search.casefold()
            if needle not in occurrence.title.casefold() and needle not in occurrence.description.casefold():
                return False
        return occurrence.starts_at < self.end and occurrence.ends_at > self.start


@dataclass(frozen=True)
class CalendarDay:
    day: date
    name: str
    occurrences: list[Occurrence]


@dataclass(frozen=True)
class Calendar:
    view: str
    start: date
    end: date  # inclusive, as the spec shows
    days: list[CalendarDay]


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def expand(event: Event, rules: RecurrenceRules, start: datetime, end: datetime) -> list[Occurrence]:
    """The occurrences of `event` that may overlap [start, end), by original start (cancelled ones left out): the
    single event itself, or the series' occurrences with their changes, those moved into the range included."""
    if event.rrule is None:
        single = event.occurrence(None)
        return [single] if single is not None else []
    duration = event.ends_at - event.starts_at
    starts = rules.starts(event.rrule, event.starts_at, start - duration, end, MAX_OCCURRENCES)
    if not event.changes:
        return event.occurrences(starts)
    originals = set(starts)
    # an occurrence moved into the range from outside it
    for key, change in event.changes.items():
        if change.starts_at is not None and not change.cancelled:
            original = datetime.strptime(key, "%Y%m%dT%H%M").replace(tzinfo=UTC)
            if original not in originals and change.starts_at < end and is_occurrence_of(event, rules, original):
                originals.add(original)
    return event.occurrences(sorted(originals))


class AgendaQueries:
    def __init__(self, events: EventRepository, rules: RecurrenceRules, people: TownPeople) -> None:
        self._events, self._rules, self._people = events, rules, people

    async def occurrences(self, actor: Actor, wanted: EventFilter) -> list[Occurrence]:
        """Every visible occurrence overlapping the range, by start (a series is expanded within it), the first
        MAX_OCCURRENCES."""
        return (await self._all(actor, wanted))[:MAX_OCCURRENCES]

    async def _all(self, actor: Actor, wanted: EventFilter) -> list[Occurrence]:
        SEE_AGENDA.check(actor)
        if problems := wanted.problems():
            raise InvalidInput("Période ou filtre invalide", details=problems)
        if actor.municipality_id is None:
            return []
        found: list[Occurrence] = []
        events = await self._events.in_window(actor.municipality_id, wanted.start, wanted.end)
        for event in sorted(events, key=lambda e: e.id or 0):
            if is_visible(event, actor) and wanted.keeps_event(event):
                found.extend(o for o in expand(event, self._rules, wanted.start, wanted.end) if wanted.keeps(o))
        found.sort(key=_START)  # stable: the same start stays in event id order
        return found

    async def occurrence(self, actor: Actor, event_id: int, original_start: datetime | None) -> Occurrence:
        SEE_AGENDA.check(actor)
        event = await self._events.get(event_id)
        if event is None or not is_visible(event, actor):
            raise NotFound(NOT_FOUND)
        if original_start is not None and not is_occurrence_of(event, self._rules, original_start):
            raise NotFound(NOT_FOUND)
        found = event.occurrence(original_start)
        if found is None:
            raise NotFound(NOT_FOUND)
        return found

    async def calendar(self, actor: Actor, view: str, around: date) -> Calendar:
        if view == "week":
            first = around - timedelta(days=around.weekday())
            last = first + timedelta(days=6)
        else:
            first = around.replace(day=1)
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        begins = midnight(first)
        days = [CalendarDay(first + timedelta(days=n), DAY_NAMES[(first + timedelta(days=n)).weekday()], [])
                for n in range((last - first).days + 1)]
        for occurrence in await self._all(actor, EventFilter(begins, midnight(last + timedelta(days=1)))):
            # on every day it overlaps: from the day it starts to the day it ends (an end at midnight excluded)
            since = max(0, (occurrence.starts_at - begins) // ONE_DAY)
            until = min(len(days), -((begins - occurrence.ends_at) // ONE_DAY))
            for day in days[since:until]:
                if len(day.occurrences) < MAX_PER_DAY:
                    day.occurrences.append(occurrence)
        return Calendar(view, first, last, days)

    async def people(self, municipality_id: int, events: Sequence[Event]) -> dict[int, Person]:
        """The names of the attendees and organisers of `events`, in one look-up."""
        ids = {user_id for event in events for user_id in (*event.attendees, event.organiser_id)}
        return await self._people.of_town(municipality_id, sorted(ids))
