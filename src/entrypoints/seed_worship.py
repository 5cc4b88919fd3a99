"""`agora seed --demo` for worship: roles, who serves in them, and a month of services on each site with their
rota. Runs after community's seed (sites, members); with no sites it adds nothing; a second run adds nothing."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from dishka import AsyncContainer

from application.shared.church import ChurchDirectory
from application.shared.ports import Clock
from application.worship import staff
from application.worship.ports import WorshipRepository
from domain.shared.actor import Actor
from domain.shared.realm import Realm
from domain.worship.model import LOCAL_ZONE, AssignmentStatus, ServiceType
from entrypoints.seed import call, in_scope

ROLES = (("predicateur", "Prédicateur"), ("choriste", "Choriste"), ("musicien", "Musicien"),
         ("lecteur", "Lecteur"), ("accueil", "Accueil"))
SEEDER = Actor(0, Realm.EEBC, frozenset({"admin"}))
WEEKS = 4


async def worship_demo(container: AsyncContainer) -> dict[str, int]:
    async def sites(directory: ChurchDirectory) -> list[tuple[int, list[int]]]:
        return [(site.id, [m.id for m in await directory.members_of_site(site.id)])
                for site in await directory.sites()]

    async def roles_exist(rota: WorshipRepository) -> bool:
        return bool(await rota.roles())

    added = {"roles": 0, "services": 0, "assignments": 0}
    found = await in_scope(container, sites, ChurchDirectory)
    if not found or await in_scope(container, roles_exist, WorshipRepository):
        return added
    roles = [await call(container, staff.CreateRole, SEEDER, staff.RoleFields(code, name)) for code, name in ROLES]
    added["roles"] = len(roles)
    rng = random.Random(2026)  # noqa: S311 (demo content, not secrets)
    today = (await container.get(Clock)).now().astimezone(LOCAL_ZONE).date()
    sunday = today + timedelta(days=(6 - today.weekday()) % 7)
    for site_id, members in found:
        if not members:
            continue
        servers = {role.id: rng.sample(members, min(len(members), 8)) for role in roles}
        for role_id, member_ids in servers.items():
            for member_id in member_ids:
                await call(container, staff.ServeInRole, SEEDER, role_id, member_id)
        for week in range(WEEKS):
            for day, at, kind in ((sunday + timedelta(weeks=week), time(9, 30), ServiceType.CULTE_DOMINICAL),
                                  (sunday + timedelta(weeks=week, days=3), time(19, 0), ServiceType.CULTE_PRIERE)):
                starts_at = datetime.combine(day, at, LOCAL_ZONE)
                service = await call(container, staff.CreateService, SEEDER, staff.ServiceFields(
                    site_id=site_id, starts_at=starts_at, service_type=kind,
                    theme=rng.choice(("La foi qui déplace les montagnes", "Marcher dans la lumière",
                                      "La grâce suffisante", "Servir avec joie")),
                    is_confirmed=week < 2))
                added["services"] += 1
                for role in roles[: 5 if kind is ServiceType.CULTE_DOMINICAL else 2]:
                    status = rng.choice((AssignmentStatus.EN_ATTENTE, AssignmentStatus.CONFIRME,
                                         AssignmentStatus.CONFIRME))
                    await call(container, staff.CreateAssignment, SEEDER, service.id, staff.AssignmentFields(
                        role_id=role.id, member_id=rng.choice(servers[role.id]), status=status))
                    added["assignments"] += 1
    return added
