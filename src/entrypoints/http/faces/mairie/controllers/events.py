"""/api/v1/events/: the town's agenda (spec 4): list (series expanded), create, detail, edit, delete, answer an
invitation, the week or month calendar; and its ICS feeds (/api/v1/events/feeds/, not in the spec)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import Body, FromQuery, JSONBody, Parameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT
from msgspec import UnsetType

from adapters.calendar.agenda_ics import render_agenda
from application.agenda.feeds import AgendaFeeds, FeedTokens, ReadFeed
from application.agenda.ports import FeedKind
from application.agenda.queries import AgendaQueries, EventFilter, midnight
from application.agenda.services import (
    NOT_FOUND,
    CreateEvent,
    CreateEventCommand,
    DeleteEvent,
    DeleteEventCommand,
    RespondCommand,
    RespondToEvent,
    UpdateEvent,
    UpdateEventCommand,
)
from application.identity.services import Principal
from application.shared.ports import Clock
from domain.agenda.errors import NotInvited
from domain.agenda.model import Category, EventDetails, Priority, Rsvp
from domain.identity.model import Realm
from domain.shared.errors import Forbidden, InvalidInput, NotFound
from entrypoints.http.auth import principal_dependency
from entrypoints.http.faces.mairie import event_schemas as wire
from entrypoints.http.faces.mairie.ids import EVENT_IDS
from entrypoints.http.openapi import may_raise
from entrypoints.http.wire import wire_names

AUTHENTICATED = {"principal": principal_dependency(Realm.MAIRIE)}
WireEventId = Annotated[str, Parameter(max_length=60, description='"evt_12", or an occurrence "evt_12_20260115T0900"')]
DEFAULT_DAYS = 31
WIRE_NAMES = {"starts_at": "start_datetime", "ends_at": "end_datetime", "attendee_ids": "attendees_ids",
              "recurrence": "rrule"}
_DAY = Parameter(description="YYYY-MM-DD, years 2000 to 2100")
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def _day(name: str, day: date | None) -> None:
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput.on_field(name, "Une date entre 2000 et 2100")


def _parsed(event_id: str) -> tuple[int, datetime | None]:
    found = wire.parse_id(event_id)
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


class EventsController(Controller):
    path = "/api/v1/events"
    tags = ("events",)
    dependencies = AUTHENTICATED

    @get("/", opt=may_raise(InvalidInput))
    async def list_events(
        self, principal: NamedDependency[Principal], queries: FromDishka[AgendaQueries], clock: FromDishka[Clock],
        start_date: Annotated[date | None, _DAY] = None, end_date: Annotated[date | None, _DAY] = None,
        category: FromQuery[Category | None] = None, priority: FromQuery[Priority | None] = None,
        search: Annotated[str | None, Parameter(max_length=200)] = None,
    ) -> wire.EventList:
        """Occurrences overlapping [start_date, end_date] (both days included; 31 days from today by default, 400
        at most), by start; a series gives one entry per occurrence, each with its own id."""
        _day("start_date", start_date)
        _day("end_date", end_date)
        if start_date is None:
            start_date = clock.now().date() if end_date is None else end_date - timedelta(days=DEFAULT_DAYS - 1)
        if end_date is None:
            end_date = start_date + timedelta(days=DEFAULT_DAYS - 1)
        wanted = EventFilter(midnight(start_date), midnight(end_date + timedelta(days=1)), category, priority, search)
        occurrences = await queries.occurrences(principal.actor, wanted)
        people = await queries.people(principal.actor.municipality_id or 0, [o.event for o in occurrences])
        return wire.EventList(count=len(occurrences), results=[wire.event_out(o, people) for o in occurrences])

    @post("/", status_code=HTTP_201_CREATED, opt=may_raise(InvalidInput, Forbidden))
    async def create_event(self, data: JSONBody[wire.EventBody], principal: NamedDependency[Principal],
                           use_case: FromDishka[CreateEvent]) -> wire.EventCreated:
        """Mayor and admins. A series: `is_recurring` with `recurring_pattern` (daily, weekly, monthly, yearly)
        or a full RFC 5545 `rrule` ("FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20261231T000000Z")."""
        with wire_names(WIRE_NAMES):
            details = EventDetails(**wire.details_fields(data))
            event = await use_case(CreateEventCommand(principal.actor, details, tuple(data.attendees_ids)))
        assert event.id is not None
        return wire.EventCreated(id=EVENT_IDS.wire(event.id), title=event.title,
                                 start_datetime=event.starts_at, created_at=event.created_at,
                                 message="Événement créé avec succès")

    @get("/calendar/", opt=may_raise(InvalidInput))
    async def calendar(self, principal: NamedDependency[Principal], queries: FromDishka[AgendaQueries],
                       clock: FromDishka[Clock], view: FromQuery[Literal["week", "month"]] = "week",
                       date_: Annotated[date | None, QueryParameter(name="date", description="YYYY-MM-DD")] = None,
                       ) -> wire.CalendarOut:
        """The week (Monday to Sunday) or the month around `date` (today by default), day by day."""
        _day("date", date_)
        return wire.calendar_out(await queries.calendar(principal.actor, view, date_ or clock.now().date()))

    @get("/{event_id:str}/", opt=may_raise(NotFound))
    async def get_event(self, event_id: WireEventId, principal: NamedDependency[Principal],
                        queries: FromDishka[AgendaQueries]) -> wire.EventOut:
        series, start = _parsed(event_id)
        occurrence = await queries.occurrence(principal.actor, series, start)
        people = await queries.people(principal.actor.municipality_id or 0, [occurrence.event])
        return wire.event_out(occurrence, people)

    @put("/{event_id:str}/", status_code=HTTP_200_OK, opt=may_raise(InvalidInput, NotFound, Forbidden))
    async def update_event(self, event_id: WireEventId, data: JSONBody[wire.EventChangesBody],
                           principal: NamedDependency[Principal], use_case: FromDishka[UpdateEvent],
                           queries: FromDishka[AgendaQueries],
                           edit_series: FromQuery[bool] = False) -> wire.EventUpdated:
        """Only the fields sent change. On an occurrence id, that occurrence alone (title, description,
        start/end, location, notes), unless `edit_series=true`."""
        series, start = _parsed(event_id)
        current = await queries.occurrence(principal.actor, series, start)
        with wire_names(WIRE_NAMES):
            changes = wire.details_fields(data, current.event.recurrence)
            attendees = None if isinstance(data.attendees_ids, UnsetType) else tuple(data.attendees_ids)
            event = await use_case(UpdateEventCommand(principal.actor, series, changes, attendees, start,
                                                      whole_series=edit_series))
        return wire.EventUpdated(id=event_id, updated_at=event.updated_at, message="Événement mis à jour")

    @delete("/{event_id:str}/", status_code=HTTP_204_NO_CONTENT, opt=may_raise(NotFound, Forbidden))
    async def delete_event(self, event_id: WireEventId, principal: NamedDependency[Principal],
                           use_case: FromDishka[DeleteEvent], delete_series: FromQuery[bool] = False) -> None:
        """On an occurrence id, cancels that occurrence alone, unless `delete_series=true`."""
        series, start = _parsed(event_id)
        await use_case(DeleteEventCommand(principal.actor, series, start, delete_series))

    @post("/{event_id:str}/respond/", status_code=HTTP_200_OK, opt=may_raise(InvalidInput, NotFound, NotInvited))
    async def respond(self, event_id: WireEventId, data: JSONBody[wire.RespondBody],
                      principal: NamedDependency[Principal], use_case: FromDishka[RespondToEvent]) -> wire.Responded:
        """For the whole event (every occurrence of a series), by an invited account."""
        series, _ = _parsed(event_id)
        await use_case(RespondCommand(principal.actor, series, Rsvp(data.status)))
        return wire.Responded(message="Réponse enregistrée", status=data.status)


FEEDS = "/mairie/api/v1/events/feeds/"
FEED_NAMES = {FeedKind.TOWN: "Agenda de la mairie", FeedKind.USER: "Mon agenda (mairie)"}


class EventFeedsController(Controller):
    """The ICS feeds: the caller's two URLs (the town's public events, their own agenda), a new URL, the feeds."""

    path = "/api/v1/events/feeds"
    tags = ("events",)

    @get("/", dependencies=AUTHENTICATED, opt=may_raise(Forbidden))
    async def feeds(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                    feeds: FromDishka[AgendaFeeds]) -> wire.FeedsOut:
        """`public_url`: the town's public events; `personal_url`: what the caller sees in the agenda (private
        events they organise or are invited to, every private one for the staff). Three months back, a year
        ahead; the URLs need no sign-in (they are secret)."""
        return _urls(request, await feeds.current(principal.actor))

    @post("/regenerate/", status_code=HTTP_200_OK, dependencies=AUTHENTICATED, opt=may_raise(InvalidInput, Forbidden))
    async def regenerate(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                         feeds: FromDishka[AgendaFeeds],
                         data: Annotated[wire.RegenerateFeedBody | None, Body()] = None) -> wire.FeedsOut:
        """A new personal URL (the old one answers 404); `{"feed": "public"}` (mayor and admins) a new URL for
        the town's public feed."""
        kind = FeedKind.TOWN if data is not None and data.feed == "public" else FeedKind.USER
        return _urls(request, await feeds.regenerate(principal.actor, kind))

    @get("/{filename:str}", security=[], opt=may_raise(NotFound), media_type="text/calendar")
    async def ics(self, request: Request[Any, Any, Any], filename: Annotated[str, Parameter(max_length=120)],
                  read: FromDishka[ReadFeed], clock: FromDishka[Clock]) -> Response[bytes]:
        """The feed as iCalendar (RFC 5545: a series is one event with its rule and exceptions)."""
        if not filename.endswith(".ics"):
            raise NotFound("Agenda introuvable")
        feed = await read(filename.removesuffix(".ics"))
        body = render_agenda(feed.events, name=FEED_NAMES[feed.kind], now=clock.now(),
                             host=request.url.hostname or "mairie")
        return Response(body, media_type="text/calendar; charset=utf-8",
                        headers={"Cache-Control": "private, max-age=300"})


def _urls(request: Request[Any, Any, Any], tokens: FeedTokens) -> wire.FeedsOut:
    base = f"{str(request.base_url).rstrip('/')}{FEEDS}"
    return wire.FeedsOut(public_url=f"{base}{tokens.town}.ics", personal_url=f"{base}{tokens.personal}.ics")
