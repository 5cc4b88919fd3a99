"""The agenda's ICS feeds at secret URLs: one per town (its public events), one per account (what that account
sees in its agenda: the public events, the private ones it organises or is invited to, all of them for staff).

As for the worship feed, a token is an HMAC of a server secret, the owner and a generation, so the URL can be shown
again without being stored; only its digest is stored, to find the owner from the URL. Regenerating bumps the
generation: the old URL answers 404. An account regenerates its own; the mayor and admins the town's."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from application.agenda.ports import AccountActors, EventRepository, FeedKind, FeedStore
from application.agenda.services import is_visible
from application.shared.ports import Clock, UnitOfWork
from domain.agenda.model import Event
from domain.agenda.permissions import MANAGE_AGENDA, SEE_AGENDA
from domain.shared.actor import Actor
from domain.shared.errors import NotFound

FEED_PAST = timedelta(days=92)
FEED_AHEAD = timedelta(days=366)
TOKEN_LENGTHS = range(20, 101)
NOT_FOUND = "Agenda introuvable"


@dataclass(frozen=True)
class FeedConfig:
    secret: bytes


@dataclass(frozen=True)
class FeedTokens:
    town: str
    personal: str


@dataclass(frozen=True)
class Feed:
    kind: FeedKind
    events: list[Event]


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AgendaFeeds:
    """The caller's two tokens, made the first time they are asked for."""

    def __init__(self, feeds: FeedStore, config: FeedConfig, uow: UnitOfWork) -> None:
        self._feeds, self._config, self._uow = feeds, config, uow

    def _token(self, kind: FeedKind, owner_id: int, generation: int) -> str:
        mac = hmac.new(self._config.secret, f"agenda-feed:{kind}:{owner_id}:{generation}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")

    async def current(self, actor: Actor) -> FeedTokens:
        SEE_AGENDA.check(actor)
        assert actor.municipality_id is not None, "a town-hall account belongs to a town"
        town = await self._current(FeedKind.TOWN, actor.municipality_id)
        personal = await self._current(FeedKind.USER, actor.user_id)
        await self._uow.commit()
        return FeedTokens(town, personal)

    async def regenerate(self, actor: Actor, kind: FeedKind = FeedKind.USER) -> FeedTokens:
        """A new personal URL; `kind=TOWN` (mayor and admins) a new URL for the town's public feed."""
        SEE_AGENDA.check(actor)
        assert actor.municipality_id is not None, "a town-hall account belongs to a town"
        if kind is FeedKind.TOWN:
            MANAGE_AGENDA.check(actor)
        owner = actor.municipality_id if kind is FeedKind.TOWN else actor.user_id
        generation = await self._feeds.generation(kind, owner)
        await self._issue(kind, owner, (generation or 0) + 1)
        tokens = FeedTokens(await self._current(FeedKind.TOWN, actor.municipality_id),
                            await self._current(FeedKind.USER, actor.user_id))
        await self._uow.commit()
        return tokens

    async def _current(self, kind: FeedKind, owner_id: int) -> str:
        generation = await self._feeds.generation(kind, owner_id)
        if generation is None:
            return await self._issue(kind, owner_id, 1)
        return self._token(kind, owner_id, generation)

    async def _issue(self, kind: FeedKind, owner_id: int, generation: int) -> str:
        token = self._token(kind, owner_id, generation)
        await self._feeds.set(kind, owner_id, generation, digest_of(token))
        return token


class ReadFeed:
    """The events of the feed whose token this is (no account: the token is the credential), from three months
    back to a year ahead; a series comes whole (its rule, its changed and cancelled occurrences)."""

    def __init__(self, feeds: FeedStore, accounts: AccountActors, events: EventRepository, clock: Clock) -> None:
        self._feeds, self._accounts, self._events, self._clock = feeds, accounts, events, clock

    async def __call__(self, token: str) -> Feed:
        owner = await self._feeds.owner_of(digest_of(token)) if len(token) in TOKEN_LENGTHS else None
        if owner is None:
            raise NotFound(NOT_FOUND)
        kind, owner_id = owner
        now = self._clock.now()
        if kind is FeedKind.TOWN:
            found = await self._events.in_window(owner_id, now - FEED_PAST, now + FEED_AHEAD)
            return Feed(kind, [event for event in found if event.is_public])
        actor = await self._accounts.actor_of(owner_id)
        if actor is None or actor.municipality_id is None or not SEE_AGENDA.allows(actor):
            raise NotFound(NOT_FOUND)
        found = await self._events.in_window(actor.municipality_id, now - FEED_PAST, now + FEED_AHEAD)
        return Feed(kind, [event for event in found if is_visible(event, actor)])
