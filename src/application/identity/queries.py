"""Read side of identity: profiles, login history, linked accounts."""

from __future__ import annotations

from dataclasses import dataclass

from application.identity.ports import IdentityReads
from domain.identity.model import LoginAttempt, Municipality, SocialAccount, User
from domain.shared.errors import NotFound


@dataclass(frozen=True)
class ProfileView:
    user: User
    municipality: Municipality | None


class IdentityQueries:
    def __init__(self, reads: IdentityReads) -> None:
        self._reads = reads

    async def profile(self, user_id: int) -> ProfileView:
        found = await self._reads.profile(user_id)
        if found is None:
            raise NotFound("Utilisateur introuvable")
        user, municipality = found
        return ProfileView(user=user, municipality=municipality)

    async def municipality(self, municipality_id: int | None) -> Municipality | None:
        return None if municipality_id is None else await self._reads.municipality(municipality_id)

    async def login_attempts(self, user_id: int, limit: int = 50) -> list[LoginAttempt]:
        return await self._reads.login_attempts(user_id, limit)

    async def social_accounts(self, user_id: int) -> list[SocialAccount]:
        return await self._reads.social_accounts(user_id)
