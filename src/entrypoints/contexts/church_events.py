"""Church events: the sites' events with registration, capacity and a waiting list (tables `church_events_*`)."""

from __future__ import annotations

from adapters.sql.church_events import mapping
from application.church_events.announcements import ANNOUNCEMENTS
from application.church_events.services import TellCancelled
from application.church_events.topics import TELL_CANCELLED
from entrypoints.contexts.base import BoundedContext
from entrypoints.di.church_events import ChurchEventsPersistence, ChurchEventsUseCases
from entrypoints.di.memory.church_events import ChurchEventsMemory
from entrypoints.http.faces.eebc.controllers import church_events as eebc_events
from entrypoints.seed_church_events import church_events_demo

CHURCH_EVENTS = BoundedContext(
    name="church_events",
    providers=(ChurchEventsPersistence, ChurchEventsUseCases),
    memory_providers=(ChurchEventsMemory,),
    map_entities=mapping.map_entities,
    announcements=ANNOUNCEMENTS,
    jobs={TELL_CANCELLED: TellCancelled},
    routes={"eebc": (eebc_events.EventsController, eebc_events.StaffEventsController)},
    demo_seed=church_events_demo,
)
