"""/api/events/: the catalogue (categories, list, detail, create, update, delete), participations, shares, the
organiser's and the participant's lists, stats and trending; the event actions of /api/admin/bulk-action/."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from dishka import AsyncContainer
from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT
from msgspec import UnsetType

from application.identity.services import Principal
from application.ticketing.catalogue import (
    CancelParticipation,
    CreateEvent,
    CreateEventCommand,
    DeleteEvent,
    EventCommand,
    ModerateCommand,
    ModerateEvents,
    Participate,
    ParticipateCommand,
    RecordView,
    ShareCommand,
    ShareEvent,
    UpdateEvent,
    UpdateEventCommand,
)
from application.ticketing.queries import TicketingQueries
from domain.identity.model import Realm
from domain.shared.actor import Actor
from domain.shared.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, StateConflict
from domain.shared.ids import MAX_ID
from domain.shared.money import Money
from domain.ticketing.model import (
    CURRENCY,
    AccessType,
    EventDetails,
    EventStatus,
    ParticipationStatus,
    Platform,
    Viewer,
)
from entrypoints.http.auth import client_ip, optional_principal_dependency, principal_dependency
from entrypoints.http.errors import UNSTORABLE_TEXT_MESSAGE
from entrypoints.http.faces.spotvibe import event_schemas as wire
from entrypoints.http.openapi import OPTIONAL_BEARER, may_raise, reads_body
from entrypoints.http.params import Id, Page
from entrypoints.http.request_bodies import has_unstorable_text
from entrypoints.http.uploads import convert, read_body_and_files
from entrypoints.http.wire import wire_names

REALM = Realm.SPOTVIBE
AUTH = {"principal": principal_dependency(REALM)}
ANYONE = {"principal": optional_principal_dependency(REALM)}
COVER = "image_couverture"
E = TypeVar("E", bound=StrEnum)
Search = Annotated[str | None, Parameter(max_length=200)]
StatusFilter = Annotated[str | None, Parameter(max_length=20, description="BROUILLON, EN_ATTENTE, VALIDE, REJETE, "
                                                                         "ANNULE ou TERMINE")]
PRICE = re.compile(r"[0-9]{1,15}(\.[0-9]{1,2})?")
PageSize = Annotated[int | None, Parameter(ge=1, le=100)]
CategoryFilter = Annotated[int | None, Parameter(ge=1, le=MAX_ID)]


def parse_choice(enum: type[E], value: str, field: str) -> E:
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        raise InvalidInput.on_field(field, f"Valeur invalide : {value!r} (attendu : {choices})") from None


def parse_price(value: int | float | str | None) -> Money | None:
    """A price as the spec writes it ("5000.00", or a number): whole XOF, at most two zero decimals."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not PRICE.fullmatch(text):
        raise InvalidInput.on_field("prix", "Montant invalide (en XOF, sans centimes)")
    try:
        return Money.parse(text, CURRENCY)
    except (InvalidOperation, ValueError, DomainError):
        raise InvalidInput.on_field("prix", "Montant invalide (en XOF, sans centimes)") from None


def utc(moment: datetime, field: str) -> datetime:
    """An instant sent without an offset is read as UTC."""
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        raise InvalidInput.on_field(field, "Date hors limites") from None


def actor_of(principal: Principal | None) -> Actor | None:
    return None if principal is None else principal.actor


def page_url(request: Request[Any, Any, Any], page: int) -> str:
    query = {key: value for key, value in request.query_params.items() if key != "page"}
    query["page"] = str(page)
    base = str(request.url).split("?", 1)[0]
    return f"{base if base.endswith('/') else base + '/'}?{urlencode(query)}"  # the routes' own spelling


def create_details(body: wire.CreateEventBody) -> tuple[EventDetails, bool]:
    draft = False
    if body.statut is not None:
        draft = parse_choice(EventStatus, body.statut, "statut") is EventStatus.DRAFT
        if not draft and body.statut != EventStatus.PENDING.value:
            raise InvalidInput.on_field("statut", "Un événement se crée en BROUILLON ou EN_ATTENTE")
    details = EventDetails(
        title=body.titre, description=body.description, short_description=body.description_courte,
        starts_at=utc(body.date_debut, "date_debut"), ends_at=utc(body.date_fin, "date_fin"), venue=body.lieu,
        address=body.adresse,
        category_id=body.categorie, access_type=parse_choice(AccessType, body.type_acces, "type_acces"),
        price=parse_price(body.prix), capacity=body.capacite, latitude=body.latitude, longitude=body.longitude)
    return details, draft


def changes_of(body: wire.UpdateEventBody) -> tuple[dict[str, Any], bool]:
    changes: dict[str, Any] = {}
    for field, name in (("titre", "title"), ("description", "description"), ("lieu", "venue")):
        value = getattr(body, field)
        if value is not None:
            changes[name] = value
    for field, name in (("description_courte", "short_description"), ("adresse", "address")):
        value = getattr(body, field)
        if value is not None:
            changes[name] = value
    if body.date_debut is not None:
        changes["starts_at"] = utc(body.date_debut, "date_debut")
    if body.date_fin is not None:
        changes["ends_at"] = utc(body.date_fin, "date_fin")
    if body.categorie is not None:
        changes["category_id"] = body.categorie
    if body.type_acces is not None:
        changes["access_type"] = parse_choice(AccessType, body.type_acces, "type_acces")
    if not isinstance(body.prix, UnsetType):
        changes["price"] = parse_price(body.prix)
    for field, name in (("capacite", "capacity"), ("latitude", "latitude"), ("longitude", "longitude")):
        value = getattr(body, field)
        if not isinstance(value, UnsetType):
            changes[name] = value
    submit = False
    if body.statut is not None:
        if body.statut != EventStatus.PENDING.value:
            raise InvalidInput.on_field("statut", "Seul EN_ATTENTE (soumettre un brouillon) peut être demandé")
        submit = True
    return changes, submit


class EventsController(Controller):
    path = "/api/events"
    tags = ("events",)

    @get("/categories/", security=[])
    async def categories(self, queries: FromDishka[TicketingQueries]) -> list[wire.CategoryOut]:
        return [wire.category(found) for found in queries.categories()]

    @get("/", security=OPTIONAL_BEARER, dependencies=ANYONE)
    async def list_events(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal | None],
        queries: FromDishka[TicketingQueries], page: Page = 1, page_size: PageSize = None, search: Search = None,
        category: CategoryFilter = None, status: StatusFilter = None,
    ) -> wire.EventPage:
        if has_unstorable_text(search):
            raise InvalidInput.on_field("search", UNSTORABLE_TEXT_MESSAGE)
        wanted = None if not status else parse_choice(EventStatus, status, "status")
        found = await queries.events(actor_of(principal), page=page, page_size=page_size, search=search,
                                     category_id=category, status=wanted)
        return wire.EventPage(
            count=found.total, next=page_url(request, page + 1) if found.has_next else None,
            previous=page_url(request, page - 1) if page > 1 else None,
            results=[wire.item(card.event, card.event.status_at(found.now)) for card in found.cards])

    @post("/create/", status_code=HTTP_201_CREATED, dependencies=AUTH,
          opt=reads_body(wire.CreateEventBody, files=(COVER,)) | may_raise(InvalidInput, Forbidden))
    async def create(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                     use_case: FromDishka[CreateEvent], queries: FromDishka[TicketingQueries]) -> wire.EventSaved:
        fields, files = await read_body_and_files(request, file_fields=(COVER,))
        body = convert(fields, wire.CreateEventBody)
        with wire_names(wire.EVENT_FIELDS):
            details, draft = create_details(body)
            event = await use_case(CreateEventCommand(principal.actor, details, cover=files.get(COVER), draft=draft))
        assert event.id is not None
        view = await queries.event(event.id, principal.actor)
        return wire.EventSaved(message="Événement créé avec succès.", event=wire.detail(view))

    @get("/{pk:int}/", security=OPTIONAL_BEARER, dependencies=ANYONE)
    async def detail(self, request: Request[Any, Any, Any], pk: Id, principal: NamedDependency[Principal | None],
                     queries: FromDishka[TicketingQueries], record_view: FromDishka[RecordView]) -> wire.EventDetail:
        view = await queries.event(pk, actor_of(principal))
        viewer = (Viewer.account(principal.actor.user_id) if principal is not None
                  else Viewer.anonymous(client_ip(request) or "inconnu"))
        counted = await record_view(view.card.event, viewer)
        return wire.detail(view, extra_views=1 if counted else 0)

    @put("/{pk:int}/update/", status_code=HTTP_200_OK, dependencies=AUTH,
         opt=reads_body(wire.UpdateEventBody, files=(COVER,)) | may_raise(InvalidInput, Forbidden, NotFound, Conflict))
    async def update(self, request: Request[Any, Any, Any], pk: Id, principal: NamedDependency[Principal],
                     use_case: FromDishka[UpdateEvent], queries: FromDishka[TicketingQueries]) -> wire.EventSaved:
        fields, files = await read_body_and_files(request, file_fields=(COVER,))
        body = convert(fields, wire.UpdateEventBody)
        with wire_names(wire.EVENT_FIELDS):
            changes, submit = changes_of(body)
            event = await use_case(UpdateEventCommand(principal.actor, pk, changes, cover=files.get(COVER),
                                                      submit=submit))
        assert event.id is not None
        view = await queries.event(event.id, principal.actor)
        return wire.EventSaved(message="Événement mis à jour avec succès.", event=wire.detail(view))

    @delete("/{pk:int}/delete/", status_code=HTTP_204_NO_CONTENT, dependencies=AUTH,
            opt=may_raise(Forbidden, NotFound, StateConflict))
    async def remove(self, pk: Id, principal: NamedDependency[Principal], use_case: FromDishka[DeleteEvent]) -> None:
        await use_case(EventCommand(principal.actor, pk))

    @post("/participate/", status_code=HTTP_201_CREATED, dependencies=AUTH,
          opt=may_raise(InvalidInput, NotFound, Conflict))
    async def participate(self, data: JSONBody[wire.ParticipateBody], principal: NamedDependency[Principal],
                          use_case: FromDishka[Participate]) -> wire.Message:
        status = parse_choice(ParticipationStatus, data.status, "status")
        await use_case(ParticipateCommand(principal.actor, data.event_id, status))
        return wire.Message(message="Participation enregistrée avec succès.")

    @post("/{event_id:int}/cancel-participation/", status_code=HTTP_200_OK, dependencies=AUTH,
          opt=may_raise(InvalidInput))
    async def cancel_participation(self, event_id: Id, principal: NamedDependency[Principal],
                                   use_case: FromDishka[CancelParticipation]) -> wire.Message:
        await use_case(EventCommand(principal.actor, event_id))
        return wire.Message(message="Participation annulée avec succès.")

    @get("/{event_id:int}/participants/", security=OPTIONAL_BEARER, dependencies=ANYONE)
    async def participants(self, event_id: Id, principal: NamedDependency[Principal | None],
                           queries: FromDishka[TicketingQueries]) -> list[wire.ParticipantOut]:
        return [wire.participant(p) for p in await queries.participants(event_id, actor_of(principal))]

    @post("/share/", status_code=HTTP_201_CREATED, dependencies=AUTH, opt=may_raise(InvalidInput, NotFound))
    async def share(self, data: JSONBody[wire.ShareBody], principal: NamedDependency[Principal],
                    use_case: FromDishka[ShareEvent]) -> wire.Message:
        platform = parse_choice(Platform, data.platform, "platform")
        with wire_names({"link": "shared_link"}):
            await use_case(ShareCommand(principal.actor, data.event_id, platform, data.shared_link))
        return wire.Message(message="Partage enregistré avec succès.")

    @get("/my-events/", dependencies=AUTH)
    async def my_events(self, principal: NamedDependency[Principal],
                        queries: FromDishka[TicketingQueries]) -> list[wire.EventDetail]:
        return [wire.detail(view) for view in await queries.my_events(principal.actor)]

    @get("/my-participations/", dependencies=AUTH)
    async def my_participations(self, principal: NamedDependency[Principal],
                                queries: FromDishka[TicketingQueries]) -> list[wire.ParticipationOut]:
        return [wire.participation(p, view) for p, view in await queries.my_participations(principal.actor)]

    @get("/stats/", security=[])
    async def stats(self, queries: FromDishka[TicketingQueries]) -> wire.StatsOut:
        found = await queries.stats()
        return wire.StatsOut(total_events=found.total_events, active_events=found.active_events,
                             upcoming_events=found.upcoming_events, total_participants=found.total_participants)

    @get("/trending/", security=[])
    async def trending(self, queries: FromDishka[TicketingQueries]) -> list[wire.EventDetail]:
        return [wire.detail(view) for view in await queries.trending()]


# /api/admin/bulk-action/ actions of the catalogue: action_type -> what it does with the container of the request.
BulkAction = Callable[[AsyncContainer, Actor, list[int], str], Awaitable[int]]


async def approve_events(container: AsyncContainer, actor: Actor, ids: list[int], reason: str) -> int:
    moderate = await container.get(ModerateEvents)
    with wire_names({"event_ids": "object_ids"}):
        return await moderate(ModerateCommand(actor, ids, approve=True, reason=reason))


async def reject_events(container: AsyncContainer, actor: Actor, ids: list[int], reason: str) -> int:
    moderate = await container.get(ModerateEvents)
    with wire_names({"event_ids": "object_ids"}):
        return await moderate(ModerateCommand(actor, ids, approve=False, reason=reason))


BULK_ACTIONS: dict[str, BulkAction] = {"approve_events": approve_events, "reject_events": reject_events}
