"""Agenda: the mayor's agenda on the Mairie face (tables `agenda_*`): events, series (RRULE), attendees, reminders, ICS
feeds."""

from __future__ import annotations

from adapters.sql.agenda import mapping
from application.agenda.reminders import SendReminders
from entrypoints.contexts.base import BoundedContext, Cron
from entrypoints.di.agenda import AgendaAdapters, AgendaPersistence, AgendaUseCases
from entrypoints.di.memory.agenda import AgendaMemory
from entrypoints.http.faces.mairie.controllers import events as mairie_events
from entrypoints.seed_agenda import agenda_demo

AGENDA = BoundedContext(
    name="agenda",
    providers=(AgendaAdapters, AgendaPersistence, AgendaUseCases),
    memory_providers=(AgendaMemory,),
    map_entities=mapping.map_entities,
    routes={"mairie": (mairie_events.EventFeedsController, mairie_events.EventsController)},
    crons=(Cron("agenda_send_reminders", SendReminders, "* * * * *"),),
    demo_seed=agenda_demo,
)
