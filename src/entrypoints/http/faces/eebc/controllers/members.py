"""/api/v1/members/: the directory, for every signed-in EEBC account (active members of every site).

`search` matches names, email and phone digits, without regard to case or accents (`helene` finds `Hélène`,
`0694 12` finds `+594694123456`); each word must match. `site` filters by site id; `ordering` is one of
`last_name`, `first_name`, `-last_name`, `-first_name`. Whether members see each other's email and phone is
`CommunityConfig.contacts_visible_to_members` (default: yes, as the original did); hidden contacts are `""`/null.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import Parameter

from application.community.ports import Ordering
from application.community.queries import CommunityQueries
from application.identity.services import Principal
from application.shared.ports import Clock
from domain.identity.model import Realm
from domain.shared.errors import InvalidInput, NotFound
from domain.shared.ids import MAX_ID
from entrypoints.http.auth import principal_dependency
from entrypoints.http.faces.eebc import member_schemas as wire
from entrypoints.http.openapi import may_raise
from entrypoints.http.params import Id

REALM = Realm.EEBC
AUTH = {"principal": principal_dependency(REALM)}
Search = Annotated[str | None, Parameter(max_length=200)]
SiteFilter = Annotated[int | None, Parameter(ge=1, le=MAX_ID)]
PageNumber = Annotated[int | None, Parameter(ge=1, le=10_000_000)]
OrderingParam = Annotated[str | None, Parameter(max_length=20, description="last_name, first_name, -last_name, "
                                                                         "-first_name")]


def parse_ordering(value: str | None) -> Ordering:
    try:
        return Ordering(value or Ordering.LAST_NAME.value)
    except ValueError:
        choices = ", ".join(o.value for o in Ordering)
        raise InvalidInput.on_field("ordering", f"Valeur invalide (attendu : {choices})") from None


def page_url(request: Request[Any, Any, Any], page: int) -> str:
    query = {key: value for key, value in request.query_params.items() if key != "page"}
    query["page"] = str(page)
    base = str(request.url).split("?", 1)[0]
    return f"{base if base.endswith('/') else base + '/'}?{urlencode(query)}"  # the routes' own spelling


def links(request: Request[Any, Any, Any], page: int, has_next: bool) -> tuple[str | None, str | None]:
    return (page_url(request, page + 1) if has_next else None, page_url(request, page - 1) if page > 1 else None)


class MembersController(Controller):
    path = "/api/v1/members"
    tags = ("members",)
    dependencies = AUTH

    @get("/", opt=may_raise(InvalidInput))
    async def directory(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                        queries: FromDishka[CommunityQueries], search: Search = None, site: SiteFilter = None,
                        ordering: OrderingParam = None, page: PageNumber = None) -> wire.MemberPageBody:
        """Active members, 20 a page."""
        number = page or 1
        found = await queries.directory(principal.actor, search=search, site_id=site,
                                        ordering=parse_ordering(ordering), page=number)
        return wire.page_body(found, *links(request, number, found.has_next))

    @get("/{member_id:int}/", opt=may_raise(NotFound))
    async def show(self, member_id: Id, principal: NamedDependency[Principal], queries: FromDishka[CommunityQueries],
                   clock: FromDishka[Clock]) -> wire.MemberDetail:
        """A member with their family (the other members of it) and site."""
        view = await queries.member(principal.actor, member_id)
        return wire.detail(view, clock.now().date())
