"""SpotVibe events wire shapes (spec section 4: French field names, prices as "5000.00", instants in UTC)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, UnsetType

from application.ticketing.ports import Participant, Seats
from application.ticketing.queries import EventView
from domain.shared.ids import MAX_ID
from domain.shared.money import Money
from domain.ticketing.model import CATEGORY_BY_ID, Category, Event, EventStatus, Participation

WireId = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
Amount = int | float | str | None

# The command's field names -> the wire's.
EVENT_FIELDS = {
    "title": "titre", "short_description": "description_courte", "description": "description",
    "starts_at": "date_debut", "ends_at": "date_fin", "venue": "lieu", "address": "adresse",
    "category_id": "categorie", "access_type": "type_acces", "price": "prix", "capacity": "capacite",
    "latitude": "latitude", "longitude": "longitude", "cover_image": "image_couverture",
}


class CreateEventBody(msgspec.Struct):
    titre: str
    description: str
    date_debut: datetime
    date_fin: datetime
    lieu: str
    categorie: WireId
    type_acces: str
    adresse: str = ""
    description_courte: str = ""
    prix: Amount = None
    capacite: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    statut: str | None = None  # "BROUILLON" keeps it a draft; otherwise it awaits validation


class UpdateEventBody(msgspec.Struct):
    """Only the fields sent change; `statut: "EN_ATTENTE"` sends a draft for validation."""

    titre: str | None = None
    description: str | None = None
    description_courte: str | None = None
    date_debut: datetime | None = None
    date_fin: datetime | None = None
    lieu: str | None = None
    adresse: str | None = None
    categorie: WireId | None = None
    type_acces: str | None = None
    # Missing: unchanged; null (or empty in a form): cleared (no price, unlimited seats, no position).
    prix: Amount | UnsetType = UNSET
    capacite: int | UnsetType | None = UNSET
    latitude: float | UnsetType | None = UNSET
    longitude: float | UnsetType | None = UNSET
    statut: str | None = None


class ParticipateBody(msgspec.Struct):
    event_id: WireId
    status: str = "PARTICIPE"


class ShareBody(msgspec.Struct):
    event_id: WireId
    platform: str
    shared_link: str = ""


class BulkActionBody(msgspec.Struct):
    action_type: str
    object_ids: Annotated[list[WireId], msgspec.Meta(max_length=500)]
    reason: str = ""


class BulkActionDone(msgspec.Struct):
    message: str
    processed_count: int


class Message(msgspec.Struct):
    message: str


class CategoryOut(msgspec.Struct):
    id: int
    nom: str
    description: str
    icone: str
    couleur: str


class CategoryRef(msgspec.Struct):
    id: int
    nom: str


class UserRef(msgspec.Struct):
    id: int
    username: str


class TicketTypeOut(msgspec.Struct):
    id: int | None
    nom: str
    prix: str
    quota: int | None
    disponibles: int | None


class EventItem(msgspec.Struct):
    id: int
    titre: str
    description_courte: str
    date_debut: datetime
    lieu: str
    image_couverture: str | None
    statut: str


class EventDetail(msgspec.Struct):
    id: int
    titre: str
    description: str
    description_courte: str
    date_debut: datetime
    date_fin: datetime
    lieu: str
    adresse: str
    latitude: float | None
    longitude: float | None
    createur: UserRef
    categorie: CategoryRef
    type_acces: str
    prix: str
    image_couverture: str | None
    statut: str
    nombre_vues: int
    nombre_partages: int
    capacite: int | None
    places_restantes: int | None
    types_billets: list[TicketTypeOut]
    raison_rejet: str | None
    date_creation: datetime


class EventPage(msgspec.Struct):
    count: int
    next: str | None
    previous: str | None
    results: list[EventItem]


class EventSaved(msgspec.Struct):
    message: str
    event: EventDetail


class ParticipationOut(msgspec.Struct):
    id: int
    evenement: EventItem
    statut_participation: str
    date_participation: datetime


class ParticipantOut(msgspec.Struct):
    id: int
    username: str
    photo_profil: str | None
    statut_participation: str


class StatsOut(msgspec.Struct):
    total_events: int
    active_events: int
    upcoming_events: int
    total_participants: int


def category(found: Category) -> CategoryOut:
    return CategoryOut(id=found.id, nom=found.name, description=found.description, icone=found.icon,
                       couleur=found.color)


def price_text(price: Money | None) -> str:
    return price.as_decimal_text() if price is not None else "0.00"


def item(event: Event, status: EventStatus) -> EventItem:
    assert event.id is not None
    return EventItem(id=event.id, titre=event.title, description_courte=event.short_description,
                     date_debut=event.starts_at, lieu=event.venue, image_couverture=event.cover_image,
                     statut=status.value)


def detail(view: EventView, *, extra_views: int = 0) -> EventDetail:
    event, seats = view.card.event, view.seats
    assert event.id is not None
    found = CATEGORY_BY_ID.get(event.category_id)
    return EventDetail(
        id=event.id, titre=event.title, description=event.description,
        description_courte=event.short_description, date_debut=event.starts_at, date_fin=event.ends_at,
        lieu=event.venue, adresse=event.address, latitude=event.latitude, longitude=event.longitude,
        createur=UserRef(id=event.creator_id, username=view.card.creator_username),
        categorie=CategoryRef(id=event.category_id, nom=found.name if found else ""),
        type_acces=event.access_type.value, prix=price_text(event.price), image_couverture=event.cover_image,
        statut=view.status.value, nombre_vues=event.view_count + extra_views, nombre_partages=event.share_count,
        capacite=event.capacity, places_restantes=seats.remaining, types_billets=ticket_types(seats),
        raison_rejet=event.rejection_reason, date_creation=event.created_at)


def ticket_types(seats: Seats) -> list[TicketTypeOut]:
    return [TicketTypeOut(id=t.id, nom=t.name, prix=t.price.as_decimal_text(), quota=t.quota,
                          disponibles=t.available) for t in seats.ticket_types]


def participation(found: Participation, view: EventView) -> ParticipationOut:
    assert found.id is not None
    return ParticipationOut(id=found.id, evenement=item(view.card.event, view.status),
                            statut_participation=found.status.value, date_participation=found.updated_at)


def participant(found: Participant) -> ParticipantOut:
    return ParticipantOut(id=found.user_id, username=found.username, photo_profil=found.photo,
                          statut_participation=found.status.value)
