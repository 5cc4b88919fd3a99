"""The Event aggregate (its status machine and the rules on its details), categories, participations, shares."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.shared.events import RecordsEvents
from domain.shared.money import Money
from domain.shared.time import require_aware
from domain.ticketing.errors import EventInvalid, EventStarted, InvalidEventTransition
from domain.ticketing.events import EventApproved, EventCancelled, EventRejected, EventSubmitted

CURRENCY = "XOF"
MAX_PRICE_MINOR = 100_000_000  # 100 million XOF for one seat: anything above is a typing slip
MAX_CAPACITY = 1_000_000
TITLE_MAX, VENUE_MAX, ADDRESS_MAX, SHORT_MAX, DESCRIPTION_MAX, REASON_MAX = 200, 200, 500, 300, 10_000, 1_000


class EventStatus(StrEnum):
    DRAFT = "BROUILLON"
    PENDING = "EN_ATTENTE"
    VALIDATED = "VALIDE"
    REJECTED = "REJETE"
    CANCELLED = "ANNULE"
    FINISHED = "TERMINE"  # never stored: a validated event is shown finished once its end has passed


class AccessType(StrEnum):
    FREE = "GRATUIT"
    PAID = "PAYANT"
    INVITATION = "INVITATION"


class ParticipationStatus(StrEnum):
    GOING = "PARTICIPE"
    INTERESTED = "INTERESSE"


class Platform(StrEnum):
    FACEBOOK = "FACEBOOK"
    TWITTER = "TWITTER"
    WHATSAPP = "WHATSAPP"
    INSTAGRAM = "INSTAGRAM"
    TELEGRAM = "TELEGRAM"
    LINKEDIN = "LINKEDIN"
    TIKTOK = "TIKTOK"
    EMAIL = "EMAIL"
    SMS = "SMS"
    COPY_LINK = "LIEN"
    OTHER = "AUTRE"


@dataclass(frozen=True)
class Category:
    id: int
    name: str
    description: str
    icon: str
    color: str


CATEGORIES: tuple[Category, ...] = (
    Category(1, "Concert", "Événements musicaux en direct.", "fas fa-music", "#E53935"),
    Category(2, "Festival", "Plusieurs jours de musique, d'arts et de fête.", "fas fa-star", "#8E24AA"),
    Category(3, "Conférence", "Conférences, débats et tables rondes.", "fas fa-microphone", "#1E88E5"),
    Category(4, "Sport", "Matchs, tournois, courses et activités sportives.", "fas fa-futbol", "#43A047"),
    Category(5, "Culture", "Théâtre, expositions, cinéma et patrimoine.", "fas fa-theater-masks", "#FB8C00"),
    Category(6, "Formation", "Ateliers, cours et séminaires.", "fas fa-chalkboard-teacher", "#00897B"),
    Category(7, "Soirée", "Soirées, clubs et fêtes.", "fas fa-glass-cheers", "#D81B60"),
    Category(8, "Gastronomie", "Dégustations, marchés et cuisine.", "fas fa-utensils", "#6D4C41"),
    Category(9, "Religion", "Cultes, veillées et rassemblements spirituels.", "fas fa-praying-hands", "#5E35B1"),
    Category(10, "Business", "Salons, rencontres professionnelles et networking.", "fas fa-briefcase",
             "#546E7A"),
    Category(11, "Famille", "Sorties et activités pour petits et grands.", "fas fa-child", "#FDD835"),
    Category(12, "Autre", "Tout ce qui ne rentre dans aucune autre catégorie.", "fas fa-calendar", "#757575"),
)
CATEGORY_BY_ID = {category.id: category for category in CATEGORIES}

@dataclass(frozen=True)
class EventDetails:
    """What an organiser says about an event: the whole of it, as created or after changes were applied."""

    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    category_id: int
    access_type: AccessType
    short_description: str = ""
    address: str = ""
    price: Money | None = None
    capacity: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    cover_image: str | None = None

    def problems(self) -> dict[str, list[str]]:
        """Field -> messages; empty when the details hold together."""
        found: dict[str, list[str]] = {}

        def add(name: str, message: str) -> None:
            found.setdefault(name, []).append(message)

        for name, limit, required in (("title", TITLE_MAX, True), ("venue", VENUE_MAX, True),
                                      ("description", DESCRIPTION_MAX, True), ("address", ADDRESS_MAX, False),
                                      ("short_description", SHORT_MAX, False)):
            value: str = getattr(self, name)
            if required and not value.strip():
                add(name, "Ce champ est requis")
            elif len(value) > limit:
                add(name, f"Au plus {limit} caractères")
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            add("starts_at", "Une date et heure avec fuseau est attendue")
        elif self.ends_at <= self.starts_at:
            add("ends_at", "La fin doit venir après le début")
        if self.category_id not in CATEGORY_BY_ID:
            add("category_id", "Catégorie inconnue")
        if self.access_type is AccessType.PAID:
            if self.price is None or self.price.minor <= 0:
                add("price", "Un événement payant a un prix supérieur à 0")
            elif self.price.currency != CURRENCY:
                add("price", f"Les prix sont en {CURRENCY}")
            elif self.price.minor > MAX_PRICE_MINOR:
                add("price", f"Au plus {MAX_PRICE_MINOR} {CURRENCY}")
        elif self.price is not None and self.price.minor != 0:
            add("price", "Seul un événement payant a un prix")
        if self.capacity is not None and not 1 <= self.capacity <= MAX_CAPACITY:
            add("capacity", f"Une capacité entre 1 et {MAX_CAPACITY} est attendue (ou aucune : illimitée)")
        for name, bound in (("latitude", 90.0), ("longitude", 180.0)):
            value_f: float | None = getattr(self, name)
            if value_f is not None and not (math.isfinite(value_f) and -bound <= value_f <= bound):
                add(name, f"Une valeur entre -{bound:g} et {bound:g} est attendue")
        if (self.latitude is None) != (self.longitude is None):
            add("latitude" if self.latitude is None else "longitude", "Latitude et longitude vont ensemble")
        return found

    def check(self) -> None:
        problems = self.problems()
        if problems:
            raise EventInvalid("Les données de l'événement sont invalides", details=problems)


def summary_of(description: str) -> str:
    """The short description a list shows when the organiser gave none: the description's start."""
    text = " ".join(description.split())
    return text if len(text) <= SHORT_MAX else text[: SHORT_MAX - 1].rstrip() + "…"


@dataclass(eq=False, kw_only=True)
class Event(RecordsEvents):
    creator_id: int
    title: str
    short_description: str
    description: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    address: str
    category_id: int
    access_type: AccessType
    price_minor: int | None
    currency: str
    capacity: int | None
    latitude: float | None
    longitude: float | None
    cover_image: str | None
    status: EventStatus
    created_at: datetime
    updated_at: datetime
    rejection_reason: str | None = None
    decided_at: datetime | None = None
    decided_by: int | None = None
    view_count: int = 0
    share_count: int = 0
    id: int | None = None

    @classmethod
    def create(cls, creator_id: int, details: EventDetails, now: datetime, *, draft: bool = False) -> Event:
        """A new event awaits a platform admin's validation, unless kept as a draft. It may not start in the past."""
        require_aware(now)
        details.check()
        if details.starts_at <= now:
            raise EventInvalid.on_field("starts_at", "La date de début est déjà passée")
        event = cls(creator_id=creator_id, status=EventStatus.DRAFT if draft else EventStatus.PENDING,
                    created_at=now, updated_at=now, **_columns(details))
        if not draft:
            event._record(EventSubmitted(event.id, creator_id))
        return event

    @property
    def price(self) -> Money | None:
        return None if self.price_minor is None else Money(self.price_minor, self.currency)

    @property
    def details(self) -> EventDetails:
        return EventDetails(
            title=self.title, short_description=self.short_description, description=self.description,
            starts_at=self.starts_at, ends_at=self.ends_at, venue=self.venue, address=self.address,
            category_id=self.category_id, access_type=self.access_type, price=self.price, capacity=self.capacity,
            latitude=self.latitude, longitude=self.longitude, cover_image=self.cover_image)

    def status_at(self, now: datetime) -> EventStatus:
        """The status shown: a validated event is TERMINE once its end has passed."""
        if self.status is EventStatus.VALIDATED and now >= self.ends_at:
            return EventStatus.FINISHED
        return self.status

    def has_started(self, now: datetime) -> bool:
        return now >= self.starts_at

    def edit(self, details: EventDetails, now: datetime, *, submit: bool = False) -> None:
        """Applies new details. Refused once the event has started or was cancelled. A validated (or rejected)
        event goes back to EN_ATTENTE for a new validation; a draft stays a draft unless `submit`."""
        self.check_editable(now)
        details.check()
        if details.starts_at <= now:
            raise EventInvalid.on_field("starts_at", "La date de début est déjà passée")
        for name, value in _columns(details).items():
            setattr(self, name, value)
        self.updated_at = now
        if self.status in (EventStatus.VALIDATED, EventStatus.REJECTED) or (
                self.status is EventStatus.DRAFT and submit):
            self._back_to_pending()

    def check_editable(self, now: datetime) -> None:
        if self.status is EventStatus.CANCELLED:
            raise InvalidEventTransition(self.status.value, "modification")
        if self.has_started(now):
            raise EventStarted()

    def submit(self, now: datetime) -> None:
        if self.status is not EventStatus.DRAFT:
            raise InvalidEventTransition(self.status.value, "soumission")
        if self.has_started(now):
            raise EventStarted()
        self.updated_at = now
        self._back_to_pending()

    def _back_to_pending(self) -> None:
        self.status = EventStatus.PENDING
        self.rejection_reason = None
        self.decided_at = None
        self.decided_by = None
        self._record(EventSubmitted(self.id, self.creator_id))

    def approve(self, by: int, now: datetime) -> None:
        if self.status is not EventStatus.PENDING:
            raise InvalidEventTransition(self.status_at(now).value, "validation")
        self.status = EventStatus.VALIDATED
        self._decided(by, now)
        self._record(EventApproved(self.id, self.creator_id))

    def reject(self, by: int, reason: str, now: datetime) -> None:
        if self.status is not EventStatus.PENDING:
            raise InvalidEventTransition(self.status_at(now).value, "rejet")
        reason = reason.strip()
        if not reason:
            raise EventInvalid.on_field("reason", "Une raison est requise pour rejeter un événement")
        if len(reason) > REASON_MAX:
            raise EventInvalid.on_field("reason", f"Au plus {REASON_MAX} caractères")
        self.status = EventStatus.REJECTED
        self.rejection_reason = reason
        self._decided(by, now)
        self._record(EventRejected(self.id, self.creator_id, reason))

    def _decided(self, by: int, now: datetime) -> None:
        self.decided_by = by
        self.decided_at = now
        self.updated_at = now

    def cancel(self, now: datetime) -> None:
        """ANNULE; an event that is over (or already cancelled) cannot be. Its tickets are the sales' business."""
        if self.status is EventStatus.CANCELLED or self.status_at(now) is EventStatus.FINISHED:
            raise InvalidEventTransition(self.status_at(now).value, "annulation")
        self.status = EventStatus.CANCELLED
        self.updated_at = now
        self._record(EventCancelled(self.id, self.creator_id))

    def takes_part_now(self, now: datetime) -> bool:
        """Whether people may still say they come (or are interested): validated and not over."""
        return self.status_at(now) is EventStatus.VALIDATED


def _columns(details: EventDetails) -> dict[str, Any]:
    price = details.price
    paid = details.access_type is AccessType.PAID
    return {
        "title": details.title.strip(), "description": details.description.strip(),
        "short_description": details.short_description.strip() or summary_of(details.description),
        "starts_at": details.starts_at, "ends_at": details.ends_at, "venue": details.venue.strip(),
        "address": details.address.strip(), "category_id": details.category_id,
        "access_type": details.access_type, "price_minor": price.minor if paid and price is not None else None,
        "currency": CURRENCY, "capacity": details.capacity, "latitude": details.latitude,
        "longitude": details.longitude, "cover_image": details.cover_image,
    }


def changed(details: EventDetails, **changes: object) -> EventDetails:
    """The details with `changes` applied (names of EventDetails); unknown names are a programming error."""
    known = {f.name for f in fields(EventDetails)}
    unknown = set(changes) - known
    if unknown:
        raise TypeError(f"not event details: {sorted(unknown)}")
    values = {f.name: getattr(details, f.name) for f in fields(EventDetails)}
    values.update(changes)
    if changes.get("access_type") not in (None, AccessType.PAID) and "price" not in changes:
        values["price"] = None  # a paid event made free loses its price
    return EventDetails(**values)


@dataclass(eq=False, kw_only=True)
class Participation:
    event_id: int
    user_id: int
    status: ParticipationStatus
    created_at: datetime
    updated_at: datetime
    id: int | None = None


@dataclass(eq=False, kw_only=True)
class Share:
    event_id: int
    user_id: int | None
    platform: Platform
    link: str
    created_at: datetime
    id: int | None = None


@dataclass(frozen=True)
class Viewer:
    """Who looked at an event, as the face tells: an account, or an anonymous key (its client's address)."""

    key: str = field()

    @classmethod
    def account(cls, user_id: int) -> Viewer:
        return cls(f"u:{user_id}")

    @classmethod
    def anonymous(cls, key: str) -> Viewer:
        return cls(f"a:{key[:90]}")
