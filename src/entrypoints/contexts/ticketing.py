"""Ticketing: SpotVibe's events catalogue (the sales half joins it with its own providers and routes)."""

from __future__ import annotations

from adapters.sql.ticketing.mapping import map_entities
from application.ticketing.announcements import ANNOUNCEMENTS
from entrypoints.contexts.base import BoundedContext
from entrypoints.di.memory.ticketing import TicketingMemory
from entrypoints.di.ticketing import TicketingAdapters, TicketingPersistence, TicketingReadSide, TicketingUseCases
from entrypoints.http.faces.spotvibe.controllers import admin as spotvibe_admin
from entrypoints.http.faces.spotvibe.controllers import events as spotvibe_events
from entrypoints.seed import ticketing_demo

TICKETING = BoundedContext(
    name="ticketing",
    providers=(TicketingAdapters, TicketingPersistence, TicketingReadSide, TicketingUseCases),
    memory_providers=(TicketingMemory,),
    map_entities=map_entities,
    announcements=ANNOUNCEMENTS,
    routes={"spotvibe": (spotvibe_events.EventsController, spotvibe_admin.AdminController)},
    demo_seed=ticketing_demo,
)
