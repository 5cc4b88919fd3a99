"""`agora seed --demo`, community part: the sites CAB and MAC, 150 members in 50 families (a head, a spouse, a
child), the first ten heads with an account (password `Demo-EEBC-2026!`). Idempotent: a second run adds nothing."""

from __future__ import annotations

import random
import re
from datetime import date

from dishka import AsyncContainer

from application.community import services
from application.community.ports import CommunityReads, MemberSearch, SiteRepository
from application.identity.ports import UserRepository
from application.identity.services import RegisterCommand, RegisterUser
from application.shared.ports import Clock, UnitOfWork
from domain.community.model import DEFAULT_SITES, MemberProfile, Site, folded
from domain.identity.model import Realm
from domain.shared.actor import Actor

DEMO_PASSWORD = "Demo-EEBC-2026!"
DEMO_DOMAIN = "demo.eebc.gf"
FAMILIES = 50
ACCOUNTS = 10
LAST_NAMES = ("Dupont", "Élisée", "Bérard", "Joseph", "Mérine", "Saint-Cyr", "Lapierre", "Thérèse", "Noël",
              "Baptiste", "Clément", "Désiré", "Hélène", "Gérôme", "Pierre-Louis", "Zéphir", "Alexis")
MEN = ("Jean", "Marc", "Éric", "Joël", "Rémy", "Paul", "André", "Hervé", "Luc", "Félix")
WOMEN = ("Marie", "Hélène", "Sylvie", "Josée", "Noémie", "Anaïs", "Céline", "Ruth", "Léa", "Esther")
CHILDREN = ("Noah", "Inès", "Élise", "Timothée", "Zoé", "Nathan", "Jade", "Gabriel", "Maëlle", "Samuel")


def demo_login(first_name: str, family_number: int, relationship: str) -> str:
    """`eric.3.head`: ASCII, as usernames and emails want."""
    return f"{re.sub(r'[^a-z]', '', folded(first_name))}.{family_number}.{relationship.lower()}"


async def community_demo(container: AsyncContainer) -> dict[str, int]:
    rng = random.Random(20261202)  # noqa: S311 - demo data, not secrets
    async with container() as request:
        sites, uow, clock = await request.get(SiteRepository), await request.get(UnitOfWork), await request.get(Clock)
        added_sites = 0
        for code, name in DEFAULT_SITES:
            if await sites.by_code(code) is None:
                await sites.add(Site(code=code, name=name, city=name, created_at=clock.now()))
                added_sites += 1
        await uow.commit()
        site_ids = [s.id for s in await sites.all() if s.code in dict(DEFAULT_SITES) and s.id is not None]
        reads = await request.get(CommunityReads)
        demo = (await reads.search(MemberSearch(text=DEMO_DOMAIN, active_only=False, limit=1))).total
    if demo:
        return {"sites": added_sites, "members": 0, "families": 0, "accounts": 0}
    admin = Actor(user_id=0, realm=Realm.EEBC, roles=frozenset({"admin"}), site="CAB")
    members = families = accounts = 0
    for n in range(FAMILIES):
        last = LAST_NAMES[n % len(LAST_NAMES)]
        site_id = site_ids[n % len(site_ids)]
        async with container() as request:
            family = await (await request.get(services.CreateFamily))(
                services.FamilyCommand(actor=admin, name=f"Famille {last} {n + 1}", site_id=site_id))
        families += 1
        people = (("HEAD", rng.choice(MEN), "M", 1960), ("SPOUSE", rng.choice(WOMEN), "F", 1962),
                  ("CHILD", rng.choice(CHILDREN), rng.choice("MF"), 2005))
        for relationship, first, gender, year in people:
            email = f"{demo_login(first, n + 1, relationship)}@{DEMO_DOMAIN}"
            profile = MemberProfile(
                first_name=first, last_name=last, email=email, phone=f"06942{rng.randrange(10000, 99999)}",
                gender=gender, date_of_birth=date(year + rng.randrange(0, 15), rng.randrange(1, 13),
                                                  rng.randrange(1, 29)),
                marital_status="marie" if relationship != "CHILD" else "celibataire",
                is_baptized=relationship != "CHILD" or rng.random() < 0.3, city="Cayenne", postal_code="97300")
            async with container() as request:
                member = await (await request.get(services.CreateMember))(services.MemberCommand(
                    actor=admin, site_id=site_id, profile=profile, family_id=family.id, relationship=relationship))
            members += 1
            if relationship == "HEAD" and accounts < ACCOUNTS:
                accounts += await _open_account(container, admin, member.id, email, first, last, member.member_code)
    return {"sites": added_sites, "members": members, "families": families, "accounts": accounts}


async def _open_account(container: AsyncContainer, admin: Actor, member_id: int | None, email: str, first: str,
                        last: str, code: str) -> int:
    assert member_id is not None
    site = code.split("-")[1]
    async with container() as request:
        if await (await request.get(UserRepository)).by_email(Realm.EEBC, email) is not None:
            return 0
        user = await (await request.get(RegisterUser))(RegisterCommand(
            realm=Realm.EEBC, email=email, password=DEMO_PASSWORD, username=email.split("@")[0],
            first_name=first, last_name=last, site_code=site, email_verified=True), administrative=True)
    assert user.id is not None
    async with container() as request:
        await (await request.get(services.LinkAccount))(admin, member_id, user.id)
    return 1
