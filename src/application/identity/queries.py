"""Read side of identity: profiles, login history, linked accounts."""

from __future__ import annotations

from dataclasses import dataclass

from application.identity.ports import (
    LoginAttemptRepository,
    MunicipalityRepository,
    SocialAccountRepository,
    UserRepository,
)
from domain.identity.model import LoginAttempt, Municipality, SocialAccount, User
from domain.shared.errors import NotFound


@dataclass(frozen=True)
class ProfileView:
    user: User
    municipality: Municipality | None


class IdentityQueries:
    def __init__(self, users: UserRepository, municipalities: MunicipalityRepository,
                 attempts: LoginAttemptRepository, social: SocialAccountRepository) -> None:
        self._users = users
        self._municipalities = municipalities
        self._attempts = attempts
        self._social = social

    async def profile(self, user_id: int) -> ProfileView:
        user = await self._users.get(user_id)
        if user is None:
            raise NotFound("Utilisateur introuvable")
        municipality = None
        if user.municipality_id is not None:
            municipality = await self._municipalities.get(user.municipality_id)
        return ProfileView(user=user, municipality=municipality)

    async def municipality(self, municipality_id: int | None) -> Municipality | None:
        return None if municipality_id is None else await self._municipalities.get(municipality_id)

    async def login_attempts(self, user_id: int, limit: int = 50) -> list[LoginAttempt]:
        return await self._attempts.for_user(user_id, limit)

    async def social_accounts(self, user_id: int) -> list[SocialAccount]:
        return await self._social.for_user(user_id)
