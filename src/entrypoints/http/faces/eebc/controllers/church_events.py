"""/api/v1/events/ (members: list, detail, their registrations, register / unregister) and
/api/v1/staff/events/ (staff: create, change or cancel, delete, see registrations and the waiting list).

A full event puts a new registration on the waiting list (201, `status: "waiting"`, its `waiting_position`,
message "Ajouté à la liste d'attente"); unregistering frees the place for the first waiting person, who gets a
push. Registering twice or to a cancelled or past event is a 409.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import Body, JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from msgspec import UNSET

from application.church_events.queries import MAX_SEARCH, ChurchEventQueries, EventList
from application.church_events.services import (
    CreateEvent,
    CreateEventCommand,
    DeleteEvent,
    EventCommand,
    Register,
    RegisterCommand,
    Unregister,
    UpdateEvent,
    UpdateEventCommand,
)
from application.identity.services import Principal
from domain.church_events.model import EventDetails
from domain.identity.model import Realm
from domain.shared.errors import Forbidden, InvalidInput, NotFound, StateConflict
from domain.shared.ids import MAX_ID
from entrypoints.http.auth import principal_dependency
from entrypoints.http.faces.eebc import church_event_schemas as wire
from entrypoints.http.faces.eebc.schemas import REQUIRED
from entrypoints.http.openapi import may_raise
from entrypoints.http.params import Id, Page
from entrypoints.http.wire import wire_names

AUTHENTICATED = {"principal": principal_dependency(Realm.EEBC)}
SiteFilter = Annotated[int | None, Parameter(ge=1, le=MAX_ID, description="Filtrer par ID de site")]
Search = Annotated[str | None, Parameter(max_length=MAX_SEARCH, description="Recherche par titre ou description")]
DateFilter = Annotated[date | None, Parameter(description="YYYY-MM-DD")]


def page_url(request: Request[Any, Any, Any], page: int) -> str:
    query = {key: value for key, value in request.query_params.items() if key != "page"}
    query["page"] = str(page)
    base = str(request.url).split("?", 1)[0]
    return f"{base if base.endswith('/') else base + '/'}?{urlencode(query)}"  # the routes' own spelling


def event_page(request: Request[Any, Any, Any], found: EventList, page: int) -> wire.EventPage:
    return wire.EventPage(
        count=found.total, next=page_url(request, page + 1) if found.has_next else None,
        previous=page_url(request, page - 1) if page > 1 and found.total else None,
        results=[wire.event_out(card, found.sites.get(card.event.site_id)) for card in found.cards])


class EventsController(Controller):
    path = "/api/v1/events"
    tags = ("events",)
    dependencies = AUTHENTICATED

    @get("/", opt=may_raise(InvalidInput))
    async def list_events(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                          queries: FromDishka[ChurchEventQueries], page: Page = 1, search: Search = None,
                          start_date: DateFilter = None, end_date: DateFilter = None,
                          site: SiteFilter = None) -> wire.EventPage:
        """Upcoming events (last day today or later, French Guiana time) unless `start_date`/`end_date` are
        given (then the events overlapping them), by start; 20 a page."""
        found = await queries.events(principal.actor, page=page, search=search, start_date=start_date,
                                     end_date=end_date, site_id=site)
        return event_page(request, found, page)

    @get("/my_registrations/")
    async def my_registrations(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                               queries: FromDishka[ChurchEventQueries], page: Page = 1) -> wire.EventPage:
        """The events the caller is registered to or waiting for (`registration_status`), past ones included."""
        found = await queries.events(principal.actor, page=page, mine=True)
        return event_page(request, found, page)

    @get("/{event_id:int}/", opt=may_raise(NotFound))
    async def detail(self, event_id: Id, principal: NamedDependency[Principal],
                     queries: FromDishka[ChurchEventQueries]) -> wire.EventOut:
        view = await queries.event(principal.actor, event_id)
        return wire.event_out(view.card, view.site)

    @post("/{event_id:int}/register/", status_code=HTTP_201_CREATED,
          opt=may_raise(InvalidInput, NotFound, StateConflict))
    async def register(self, event_id: Id, principal: NamedDependency[Principal], use_case: FromDishka[Register],
                       data: Annotated[wire.RegisterBody | None, Body()] = None) -> wire.RegisteredOk:
        """Body optional: {"notes": "..."} (1000 characters at most)."""
        result = await use_case(RegisterCommand(principal.actor, event_id, data.notes if data else ""))
        return wire.registered(result)

    @delete("/{event_id:int}/register/", status_code=HTTP_200_OK, opt=may_raise(NotFound))
    async def unregister(self, event_id: Id, principal: NamedDependency[Principal],
                         use_case: FromDishka[Unregister]) -> wire.Message:
        """Frees the place (or leaves the waiting list); 404 when the caller was not registered."""
        await use_case(EventCommand(principal.actor, event_id))
        return wire.Message(message="Désinscription réussie")


class StaffEventsController(Controller):
    path = "/api/v1/staff/events"
    tags = ("staff",)
    dependencies = AUTHENTICATED

    @post("/", status_code=HTTP_201_CREATED, opt=may_raise(InvalidInput, Forbidden))
    async def create(self, data: JSONBody[wire.EventBody], principal: NamedDependency[Principal],
                     use_case: FromDishka[CreateEvent], queries: FromDishka[ChurchEventQueries]) -> wire.EventOk:
        """admin / pasteur: any site; secretariat / ancien: their own site. Required: title, start_date, site."""
        missing = [name for name in ("title", "start_date", "site") if getattr(data, name) is UNSET]
        if missing:
            raise InvalidInput("Les données fournies sont invalides", details={n: [REQUIRED] for n in missing})
        changes = data.changes()
        details = EventDetails(title=changes.pop("title"), start_date=changes.pop("start_date"))
        details = EventDetails(**{**details.__dict__, **changes})
        assert isinstance(data.site, int)
        with wire_names(wire.EVENT_FIELDS):
            event = await use_case(CreateEventCommand(principal.actor, data.site, details))
        assert event.id is not None
        view = await queries.event(principal.actor, event.id)
        return wire.EventOk(message="Événement créé", data=wire.event_out(view.card, view.site))

    @put("/{event_id:int}/", status_code=HTTP_200_OK, opt=may_raise(InvalidInput, Forbidden, NotFound))
    async def update(self, event_id: Id, data: JSONBody[wire.EventBody], principal: NamedDependency[Principal],
                     use_case: FromDishka[UpdateEvent], queries: FromDishka[ChurchEventQueries]) -> wire.EventOk:
        """Only the fields sent change. `is_cancelled: true` cancels it (its registered people get a push);
        a larger `capacity` lets the first waiting people in."""
        with wire_names(wire.EVENT_FIELDS):
            await use_case(UpdateEventCommand(
                principal.actor, event_id, data.changes(),
                site_id=data.site if isinstance(data.site, int) else None,
                is_cancelled=data.is_cancelled if isinstance(data.is_cancelled, bool) else None))
        view = await queries.event(principal.actor, event_id)
        return wire.EventOk(message="Événement modifié", data=wire.event_out(view.card, view.site))

    @delete("/{event_id:int}/", status_code=HTTP_200_OK, opt=may_raise(Forbidden, NotFound, StateConflict))
    async def remove(self, event_id: Id, principal: NamedDependency[Principal],
                     use_case: FromDishka[DeleteEvent]) -> wire.Message:
        """An event with registrations is not deleted (409): cancel it instead."""
        await use_case(EventCommand(principal.actor, event_id))
        return wire.Message(message="Événement supprimé")

    @get("/{event_id:int}/registrations/", opt=may_raise(Forbidden, NotFound))
    async def registrations(self, event_id: Id, principal: NamedDependency[Principal],
                            queries: FromDishka[ChurchEventQueries]) -> wire.EventRegistrationsOk:
        """Registered people then the waiting list, each in order of registration."""
        return wire.registrations(await queries.registrations(principal.actor, event_id))
