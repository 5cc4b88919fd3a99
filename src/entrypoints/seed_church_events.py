"""`agora seed --demo` for the church events: 25 events across the church's sites (community's demo sites), some
with a capacity and registrations of the members who have an account (a few on a waiting list), one cancelled.

Idempotent: skipped when any church event exists; with no site, it adds nothing. The events are created by the
demo account `eebc.evenements` (role admin, password DEMO_PASSWORD), created here if missing.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from dishka import AsyncContainer

from application.church_events import services as s
from application.church_events.ports import ChurchEventReads, EventFilter
from application.identity.ports import UserRepository
from application.identity.services import RegisterCommand, RegisterUser
from application.shared.church import ChurchDirectory, MemberRef, SiteRef
from application.shared.ports import Clock
from domain.church_events.model import EventDetails
from domain.identity.model import Realm, User
from domain.shared.actor import Actor
from entrypoints.seed import call, in_scope

DEMO_PASSWORD = "Demo-EEBC-2026!"
ORGANISER = "eebc.evenements"
EVENTS = 25
# title, description, start time, end time, capacity, colour
KINDS = (
    ("Culte dominical", "Culte du dimanche matin", time(9, 30), time(12), None, "#0d6efd"),
    ("Étude biblique", "Étude de l'épître aux Romains", time(19), time(20, 30), 30, "#198754"),
    ("Réunion de prière", "Prière pour l'église et la ville", time(18, 30), time(19, 30), None, "#6f42c1"),
    ("Répétition de la chorale", "Préparation des chants du mois", time(18), time(20), 25, "#fd7e14"),
    ("Repas fraternel", "Repas partagé après le culte", time(12, 30), time(15), 60, "#dc3545"),
    ("Sortie des jeunes", "Journée au bord du fleuve", time(8), time(17), 20, "#20c997"),
    ("Formation des moniteurs", "École du dimanche : pédagogie", time(9), time(12), 12, "#0dcaf0"),
)


async def _organiser(container: AsyncContainer, site: SiteRef) -> User:
    async def find(users: UserRepository) -> User | None:
        return await users.by_email(Realm.EEBC, f"{ORGANISER}@eebc.demo")

    found = await in_scope(container, find, UserRepository)
    if found is not None:
        return found

    async def register(use_case: RegisterUser) -> User:
        return await use_case(RegisterCommand(
            realm=Realm.EEBC, username=ORGANISER, email=f"{ORGANISER}@eebc.demo", password=DEMO_PASSWORD,
            role="admin", site_code=site.code, first_name="Secrétariat", last_name="Événements"),
            administrative=True)

    return await in_scope(container, register, RegisterUser)


async def church_events_demo(container: AsyncContainer) -> dict[str, int]:
    added = {"events": 0, "registrations": 0}

    async def existing(reads: ChurchEventReads) -> int:
        return (await reads.page(EventFilter(), 0, 1, 0))[0]

    if await in_scope(container, existing, ChurchEventReads) > 0:
        return added

    async def sites_and_members(directory: ChurchDirectory) -> tuple[list[SiteRef], list[MemberRef]]:
        sites = await directory.sites()
        members = [m for site in sites for m in await directory.members_of_site(site.id)]
        return sites, members

    sites, members = await in_scope(container, sites_and_members, ChurchDirectory)
    if not sites:
        return added
    organiser = await _organiser(container, sites[0])
    admin = Actor(organiser.id or 0, Realm.EEBC, frozenset({"admin"}), site=sites[0].code)
    accounts = [Actor(m.user_id, Realm.EEBC, frozenset({"membre"})) for m in members if m.user_id is not None]
    rng = random.Random(2026)  # noqa: S311 (demo content)
    today: date = (await container.get(Clock)).now().date()
    for n in range(EVENTS):
        site = sites[n % len(sites)]
        title, description, start, end, capacity, color = KINDS[n % len(KINDS)]
        day = today + timedelta(days=n * 2 - 6)  # a few past, most upcoming
        details = EventDetails(title=title, description=description, start_date=day, start_time=start,
                               end_time=end, location=f"Temple de {site.name}", color=color, capacity=capacity)
        event = await call(container, s.CreateEvent, s.CreateEventCommand(admin, site.id, details))
        added["events"] += 1
        if capacity is not None and day >= today and accounts:
            # Up to a little more than the capacity: the last ones wait.
            for who in rng.sample(accounts, min(len(accounts), capacity + 2)):
                await call(container, s.Register, s.RegisterCommand(who, event.id))
                added["registrations"] += 1
        if n == EVENTS - 3:
            await call(container, s.UpdateEvent, s.UpdateEventCommand(admin, event.id, is_cancelled=True))
    return added
