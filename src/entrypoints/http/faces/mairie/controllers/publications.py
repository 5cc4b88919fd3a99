"""/api/v1/publications/: the town's posts and communiqués, their likes and comments (spec 3)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, delete, get, post, put
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from application.identity.services import Principal
from application.publications.ports import SortKey
from application.publications.queries import ListFilters, PublicationQueries
from application.publications.services import (
    NOT_FOUND,
    AddComment,
    AddCommentCommand,
    CommentCommand,
    CreatePublication,
    CreatePublicationCommand,
    DeleteComment,
    DeletePublication,
    PublicationCommand,
    ToggleLike,
    UpdatePublication,
    UpdatePublicationCommand,
)
from application.shared.ports import Upload
from domain.identity.model import Realm
from domain.publications.model import Priority, PublicationDetails, PublicationStatus, PublicationType
from domain.shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from entrypoints.http.auth import principal_dependency
from entrypoints.http.errors import UNSTORABLE_TEXT_MESSAGE
from entrypoints.http.faces.mairie import publication_schemas as wire
from entrypoints.http.faces.mairie.ids import COMMENT_IDS, PUBLICATION_IDS
from entrypoints.http.openapi import may_raise, reads_body
from entrypoints.http.params import Page
from entrypoints.http.request_bodies import has_unstorable_text
from entrypoints.http.uploads import convert

REALM = Realm.MAIRIE
AUTHENTICATED = {"principal": principal_dependency(REALM)}
COVER, IMAGES, NEW_IMAGES = "cover_image", "images", "new_images"
LIST_FIELDS = ("tags", "remove_images")
COMMENT_NOT_FOUND = "Commentaire introuvable"
E = TypeVar("E", bound=StrEnum)

WireId = Annotated[str, Parameter(max_length=40, description='"pub_12" (or 12)')]
WireCommentId = Annotated[str, Parameter(max_length=40, description='"com_12" (or 12)')]
TypeFilter = Annotated[str | None, QueryParameter(name="type", max_length=20, description="post ou communique")]
StatusFilter = Annotated[str | None, Parameter(max_length=20, description="draft, published, scheduled, archived")]
Search = Annotated[str | None, Parameter(max_length=200, description="Dans le titre et le contenu")]
Limit = Annotated[int | None, Parameter(ge=1, le=100, description="20 par défaut")]
Ordering = Annotated[str | None, Parameter(max_length=30, description="created_at, updated_at, published_at, "
                                           "scheduled_at, title, views, likes ; préfixe - : décroissant")]


def parse_choice(enum: type[E], value: str, field: str) -> E:
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        raise InvalidInput.on_field(field, f"Valeur invalide : {value!r} (attendu : {choices})") from None


def _utc(moment: datetime | None, field: str) -> datetime | None:
    """An instant sent without an offset is read as UTC."""
    if moment is None:
        return None
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        raise InvalidInput.on_field(field, "Date hors limites") from None


def _list_values(name: str, value: str) -> list[Any]:
    text = value.strip()
    if text.startswith("["):
        try:
            decoded = json.loads(text)
        except ValueError:
            raise InvalidInput.on_field(name, "Liste JSON invalide") from None
        if not isinstance(decoded, list):
            raise InvalidInput.on_field(name, "Liste attendue")
        return decoded
    return [part.strip() for part in text.split(",") if part.strip()]


async def read_form(request: Request[Any, Any, Any], files: tuple[str, ...]
                    ) -> tuple[dict[str, Any], dict[str, list[Upload]]]:
    """The body as JSON or as a form with files (each file field may repeat)."""
    fields: dict[str, Any] = {}
    uploads: dict[str, list[Upload]] = {}
    if request.headers.get("content-type", "").startswith(("multipart/form-data",
                                                            "application/x-www-form-urlencoded")):
        form = await request.form()
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                if name in files:
                    uploads.setdefault(name, []).append(Upload(
                        filename=value.filename or "upload", content_type=value.content_type or "",
                        data=await value.read()))
            elif name in LIST_FIELDS:
                fields.setdefault(name, []).extend(_list_values(name, value))
            else:
                fields[name] = None if value in ("", "null") else value
    elif (await request.body()).strip():
        decoded = await request.json()
        if not isinstance(decoded, dict):
            raise InvalidInput("Un objet JSON est attendu")
        fields = decoded
    if has_unstorable_text(fields):
        raise InvalidInput(UNSTORABLE_TEXT_MESSAGE)
    return fields, uploads


def _stored_id(text: str) -> int:
    stored = PUBLICATION_IDS.parse(text)
    if stored is None:
        raise NotFound(NOT_FOUND)
    return stored


def _priority(kind: PublicationType, value: str | None) -> Priority | None:
    if value is not None:
        return parse_choice(Priority, value, "priority")
    return Priority.NORMAL if kind is PublicationType.COMMUNIQUE else None


def create_command(principal: Principal, body: wire.CreatePublicationBody,
                   uploads: dict[str, list[Upload]]) -> CreatePublicationCommand:
    kind = parse_choice(PublicationType, body.type, "type")
    status = parse_choice(PublicationStatus, body.status or PublicationStatus.DRAFT.value, "status")
    covers = uploads.get(COVER, [])
    if len(covers) > 1:
        raise InvalidInput.on_field(COVER, "Une seule image de couverture")
    details = PublicationDetails(
        type=kind, title=body.title, content=body.content, excerpt=body.excerpt, category=body.category,
        tags=tuple(str(tag) for tag in body.tags or ()), priority=_priority(kind, body.priority),
        allow_comments=body.allow_comments, is_pinned=body.is_pinned,
        scheduled_at=_utc(body.scheduled_at, "scheduled_at"), expires_at=_utc(body.expires_at, "expires_at"))
    return CreatePublicationCommand(principal.actor, details, status, cover=covers[0] if covers else None,
                                    images=tuple(uploads.get(IMAGES, [])))


def changes_of(body: wire.UpdatePublicationBody) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if body.type is not None:
        changes["type"] = kind = parse_choice(PublicationType, body.type, "type")
        if kind is PublicationType.POST and isinstance(body.priority, msgspec.UnsetType):
            changes["priority"] = None
    for name in ("title", "content", "allow_comments", "is_pinned"):
        if (value := getattr(body, name)) is not None:
            changes[name] = value
    if body.tags is not None:
        changes["tags"] = tuple(str(tag) for tag in body.tags)
    for name in ("excerpt", "category"):
        if not isinstance(value := getattr(body, name), msgspec.UnsetType):
            changes[name] = value
    if not isinstance(body.priority, msgspec.UnsetType):
        changes["priority"] = None if body.priority is None else parse_choice(Priority, body.priority, "priority")
    for name in ("scheduled_at", "expires_at"):
        if not isinstance(value := getattr(body, name), msgspec.UnsetType):
            changes[name] = _utc(value, name)
    return changes


def _ordering(value: str | None) -> tuple[SortKey, bool]:
    if not value:
        return SortKey.CREATED_AT, True
    descending = value.startswith("-")
    return parse_choice(SortKey, value.removeprefix("-"), "ordering"), descending


def _page_url(request: Request[Any, Any, Any], page: int) -> str:
    query = {key: value for key, value in request.query_params.items() if key != "page"}
    query["page"] = str(page)
    path = request.url.path
    return f"{path if path.endswith('/') else path + '/'}?{urlencode(query)}"  # the routes' own spelling


class PublicationsController(Controller):
    path = "/api/v1/publications"
    tags = ("publications",)
    dependencies = AUTHENTICATED

    @get("/", opt=may_raise(InvalidInput, Forbidden))
    async def list_publications(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
        queries: FromDishka[PublicationQueries], kind: TypeFilter = None, status: StatusFilter = None,
        search: Search = None, page: Page = 1, limit: Limit = None, ordering: Ordering = None,
    ) -> wire.PublicationPage:
        """The caller's town's publications: its staff see every status, the others the published ones not
        expired. Pinned first, then by `ordering` (default -created_at)."""
        if has_unstorable_text(search):
            raise InvalidInput.on_field("search", UNSTORABLE_TEXT_MESSAGE)
        sort, descending = _ordering(ordering)
        size = limit or 20
        cards, total = await queries.page(principal.actor, ListFilters(
            type=parse_choice(PublicationType, kind, "type") if kind else None,
            status=parse_choice(PublicationStatus, status, "status") if status else None,
            search=search, sort=sort, descending=descending, page=page, limit=size))
        return wire.PublicationPage(
            count=total, next=_page_url(request, page + 1) if page * size < total else None,
            previous=_page_url(request, page - 1) if page > 1 else None, results=[wire.item(c) for c in cards])

    @post("/", status_code=HTTP_201_CREATED,
          opt=reads_body(wire.CreatePublicationBody, files=(COVER, IMAGES)) | may_raise(InvalidInput, Forbidden))
    async def create(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                     use_case: FromDishka[CreatePublication]) -> wire.PublicationCreated:
        """Mayor and admins. `status` draft (default), published or scheduled (with a future `scheduled_at`)."""
        fields, uploads = await read_form(request, (COVER, IMAGES))
        command = create_command(principal, convert(fields, wire.CreatePublicationBody), uploads)
        return wire.created(await use_case(command))

    @get("/{publication_id:str}/", opt=may_raise(NotFound, Forbidden))
    async def detail(self, publication_id: WireId, principal: NamedDependency[Principal],
                     queries: FromDishka[PublicationQueries]) -> wire.PublicationDetailOut:
        """With its visible comments as threads (`replies`); a look counts one view per account and half hour."""
        return wire.detail(await queries.detail(principal.actor, _stored_id(publication_id)))

    @put("/{publication_id:str}/", status_code=HTTP_200_OK,
         opt=reads_body(wire.UpdatePublicationBody, files=(COVER, NEW_IMAGES))
         | may_raise(InvalidInput, Forbidden, NotFound))
    async def update(self, request: Request[Any, Any, Any], publication_id: WireId,
                     principal: NamedDependency[Principal],
                     use_case: FromDishka[UpdatePublication]) -> wire.PublicationUpdated:
        """Mayor and admins; also moves the status (publish, schedule, archive, back to draft)."""
        stored = _stored_id(publication_id)
        fields, uploads = await read_form(request, (COVER, NEW_IMAGES))
        body = convert(fields, wire.UpdatePublicationBody)
        covers = uploads.get(COVER, [])
        if len(covers) > 1:
            raise InvalidInput.on_field(COVER, "Une seule image de couverture")
        publication = await use_case(UpdatePublicationCommand(
            principal.actor, stored, changes_of(body),
            status=parse_choice(PublicationStatus, body.status, "status") if body.status else None,
            cover=covers[0] if covers else None, new_images=tuple(uploads.get(NEW_IMAGES, [])),
            remove_images=tuple(str(name) for name in body.remove_images or ())))
        return wire.PublicationUpdated(id=wire.publication_id(publication), title=publication.title,
                                       updated_at=publication.updated_at, message="Publication mise à jour")

    @delete("/{publication_id:str}/", status_code=HTTP_204_NO_CONTENT, opt=may_raise(Forbidden, NotFound))
    async def remove(self, publication_id: WireId, principal: NamedDependency[Principal],
                     use_case: FromDishka[DeletePublication]) -> None:
        await use_case(PublicationCommand(principal.actor, _stored_id(publication_id)))

    @post("/{publication_id:str}/like/", status_code=HTTP_200_OK, opt=may_raise(Forbidden, NotFound))
    async def like(self, publication_id: WireId, principal: NamedDependency[Principal],
                   use_case: FromDishka[ToggleLike]) -> wire.LikeOut:
        """One like per account: a second call takes it back."""
        liked, count = await use_case(PublicationCommand(principal.actor, _stored_id(publication_id)))
        return wire.LikeOut(liked=liked, likes_count=count)

    @post("/{publication_id:str}/comments/", status_code=HTTP_201_CREATED,
          opt=may_raise(InvalidInput, Forbidden, NotFound, Conflict))
    async def comment(self, publication_id: WireId, data: JSONBody[wire.CommentBody],
                      principal: NamedDependency[Principal], use_case: FromDishka[AddComment]) -> wire.CommentCreated:
        """`parent_id` ("com_<n>") answers another comment of the same publication."""
        stored = _stored_id(publication_id)
        parent = None
        if data.parent_id is not None:
            parent = COMMENT_IDS.parse(data.parent_id)
            if parent is None:
                raise InvalidInput.on_field("parent_id", "Commentaire parent introuvable dans cette publication")
        card = await use_case(AddCommentCommand(principal.actor, stored, data.content, parent))
        return wire.comment_created(card)

    @delete("/{publication_id:str}/comments/{comment_id:str}/", status_code=HTTP_204_NO_CONTENT,
            opt=may_raise(Forbidden, NotFound))
    async def remove_comment(self, publication_id: WireId, comment_id: WireCommentId,
                             principal: NamedDependency[Principal], use_case: FromDishka[DeleteComment]) -> None:
        """Its author deletes it (with its replies); the town's moderation team (moderator, admin, mayor) hides
        another's."""
        stored_comment = COMMENT_IDS.parse(comment_id)
        if stored_comment is None:
            raise NotFound(COMMENT_NOT_FOUND)
        await use_case(CommentCommand(principal.actor, _stored_id(publication_id), stored_comment))
