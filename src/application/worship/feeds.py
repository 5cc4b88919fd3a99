"""Each member's ICS feed of their assignments, at a secret URL.

The token is derived from a server secret, the member and a generation (HMAC), so the member's URL can be shown
again without storing it; only its digest is stored, to find the member from the URL. Regenerating bumps the
generation: the old URL stops working."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from application.shared.church import ChurchDirectory
from application.shared.ports import Clock, UnitOfWork
from application.worship.ports import WorshipRepository
from application.worship.rota import member_of
from domain.shared.actor import Actor
from domain.shared.errors import NotFound
from domain.worship.model import Assignment, Role, Service
from domain.worship.permissions import SEE_SERVICES

FEED_PAST = timedelta(days=92)
FEED_AHEAD = timedelta(days=366)


@dataclass(frozen=True)
class FeedConfig:
    secret: bytes


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class FeedTokens:
    def __init__(self, rota: WorshipRepository, directory: ChurchDirectory, config: FeedConfig,
                 uow: UnitOfWork) -> None:
        self._rota, self._directory, self._config, self._uow = rota, directory, config, uow

    def _token(self, member_id: int, generation: int) -> str:
        mac = hmac.new(self._config.secret, f"worship-feed:{member_id}:{generation}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")

    async def current(self, actor: Actor) -> str:
        """The caller's token (made the first time it is asked for)."""
        SEE_SERVICES.check(actor)
        member = await member_of(self._directory, actor)
        generation = await self._rota.feed_generation(member.id)
        if generation is None:
            return await self._issue(member.id, 1)
        return self._token(member.id, generation)

    async def regenerate(self, actor: Actor) -> str:
        SEE_SERVICES.check(actor)
        member = await member_of(self._directory, actor)
        generation = await self._rota.feed_generation(member.id)
        return await self._issue(member.id, (generation or 0) + 1)

    async def _issue(self, member_id: int, generation: int) -> str:
        token = self._token(member_id, generation)
        await self._rota.set_feed(member_id, generation, digest_of(token))
        await self._uow.commit()
        return token


@dataclass(frozen=True)
class FeedEntry:
    assignment: Assignment
    service: Service
    role: Role
    site_name: str


class ReadFeed:
    """The assignments of the member whose token this is (no account: the token is the credential)."""

    def __init__(self, rota: WorshipRepository, directory: ChurchDirectory, clock: Clock) -> None:
        self._rota, self._directory, self._clock = rota, directory, clock

    async def __call__(self, token: str) -> list[FeedEntry]:
        member_id = await self._rota.member_of_feed(digest_of(token)) if 20 <= len(token) <= 100 else None
        if member_id is None:
            raise NotFound("Agenda introuvable")
        now = self._clock.now()
        found = await self._rota.assignments_of_member(member_id, now - FEED_PAST, now + FEED_AHEAD)
        roles = await self._rota.roles_by_id(sorted({a.role_id for a, _ in found}))
        sites = {s.id: s.name for s in await self._directory.sites()}
        return [FeedEntry(a, s, roles[a.role_id], sites.get(s.site_id, "")) for a, s in found]
