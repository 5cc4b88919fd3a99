"""/api/v1/announcements/ (members) and /api/v1/staff/announcements/ (admin, pasteur, secretariat).

Members see the active announcements (start <= now < end, or no end) of their own site and those for every site,
pinned first, then by priority (urgent, high, normal, low), newest first; `is_read` is the caller's. `mark_read`
is idempotent. Staff publish (POST), edit (PUT: every field again) and delete; secretariat on their own site
only. Publishing one that is active pushes it to the members of its site (every site's when it has none)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from application.announcements.queries import AnnouncementQueries
from application.announcements.services import (
    CreateAnnouncement,
    DeleteAnnouncement,
    DeleteAnnouncementCommand,
    MarkRead,
    MarkReadCommand,
    SaveAnnouncementCommand,
    UpdateAnnouncement,
)
from application.identity.services import Principal
from domain.identity.model import Realm
from domain.shared.errors import Forbidden, InvalidInput, NotFound
from entrypoints.http.auth import principal_dependency
from entrypoints.http.errors import UNSTORABLE_TEXT_MESSAGE
from entrypoints.http.faces.eebc import announcement_schemas as wire
from entrypoints.http.openapi import may_raise
from entrypoints.http.params import Id, Page
from entrypoints.http.request_bodies import has_unstorable_text

AUTH = {"principal": principal_dependency(Realm.EEBC)}
Search = Annotated[str | None, Parameter(max_length=200, description="Recherche dans le titre et le contenu")]
PageSize = Annotated[int | None, Parameter(ge=1, le=100)]
IsRead = Annotated[bool | None, Parameter(description="true: les annonces lues, false: les non lues")]


def page_url(request: Request[Any, Any, Any], page: int) -> str:
    query = {key: value for key, value in request.query_params.items() if key != "page"}
    query["page"] = str(page)
    return f"{str(request.url).split('?', 1)[0]}?{urlencode(query)}"


def _search(search: str | None) -> str | None:
    if has_unstorable_text(search):
        raise InvalidInput.on_field("search", UNSTORABLE_TEXT_MESSAGE)
    return search


class AnnouncementsController(Controller):
    path = "/api/v1/announcements"
    tags = ("announcements",)
    dependencies = AUTH

    @get("/")
    async def list_announcements(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                                 queries: FromDishka[AnnouncementQueries], search: Search = None,
                                 is_read: IsRead = None, page: Page = 1, page_size: PageSize = None
                                 ) -> wire.AnnouncementPage:
        size = page_size or 20
        found = await queries.active(principal.actor, page=page, page_size=size, search=_search(search),
                                     is_read=is_read)
        return wire.AnnouncementPage(
            count=found.total, next=page_url(request, page + 1) if found.has_next else None,
            previous=page_url(request, page - 1) if page > 1 else None,
            results=[wire.item(card) for card in found.cards])

    @get("/{pk:int}/", opt=may_raise(NotFound))
    async def detail(self, pk: Id, principal: NamedDependency[Principal],
                     queries: FromDishka[AnnouncementQueries]) -> wire.AnnouncementDetail:
        card, site = await queries.one(principal.actor, pk)
        return wire.detail(card, site)

    @post("/{pk:int}/mark_read/", status_code=HTTP_200_OK, opt=may_raise(NotFound))
    async def mark_read(self, pk: Id, principal: NamedDependency[Principal],
                        use_case: FromDishka[MarkRead]) -> wire.MarkedRead:
        await use_case(MarkReadCommand(principal.actor, pk))
        return wire.MarkedRead(success=True, message="Annonce marquée comme lue")


class StaffAnnouncementsController(Controller):
    path = "/api/v1/staff/announcements"
    tags = ("staff",)
    dependencies = AUTH

    @get("/", opt=may_raise(Forbidden))
    async def list_managed(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                           queries: FromDishka[AnnouncementQueries], search: Search = None, page: Page = 1,
                           page_size: PageSize = None) -> wire.StaffPage:
        """Every announcement of the sites the caller manages, past and future ones too."""
        found = await queries.managed(principal.actor, page=page, page_size=page_size or 20, search=_search(search))
        results = [wire.staff(card.announcement, found.sites.get(card.announcement.site_id or 0), found.now)
                   for card in found.cards]
        return wire.StaffPage(count=found.total, next=page_url(request, page + 1) if found.has_next else None,
                              previous=page_url(request, page - 1) if page > 1 else None, results=results)

    @post("/", status_code=HTTP_201_CREATED, opt=may_raise(InvalidInput, Forbidden))
    async def create(self, data: JSONBody[wire.AnnouncementBody], principal: NamedDependency[Principal],
                     use_case: FromDishka[CreateAnnouncement],
                     queries: FromDishka[AnnouncementQueries]) -> wire.StaffSaved:
        announcement = await use_case(SaveAnnouncementCommand(principal.actor, data.details()))
        site, now = await queries.site_of(announcement)
        return wire.StaffSaved(success=True, message="Annonce publiée", data=wire.staff(announcement, site, now))

    @put("/{pk:int}/", status_code=HTTP_200_OK, opt=may_raise(InvalidInput, Forbidden, NotFound))
    async def update(self, pk: Id, data: JSONBody[wire.AnnouncementBody], principal: NamedDependency[Principal],
                     use_case: FromDishka[UpdateAnnouncement],
                     queries: FromDishka[AnnouncementQueries]) -> wire.StaffSaved:
        announcement = await use_case(SaveAnnouncementCommand(principal.actor, data.details(), pk))
        site, now = await queries.site_of(announcement)
        return wire.StaffSaved(success=True, message="Annonce modifiée", data=wire.staff(announcement, site, now))

    @delete("/{pk:int}/", status_code=HTTP_200_OK, opt=may_raise(Forbidden, NotFound))
    async def remove(self, pk: Id, principal: NamedDependency[Principal],
                     use_case: FromDishka[DeleteAnnouncement]) -> wire.StaffDeleted:
        await use_case(DeleteAnnouncementCommand(principal.actor, pk))
        return wire.StaffDeleted(success=True, message="Annonce supprimée")
