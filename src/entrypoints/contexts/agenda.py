"""Agenda: the mayor's agenda on the Mairie face (table `agenda_events`): events, series (RRULE), attendees."""

from __future__ import annotations

from adapters.sql.agenda import mapping
from entrypoints.contexts.base import BoundedContext
from entrypoints.di.agenda import AgendaAdapters, AgendaPersistence, AgendaUseCases
from entrypoints.di.memory.agenda import AgendaMemory
from entrypoints.http.faces.mairie.controllers import events as mairie_events

AGENDA = BoundedContext(
    name="agenda",
    providers=(AgendaAdapters, AgendaPersistence, AgendaUseCases),
    memory_providers=(AgendaMemory,),
    map_entities=mapping.map_entities,
    routes={"mairie": (mairie_events.EventsController,)},
)
