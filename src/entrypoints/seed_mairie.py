"""The demo town that the Mairie contexts' demo data belongs to: its municipality, mayor, staff and citizens.

Each Mairie context's `demo_seed` calls `demo_town(container)` first (idempotent: accounts are found by email).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from dishka import AsyncContainer

from application.identity.ports import UserRepository
from application.identity.services import RegisterCommand, RegisterUser
from domain.identity.model import Realm, User
from domain.shared.actor import Actor
from entrypoints.seed import in_scope

DEMO_TOWN_CODE = "97302"
DEMO_TOWN_NAME = "Matoury"
DEMO_PASSWORD = "Demo-Mairie-2026!"
STAFF = (("maire", "Serge", "Élisabeth", "mayor"), ("admin", "Nadia", "Ho-A-Chuck", "admin"),
         ("moderation", "Yannick", "Clet", "moderator"))
CITIZENS = (("Aline", "Pierre"), ("Bruno", "Cétout"), ("Célia", "Lony"), ("Didier", "Mérine"), ("Élodie", "Tabi"),
            ("Fabrice", "Zulémaro"), ("Gaëlle", "Sabayo"), ("Hugo", "Déjean"), ("Inès", "Marchal"),
            ("Joël", "Pindard"), ("Karine", "Wong"), ("Loïc", "Ruffinel"))


@dataclass(frozen=True)
class DemoTown:
    municipality_id: int
    mayor: User
    admin: User
    moderator: User
    citizens: tuple[User, ...]

    def actor(self, user: User) -> Actor:
        assert user.id is not None
        return Actor(user_id=user.id, realm=Realm.MAIRIE, roles=frozenset({user.role}),
                     municipality_id=self.municipality_id)

    @property
    def staff(self) -> tuple[User, User, User]:
        return self.mayor, self.admin, self.moderator


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


async def _account(container: AsyncContainer, local: str, first: str, last: str, role: str) -> User:
    email = f"{local}@{DEMO_TOWN_NAME.lower()}.mairie.demo"

    async def find(users: UserRepository) -> User | None:
        return await users.by_email(Realm.MAIRIE, email)

    found = await in_scope(container, find, UserRepository)
    if found is not None:
        return found

    async def register(use_case: RegisterUser) -> User:
        return await use_case(RegisterCommand(
            realm=Realm.MAIRIE, email=email, password=DEMO_PASSWORD, first_name=first, last_name=last, role=role,
            municipality_code=DEMO_TOWN_CODE, municipality_name=DEMO_TOWN_NAME, email_verified=True),
            administrative=True)

    return await in_scope(container, register, RegisterUser)


async def demo_town(container: AsyncContainer) -> DemoTown:
    mayor, admin, moderator = [await _account(container, local, first, last, role)
                               for local, first, last, role in STAFF]
    citizens = tuple([await _account(container, _ascii(f"{first}.{last}"), first, last, "citizen")
                      for first, last in CITIZENS])
    assert mayor.municipality_id is not None
    return DemoTown(municipality_id=mayor.municipality_id, mayor=mayor, admin=admin, moderator=moderator,
                    citizens=citizens)
