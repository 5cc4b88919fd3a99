"""Ticketing: SpotVibe's events catalogue and its ticket sales (tables `ticketing_*` and `ticketing_sales_*`), one
context; the two halves meet in application/ticketing/bridge.py."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sql.ticketing import mapping as catalogue_mapping
from adapters.sql.ticketing_sales import mapping as sales_mapping
from adapters.tickets.payments import TicketPurposeOwner
from application.ticketing.announcements import ANNOUNCEMENTS
from application.ticketing.sales.services import CancelEventSales, ExpireHolds
from application.ticketing.sales.topics import CANCEL_EVENT_SALES, EXPIRE_HOLDS
from entrypoints.contexts.base import BoundedContext, Cron
from entrypoints.di.memory.ticketing import TicketingMemory
from entrypoints.di.memory.ticketing_sales import SalesMemory
from entrypoints.di.ticketing import TicketingAdapters, TicketingPersistence, TicketingReadSide, TicketingUseCases
from entrypoints.di.ticketing_sales import SalesAdapters, SalesPersistence, SalesUseCases
from entrypoints.http.faces.spotvibe.controllers import admin as spotvibe_admin
from entrypoints.http.faces.spotvibe.controllers import events as spotvibe_events
from entrypoints.http.faces.spotvibe.controllers import tickets as spotvibe_tickets
from entrypoints.seed import ticketing_demo


def map_entities(mapper: registry) -> None:
    catalogue_mapping.map_entities(mapper)
    sales_mapping.map_entities(mapper)


TICKETING = BoundedContext(
    name="ticketing",
    providers=(TicketingAdapters, TicketingPersistence, TicketingReadSide, TicketingUseCases,
               SalesAdapters, SalesPersistence, SalesUseCases),
    memory_providers=(TicketingMemory, SalesMemory),
    map_entities=map_entities,
    announcements=ANNOUNCEMENTS,
    jobs={CANCEL_EVENT_SALES: CancelEventSales},
    crons=(Cron(EXPIRE_HOLDS, ExpireHolds, "* * * * *"),),
    routes={"spotvibe": (spotvibe_tickets.TicketsController, spotvibe_events.EventsController,
                         spotvibe_admin.AdminController)},
    purpose_owners=(TicketPurposeOwner,),
    demo_seed=ticketing_demo,
)
