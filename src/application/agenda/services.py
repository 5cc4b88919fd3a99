"""The agenda's use cases: create, edit (a series or one occurrence), delete, answer an invitation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from application.agenda.ports import EventRepository, RecurrenceRules, TownPeople
from application.shared.ports import Clock, UnitOfWork
from domain.agenda.errors import EventInvalid, NotInvited
from domain.agenda.model import ANSWERS, MAX_ATTENDEES, Event, EventDetails, OccurrenceChange, Rsvp
from domain.agenda.permissions import MANAGE_AGENDA, SEE_AGENDA, SEE_PRIVATE_EVENTS
from domain.agenda.recurrence import occurrence_key
from domain.shared.actor import Actor
from domain.shared.errors import InvalidInput, NotFound

NOT_FOUND = "Événement introuvable"
OCCURRENCE_FIELDS = frozenset({"title", "description", "starts_at", "ends_at", "location", "notes"})
DETAIL_FIELDS = frozenset(f.name for f in fields(EventDetails))


def is_visible(event: Event, actor: Actor) -> bool:
    """Same town, and public, or the actor organises it, is invited, or is staff."""
    if not (SEE_AGENDA.allows(actor) and actor.in_municipality(event.municipality_id)):
        return False
    return (event.is_public or actor.is_user(event.organiser_id) or actor.user_id in event.attendees
            or SEE_PRIVATE_EVENTS.allows(actor))


async def visible(events: EventRepository, event_id: int, actor: Actor, *, lock: bool = False) -> Event:
    event = await (events.get_for_update(event_id) if lock else events.get(event_id))
    if event is None or not is_visible(event, actor):
        raise NotFound(NOT_FOUND)
    return event


def is_occurrence_of(event: Event, rules: RecurrenceRules, original_start: datetime) -> bool:
    if event.rrule is None or original_start < event.starts_at:
        return False
    found = rules.starts(event.rrule, event.starts_at, original_start, original_start.replace(second=59), 1)
    return bool(found) and found[0].replace(second=0) == original_start


def check_details(details: EventDetails, rules: RecurrenceRules) -> None:
    errors = details.problems()
    if details.recurrence is not None and "rrule" not in errors:
        if problem := rules.problem(details.recurrence.rule, details.starts_at):
            errors["rrule"] = [problem]
    if errors:
        raise EventInvalid("Les données de l'événement sont invalides", details=errors)


async def check_attendees(people: TownPeople, municipality_id: int, user_ids: Sequence[int]) -> None:
    if len(user_ids) > MAX_ATTENDEES:
        raise EventInvalid.on_field("attendees_ids", f"{MAX_ATTENDEES} participants au plus")
    found = await people.of_town(municipality_id, user_ids)
    if missing := sorted(set(user_ids) - set(found)):
        raise EventInvalid.on_field("attendees_ids", f"Comptes inconnus dans la commune : {missing}")


@dataclass(frozen=True)
class CreateEventCommand:
    actor: Actor
    details: EventDetails
    attendee_ids: tuple[int, ...] = ()


class CreateEvent:
    def __init__(self, events: EventRepository, rules: RecurrenceRules, people: TownPeople, uow: UnitOfWork,
                 clock: Clock) -> None:
        self._events, self._rules, self._people, self._uow, self._clock = events, rules, people, uow, clock

    async def __call__(self, cmd: CreateEventCommand) -> Event:
        MANAGE_AGENDA.check(cmd.actor)
        assert cmd.actor.municipality_id is not None, "a Mairie staff account belongs to a town"
        check_details(cmd.details, self._rules)
        await check_attendees(self._people, cmd.actor.municipality_id, cmd.attendee_ids)
        event = Event.create(cmd.actor.municipality_id, cmd.actor.user_id, cmd.details, list(cmd.attendee_ids),
                             self._clock.now())
        await self._events.add(event)
        await self._uow.commit()
        return event


@dataclass(frozen=True)
class UpdateEventCommand:
    """`changes` holds only the details sent, by EventDetails' names. With `original_start` (an occurrence id)
    only that occurrence changes, unless `whole_series`."""

    actor: Actor
    event_id: int
    changes: Mapping[str, Any]
    attendee_ids: tuple[int, ...] | None = None
    original_start: datetime | None = None
    whole_series: bool = False


class UpdateEvent:
    def __init__(self, events: EventRepository, rules: RecurrenceRules, people: TownPeople, uow: UnitOfWork,
                 clock: Clock) -> None:
        self._events, self._rules, self._people, self._uow, self._clock = events, rules, people, uow, clock

    async def __call__(self, cmd: UpdateEventCommand) -> Event:
        unknown = set(cmd.changes) - DETAIL_FIELDS
        assert not unknown, f"not event details: {unknown}"
        event = await visible(self._events, cmd.event_id, cmd.actor, lock=True)
        MANAGE_AGENDA.check(cmd.actor)
        now = self._clock.now()
        if cmd.original_start is not None and not is_occurrence_of(event, self._rules, cmd.original_start):
            raise NotFound(NOT_FOUND)
        if cmd.original_start is not None and not cmd.whole_series:
            self._change_occurrence(event, cmd.original_start, cmd.changes, cmd.attendee_ids, now)
        else:
            details = replace(event.details, **cmd.changes)
            check_details(details, self._rules)
            event.apply(details, now)
            if cmd.attendee_ids is not None:
                await check_attendees(self._people, event.municipality_id, cmd.attendee_ids)
                event.invite(list(cmd.attendee_ids))
        await self._events.save(event)
        await self._uow.commit()
        return event

    def _change_occurrence(self, event: Event, original_start: datetime, changes: Mapping[str, Any],
                           attendee_ids: tuple[int, ...] | None, now: datetime) -> None:
        series_only = sorted(set(changes) - OCCURRENCE_FIELDS) + (["attendees_ids"] if attendee_ids else [])
        if series_only:
            raise InvalidInput("Ces champs se modifient sur toute la série (edit_series=true)",
                               details={name: ["Modifiable sur toute la série seulement"] for name in series_only})
        current = event.occurrence(original_start)
        if current is None:
            raise NotFound(NOT_FOUND)
        base = event.changes.get(occurrence_key(original_start), OccurrenceChange())
        change = replace(base, **{name: value for name, value in changes.items()})
        starts = change.starts_at or original_start
        ends = change.ends_at or starts + (event.ends_at - event.starts_at)
        check_details(replace(event.details, recurrence=None, title=change.title or event.title,
                              starts_at=starts, ends_at=ends), self._rules)
        event.change_occurrence(original_start, change, now)


@dataclass(frozen=True)
class DeleteEventCommand:
    actor: Actor
    event_id: int
    original_start: datetime | None = None
    delete_series: bool = False


class DeleteEvent:
    def __init__(self, events: EventRepository, rules: RecurrenceRules, uow: UnitOfWork, clock: Clock) -> None:
        self._events, self._rules, self._uow, self._clock = events, rules, uow, clock

    async def __call__(self, cmd: DeleteEventCommand) -> None:
        event = await visible(self._events, cmd.event_id, cmd.actor, lock=True)
        MANAGE_AGENDA.check(cmd.actor)
        if cmd.original_start is None or cmd.delete_series:
            if cmd.original_start is not None and not is_occurrence_of(event, self._rules, cmd.original_start):
                raise NotFound(NOT_FOUND)
            await self._events.delete(event)
        else:
            if not is_occurrence_of(event, self._rules, cmd.original_start) or \
                    event.occurrence(cmd.original_start) is None:
                raise NotFound(NOT_FOUND)
            event.cancel_occurrence(cmd.original_start, self._clock.now())
            await self._events.save(event)
        await self._uow.commit()


@dataclass(frozen=True)
class RespondCommand:
    actor: Actor
    event_id: int
    answer: Rsvp


class RespondToEvent:
    """An invited account answers for the whole event (every occurrence of a series)."""

    def __init__(self, events: EventRepository, uow: UnitOfWork, clock: Clock) -> None:
        self._events, self._uow, self._clock = events, uow, clock

    async def __call__(self, cmd: RespondCommand) -> Event:
        if cmd.answer not in ANSWERS:
            raise InvalidInput.on_field("status", "Réponse attendue : confirmed, declined ou tentative")
        event = await visible(self._events, cmd.event_id, cmd.actor, lock=True)
        if cmd.actor.user_id not in event.attendees:
            raise NotInvited()
        event.respond(cmd.actor.user_id, cmd.answer, self._clock.now())
        await self._events.save(event)
        await self._uow.commit()
        return event
