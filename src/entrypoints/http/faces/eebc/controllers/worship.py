"""/api/v1/worship/: the services and their rota (list, detail, mine, history), answering an assignment, taking a
declined slot, and each member's ICS feed at a secret URL."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK

from adapters.calendar.worship_ics import render_feed
from application.identity.services import Principal
from application.shared.ports import Clock
from application.worship.feeds import FeedTokens, ReadFeed
from application.worship.rota import (
    AcceptReplacement,
    AcceptReplacementCommand,
    AnswerAssignment,
    AnswerCommand,
    Listing,
    ListServices,
    ListServicesQuery,
    ServiceDetail,
)
from domain.identity.model import Realm
from domain.shared.errors import Forbidden, InvalidInput, NotFound, StateConflict
from domain.shared.ids import MAX_ID
from domain.worship.model import Answer
from entrypoints.http.auth import principal_dependency
from entrypoints.http.faces.eebc import worship_schemas as wire
from entrypoints.http.openapi import may_raise, reads_body
from entrypoints.http.params import Id, Page
from entrypoints.http.uploads import convert

REALM = Realm.EEBC
AUTHENTICATED = {"principal": principal_dependency(REALM)}
SiteFilter = Annotated[int | None, Parameter(ge=1, le=MAX_ID, description="Filtrer par ID de site")]
PageSize = Annotated[int | None, Parameter(ge=1, le=100)]
FEEDS = "/eebc/api/v1/worship/feeds/"
T = TypeVar("T")


async def body_of(request: Request[Any, Any, Any], shape: type[T]) -> T:
    """The JSON body, read once the caller is known (so that an anonymous call is a 401 whatever it sent)."""
    value = await request.json()
    if not isinstance(value, dict):
        raise InvalidInput("Le corps de la requête doit être un objet JSON")
    return convert(value, shape)


def page_url(request: Request[Any, Any, Any], page: int) -> str:
    query = {key: value for key, value in request.query_params.items() if key != "page"}
    query["page"] = str(page)
    return f"{str(request.url).split('?', 1)[0]}?{urlencode(query)}"


async def listed(request: Request[Any, Any, Any], principal: Principal, use_case: ListServices, listing: Listing,
                 site: int | None, page: int, page_size: int | None) -> wire.ServicePageOut:
    size = page_size or 20
    found = await use_case(ListServicesQuery(principal.actor, listing, site, page, size))
    more = page * size < found.count
    return wire.page_out(found, page_url(request, page + 1) if more else None,
                         page_url(request, page - 1) if page > 1 else None)


class WorshipController(Controller):
    path = "/api/v1/worship"
    tags = ("worship",)

    @get("/services/", dependencies=AUTHENTICATED)
    async def services(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                       use_case: FromDishka[ListServices], site: SiteFilter = None, page: Page = 1,
                       page_size: PageSize = None) -> wire.ServicePageOut:
        """The coming services (from three hours ago on), soonest first, each with every assignment."""
        return await listed(request, principal, use_case, Listing.UPCOMING, site, page, page_size)

    @get("/services/my_assignments/", dependencies=AUTHENTICATED)
    async def my_assignments(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                             use_case: FromDishka[ListServices], site: SiteFilter = None, page: Page = 1,
                             page_size: PageSize = None) -> wire.ServicePageOut:
        """The coming services where the caller's member has an assignment (empty for an account that is no
        member)."""
        return await listed(request, principal, use_case, Listing.MINE, site, page, page_size)

    @get("/services/history/", dependencies=AUTHENTICATED)
    async def history(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                      use_case: FromDishka[ListServices], site: SiteFilter = None, page: Page = 1,
                      page_size: PageSize = None) -> wire.ServicePageOut:
        """The services of the last three months, newest first."""
        return await listed(request, principal, use_case, Listing.HISTORY, site, page, page_size)

    @get("/services/{service_id:int}/", dependencies=AUTHENTICATED, opt=may_raise(NotFound))
    async def detail(self, service_id: Id, principal: NamedDependency[Principal],
                     use_case: FromDishka[ServiceDetail]) -> wire.ServiceOut:
        return wire.service_out(await use_case(principal.actor, service_id))

    @post("/confirm/", status_code=HTTP_200_OK, dependencies=AUTHENTICATED,
          opt=may_raise(InvalidInput, NotFound, Forbidden, StateConflict) | reads_body(wire.ConfirmBody))
    async def confirm(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                      use_case: FromDishka[AnswerAssignment]) -> wire.AnswerOk:
        """Confirm or decline one's own assignment. Answers close 48 hours before the service (409); a decline
        offers the slot to the site's free members who serve in that role."""
        data = await body_of(request, wire.ConfirmBody)
        action = data.answer()
        done = await use_case(AnswerCommand(principal.actor, data.assignment_id, action, data.decline_reason or ""))
        message = "Assignation confirmée" if action is Answer.CONFIRM else "Assignation déclinée"
        return wire.AnswerOk(message=message, data=wire.AnswerData(done.id or 0, done.status.value,
                                                                   done.decline_reason))

    @post("/replacements/{assignment_id:int}/accept/", status_code=HTTP_200_OK, dependencies=AUTHENTICATED,
          opt=may_raise(NotFound, Forbidden, StateConflict))
    async def accept_replacement(self, assignment_id: Id, principal: NamedDependency[Principal],
                                 use_case: FromDishka[AcceptReplacement]) -> wire.AnswerOk:
        """Take a declined slot (not in the spec). The first eligible member to accept gets it; the others
        get 409."""
        taken = await use_case(AcceptReplacementCommand(principal.actor, assignment_id))
        return wire.AnswerOk(message="Remplacement accepté", data=wire.AnswerData(taken.id or 0,
                                                                                    taken.status.value, ""))

    @get("/feeds/", dependencies=AUTHENTICATED, opt=may_raise(Forbidden))
    async def feed(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                   tokens: FromDishka[FeedTokens]) -> wire.FeedOk:
        """The caller's secret ICS feed URL (to subscribe from a calendar app)."""
        return wire.FeedOk(data=wire.FeedData(feed_url(request, await tokens.current(principal.actor))))

    @post("/feeds/regenerate/", status_code=HTTP_200_OK, dependencies=AUTHENTICATED, opt=may_raise(Forbidden))
    async def regenerate(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                         tokens: FromDishka[FeedTokens]) -> wire.FeedOk:
        """A new secret URL; the old one stops working."""
        return wire.FeedOk(data=wire.FeedData(feed_url(request, await tokens.regenerate(principal.actor))))

    @get("/feeds/{filename:str}", security=[], opt=may_raise(NotFound), media_type="text/calendar")
    async def ics(self, request: Request[Any, Any, Any], filename: Annotated[str, Parameter(max_length=120)],
                  read: FromDishka[ReadFeed], clock: FromDishka[Clock]) -> Response[bytes]:
        """The member's assignments (three months back, a year ahead) as iCalendar; the URL is the credential."""
        if not filename.endswith(".ics"):
            raise NotFound("Agenda introuvable")
        entries = await read(filename.removesuffix(".ics"))
        body = render_feed(entries, clock.now(), request.url.hostname or "eebc")
        return Response(body, media_type="text/calendar; charset=utf-8",
                        headers={"Cache-Control": "private, max-age=300"})


def feed_url(request: Request[Any, Any, Any], token: str) -> str:
    return f"{str(request.base_url).rstrip('/')}{FEEDS}{token}.ics"
