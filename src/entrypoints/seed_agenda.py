"""`agora seed --demo` for the agenda: the demo town's recurring agenda around today (weekly office hours, the
monthly council, a market with one occurrence cancelled and one moved, ceremonies, private staff meetings with
answers, an all-day event). Idempotent: nothing is added when the town's agenda already has events."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dishka import AsyncContainer

from application.agenda.queries import AgendaQueries, EventFilter
from application.agenda.services import (
    CreateEvent,
    CreateEventCommand,
    DeleteEvent,
    DeleteEventCommand,
    RespondCommand,
    RespondToEvent,
    UpdateEvent,
    UpdateEventCommand,
)
from application.shared.ports import Clock
from domain.agenda.model import Category, Event, EventDetails, Location, Priority, Rsvp
from domain.agenda.recurrence import Recurrence
from entrypoints.seed import call, in_scope
from entrypoints.seed_mairie import demo_town

PARIS = ZoneInfo("Europe/Paris")
HOTEL = Location("Hôtel de ville", "1 place de la Mairie, 97351 Matoury")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), PARIS).astimezone(UTC)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def agenda_demo(container: AsyncContainer) -> dict[str, int]:
    town = await demo_town(container)
    mayor = town.actor(town.mayor)

    async def today(clock: Clock) -> date:
        return clock.now().date()

    async def existing(queries: AgendaQueries) -> int:
        start = datetime.combine(await in_scope(container, today, Clock), time(), UTC)
        return len(await queries.occurrences(mayor, EventFilter(start - timedelta(days=200),
                                                                start + timedelta(days=199))))

    if await in_scope(container, existing, AgendaQueries):
        return {}
    week = monday_of(await in_scope(container, today, Clock)) - timedelta(weeks=2)
    staff_ids = tuple(user.id for user in town.staff if user.id is not None)

    async def create(details: EventDetails, attendees: tuple[int, ...] = ()) -> Event:
        event: Event = await call(container, CreateEvent, CreateEventCommand(mayor, details, attendees))
        return event

    events = [
        await create(EventDetails(
            title="Permanence du maire", starts_at=at(week + timedelta(days=1), 14),
            ends_at=at(week + timedelta(days=1), 17), category=Category.MEETING, priority=Priority.MEDIUM,
            color="blue", location=HOTEL, recurrence=Recurrence("FREQ=WEEKLY;BYDAY=TU"), reminders=(60,),
            description="Le maire reçoit les habitants sans rendez-vous.")),
        await create(EventDetails(
            title="Conseil municipal", starts_at=at(week + timedelta(days=3), 18),
            ends_at=at(week + timedelta(days=3), 21), category=Category.COUNCIL, priority=Priority.HIGH,
            color="red", location=Location("Salle du conseil", HOTEL.address),
            recurrence=Recurrence("FREQ=MONTHLY;BYDAY=1TH"), reminders=(1440, 120),
            description="Séance publique ; l'ordre du jour est affiché en mairie.")),
        await create(EventDetails(
            title="Réunion de l'équipe municipale", starts_at=at(week, 9), ends_at=at(week, 10, 30),
            category=Category.MEETING, priority=Priority.MEDIUM, color="#6b5b95", location=HOTEL,
            recurrence=Recurrence("FREQ=WEEKLY;BYDAY=MO"), is_public=False, reminders=(30,),
            notes="Point hebdomadaire des services."), staff_ids),
        await create(EventDetails(
            title="Commission travaux", starts_at=at(week + timedelta(days=16), 10),
            ends_at=at(week + timedelta(days=16), 12), category=Category.MEETING, priority=Priority.URGENT,
            color="orange", location=Location("Services techniques", "ZI Terca, Matoury"), is_public=False,
            notes="Voirie : rue des Palmistes."), staff_ids),
        await create(EventDetails(
            title="Fête communale de Matoury", starts_at=at(week + timedelta(days=26), 0),
            ends_at=at(week + timedelta(days=28), 0), all_day=True, category=Category.CEREMONY,
            priority=Priority.HIGH, color="green", location=Location("Bourg de Matoury"),
            description="Deux jours de fête : concerts, marché artisanal, feu d'artifice.")),
    ]
    market = await create(EventDetails(
        title="Marché du bourg", starts_at=at(week + timedelta(days=5), 7), ends_at=at(week + timedelta(days=5), 12),
        category=Category.OTHER, priority=Priority.LOW, color="yellow", location=Location("Place du bourg"),
        recurrence=Recurrence("FREQ=WEEKLY;BYDAY=SA")))
    events.append(market)
    assert market.id is not None
    cancelled, moved = market.starts_at + timedelta(weeks=2), market.starts_at + timedelta(weeks=3)
    await call(container, DeleteEvent, DeleteEventCommand(mayor, market.id, cancelled))
    await call(container, UpdateEvent, UpdateEventCommand(
        mayor, market.id, {"starts_at": moved - timedelta(days=1), "ends_at": moved - timedelta(days=1) +
                           timedelta(hours=5), "title": "Marché du bourg (avancé au vendredi)"}, original_start=moved))
    for year in (week.year, week.year + 1):
        for title, day in (("Commémoration de l'abolition de l'esclavage", date(year, 6, 10)),
                           ("Fête nationale", date(year, 7, 14)), ("Armistice du 11 novembre", date(year, 11, 11))):
            events.append(await create(EventDetails(
                title=title, starts_at=at(day, 10), ends_at=at(day, 12), category=Category.CEREMONY,
                priority=Priority.HIGH, color="#1f3a93", location=Location("Monument aux morts", "Bourg de Matoury"),
                description="Cérémonie officielle en présence du conseil municipal.")))
    answers = 0
    for event in events:
        for user, answer in zip(town.staff[1:], (Rsvp.CONFIRMED, Rsvp.TENTATIVE), strict=True):
            if user.id in event.attendees and event.id is not None:
                await call(container, RespondToEvent, RespondCommand(town.actor(user), event.id, answer))
                answers += 1
    return {"events": len(events), "answers": answers}

