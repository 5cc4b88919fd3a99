"""`agora seed --demo`: realistic demo data, so that a front-end developer sees a live catalogue at once.

`seed_demo(container)` runs the `demo_seed` hook of each context of CONTEXTS in order; each hook goes through the
use cases and is idempotent (a second run adds nothing). The ticketing hook is below.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from dishka import AsyncContainer

from application.identity.ports import UserRepository
from application.identity.services import RegisterCommand, RegisterUser
from application.shared.ports import Clock, UnitOfWork
from application.shared.quota import QuotaStore
from application.ticketing import catalogue as c
from application.ticketing.ports import EventRepository
from application.ticketing.sales.issuing import TicketIssuer, TicketTypes
from application.ticketing.sales.ports import (
    EventsForSale,
    OrderRepository,
    PaymentOutcome,
    SalesConfig,
    StartedPayment,
    TicketRepository,
)
from application.ticketing.sales.services import (
    DefineTicketType,
    DefineTicketTypeCommand,
    PurchaseCommand,
    PurchaseTickets,
    SettleOrder,
)
from domain.identity.model import Realm, User
from domain.shared.actor import Actor
from domain.shared.errors import DomainError
from domain.shared.money import Money
from domain.ticketing.model import CATEGORIES, AccessType, EventDetails, ParticipationStatus
from entrypoints.runtime import Runtime

DEMO_PASSWORD = "Demo-SpotVibe-2026!"
T = TypeVar("T")


async def seed_demo(container: AsyncContainer) -> dict[str, int]:
    """What each context added, by `<context>.<thing>`."""
    from entrypoints.contexts import CONTEXTS

    added: dict[str, int] = {}
    for context in CONTEXTS:
        if context.demo_seed is not None:
            for name, count in (await context.demo_seed(container)).items():
                added[f"{context.name}.{name}"] = count
    return added


async def run_demo_seed(runtime: Runtime) -> dict[str, int]:
    from entrypoints.di.container import make_container

    container = make_container(runtime)
    try:
        return await seed_demo(container)
    finally:
        await container.close()


async def in_scope(container: AsyncContainer, use: Callable[[Any], Awaitable[T]], kind: type[Any]) -> T:
    """Resolves `kind` in a fresh REQUEST scope (one transaction) and calls `use` with it."""
    async with container() as request:
        return await use(await request.get(kind))


async def call(container: AsyncContainer, use_case: type[Any], *args: Any) -> Any:
    """Runs a use case as a request would: in its own REQUEST scope."""
    async with container() as request:
        return await (await request.get(use_case))(*args)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    admin: bool = False


ORGANISERS = (DemoAccount("beninlive", "Aïcha", "Dossou"), DemoAccount("cotonou.jazz", "Rodrigue", "Houngbédji"),
              DemoAccount("porto.culture", "Mireille", "Agossou"), DemoAccount("parakou.sport", "Issa", "Bio"))
ADMIN = DemoAccount("spotvibe.admin", "Admin", "SpotVibe", admin=True)
PARTICIPANTS = tuple(DemoAccount(f"fan{n:02d}", name, "Demo") for n, name in enumerate(
    ("Koffi", "Awa", "Sènan", "Yélian", "Fifamè", "Codjo", "Nafi", "Bignon", "Sika", "Ablawa", "Kossi", "Elia"), 1))
KINDS = {1: "Concert", 2: "Festival", 3: "Conférence", 4: "Tournoi", 5: "Exposition", 6: "Atelier", 7: "Soirée",
         8: "Dégustation", 9: "Veillée", 10: "Salon", 11: "Journée familiale", 12: "Rencontre"}
THEMES = ("afrobeat", "vodoun", "jazz", "gospel", "zouk", "numérique", "entrepreneuriat", "cuisine béninoise",
          "photographie", "mode", "football", "basket", "danse", "slam", "cinéma", "startups")
PLACES = (("Cotonou", "Canal Olympia Wologuèdè", 6.3654, 2.4183), ("Porto-Novo", "Place Toffa Ier", 6.4969, 2.6289),
          ("Ouidah", "Place des Enchères", 6.3631, 2.0851), ("Parakou", "Stade municipal", 9.3372, 2.6303),
          ("Abomey-Calavi", "Campus d'Abomey-Calavi", 6.4485, 2.3557), ("Grand-Popo", "Plage de Grand-Popo",
                                                                        6.2833, 1.8333))
# Per position modulo 10: the status each demo event ends in (6 in 10 published, one of them over).
PLAN = ("VALIDE", "VALIDE", "VALIDE", "VALIDE", "VALIDE", "TERMINE", "EN_ATTENTE", "BROUILLON", "REJETE", "ANNULE")
EVENTS_PER_RUN = 50


async def _account(container: AsyncContainer, who: DemoAccount) -> tuple[User, bool]:
    """The demo account (identity verified, so that it may create many events); True when created now."""
    email = f"{who.username}@spotvibe.demo"

    async def find(users: UserRepository) -> User | None:
        return await users.by_email(Realm.SPOTVIBE, email)

    found = await in_scope(container, find, UserRepository)
    if found is not None:
        return found, False

    async def register(use_case: RegisterUser) -> User:
        return await use_case(RegisterCommand(
            realm=Realm.SPOTVIBE, email=email, password=DEMO_PASSWORD, username=who.username,
            first_name=who.first_name, last_name=who.last_name, role="admin" if who.admin else None,
            email_verified=True), administrative=True)

    user = await in_scope(container, register, RegisterUser)
    async with container() as request:
        users = await request.get(UserRepository)
        stored = await users.get_for_update(user.id or 0)
        assert stored is not None
        stored.identity_verified = True
        await users.save(stored)
        await (await request.get(UnitOfWork)).commit()
    return user, True


def _details(n: int, rng: random.Random, now: datetime) -> EventDetails:
    category = CATEGORIES[n % len(CATEGORIES)]
    city, venue, latitude, longitude = PLACES[n % len(PLACES)]
    theme = THEMES[(n * 7) % len(THEMES)]
    start = (now + timedelta(days=3 + (n * 5) % 90, hours=rng.randint(0, 10))).replace(
        hour=18, minute=0, second=0, microsecond=0)
    access = (AccessType.PAID, AccessType.PAID, AccessType.FREE, AccessType.INVITATION)[n % 4]
    return EventDetails(
        title=f"{KINDS[category.id]} {theme} à {city}", venue=venue, address=f"{venue}, {city}, Bénin",
        description=(f"{KINDS[category.id]} autour du thème « {theme} », à {city}. {category.description} "
                     "Données de démonstration de SpotVibe."),
        starts_at=start, ends_at=start + timedelta(hours=rng.choice((3, 5, 8, 48))), category_id=category.id,
        access_type=access, price=Money(rng.choice((2000, 5000, 10000, 15000)), "XOF") if access is AccessType.PAID
        else None, capacity=rng.choice((None, 100, 300, 1000)), latitude=latitude, longitude=longitude)


async def ticketing_demo(container: AsyncContainer) -> dict[str, int]:
    """Demo organisers, participants and an admin (password DEMO_PASSWORD), 50 events across statuses, and
    participations. Skipped when the first demo organiser already has events."""
    accounts = [await _account(container, who) for who in (*ORGANISERS, ADMIN, *PARTICIPANTS)]
    organisers = [user for user, _ in accounts[:len(ORGANISERS)]]
    admin = accounts[len(ORGANISERS)][0].as_actor()
    fans = [user.as_actor() for user, _ in accounts[len(ORGANISERS) + 1:]]
    added = {"accounts": sum(1 for _, created in accounts if created), "events": 0, "participations": 0,
             "ticket_types": 0, "tickets": 0}

    async def count(events: EventRepository) -> int:
        return await events.count_by_creator(organisers[0].id or 0)

    if await in_scope(container, count, EventRepository) > 0:
        return added
    rng = random.Random(2026)  # noqa: S311 (demo content, not secrets)
    now = (await container.get(Clock)).now()
    for n in range(EVENTS_PER_RUN):
        plan = PLAN[n % len(PLAN)]
        creator = organisers[n % len(organisers)].as_actor()
        command = c.CreateEventCommand(creator, _details(n, rng, now), draft=plan == "BROUILLON")
        event = await call(container, c.CreateEvent, command)
        added["events"] += 1
        assert event.id is not None
        if plan in ("VALIDE", "TERMINE", "ANNULE"):
            approve = c.ModerateCommand(admin, [event.id], approve=True)
            await call(container, c.ModerateEvents, approve)
            for fan in rng.sample(fans, rng.randint(0, len(fans))):
                status = rng.choice((ParticipationStatus.GOING, ParticipationStatus.GOING,
                                     ParticipationStatus.INTERESTED))
                join = c.ParticipateCommand(fan, event.id, status)
                await call(container, c.Participate, join)
                added["participations"] += 1
            if plan == "VALIDE":
                await _sales(container, event.id, creator, fans, rng, added)
        elif plan == "REJETE":
            reject = c.ModerateCommand(admin, [event.id], approve=False, reason="Informations incomplètes (démo)")
            await call(container, c.ModerateEvents, reject)
        if plan in ("TERMINE", "ANNULE"):
            await _finish(container, event.id, now, cancel=plan == "ANNULE")
    return added


class _DemoPayments:
    """Stands in for payments in the seed: a demo sale is settled at once, without a payment row."""

    def check(self, actor: Actor, method: str, phone: str | None) -> None:
        return None

    async def start(self, actor: Actor, reference: UUID, method: str, phone: str | None,
                    email: str | None = None) -> StartedPayment:
        return StartedPayment(uuid.uuid4(), None)


async def _sales(container: AsyncContainer, event_id: int, organiser: Actor, fans: list[Actor], rng: random.Random,
                 added: dict[str, int]) -> None:
    """One paid event in two gets a VIP type beside its standard one; fans buy tickets, paid (demo) or free."""
    event = await (await container.get(EventsForSale)).get(event_id)
    assert event is not None
    type_ids: list[int | None] = [None]
    if not event.is_free and event_id % 2 == 0 and event.price is not None:
        type_ids = []
        vip = Money(event.price.minor * 3, event.price.currency)
        for name, price, seats in (("Standard", event.price, event.capacity), ("VIP", vip, 20)):
            defined = await call(container, DefineTicketType, DefineTicketTypeCommand(
                organiser, event_id, name, price, seats))
            added["ticket_types"] += 1
            type_ids.append(defined.id)
    for fan in rng.sample(fans, rng.randint(0, 4)):
        async with container() as request:
            purchase = PurchaseTickets(
                await request.get(EventsForSale), await request.get(TicketTypes), await request.get(OrderRepository),
                await request.get(TicketRepository), await request.get(QuotaStore), await request.get(TicketIssuer),
                _DemoPayments(), await request.get(UnitOfWork), await request.get(Clock),
                await request.get(SalesConfig))
            try:
                view = await purchase(PurchaseCommand(fan, event_id, rng.randint(1, 3), rng.choice(type_ids),
                                                      method="MOMO_MTN"))
            except DomainError:  # sold out, or not on sale
                continue
        if not view.free:
            assert view.payment_uuid is not None
            async with container() as request:
                await (await request.get(SettleOrder))(str(view.reference), view.payment_uuid,
                                                       PaymentOutcome.SUCCEEDED)
                await (await request.get(UnitOfWork)).commit()
        added["tickets"] += len(view.tickets)


async def _finish(container: AsyncContainer, event_id: int, now: datetime, *, cancel: bool) -> None:
    """An event that is over (moved into the past, which no use case does) or cancelled by its organiser."""
    async with container() as request:
        events = await request.get(EventRepository)
        event = await events.get_for_update(event_id)
        assert event is not None
        if cancel:
            event.cancel(now)
        else:
            length = event.ends_at - event.starts_at
            event.starts_at = now - timedelta(days=7) - length
            event.ends_at = now - timedelta(days=7)
        await events.save(event)
        await (await request.get(UnitOfWork)).commit()
