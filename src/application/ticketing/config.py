"""Settings of the events catalogue the use cases read; entrypoints may build it from the environment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.shared.actor import Actor
from domain.ticketing.permissions import MODERATE_EVENTS


@dataclass(frozen=True)
class TicketingConfig:
    # One counted view per viewer and event within this window (the next look after it counts again).
    view_window: timedelta = timedelta(minutes=30)
    page_size: int = 20
    trending_size: int = 10
    # Trending ranks every published event on its recent interest: each process reuses its ranking this long.
    trending_ttl: timedelta = timedelta(seconds=60)
    # Events an account whose identity is not verified may have at once (subscription plans raise it later).
    unverified_event_limit: int = 1
    cover_folder: str = "events/covers"

    def max_events(self, actor: Actor, identity_verified: bool) -> int | None:
        """An account whose identity is verified (or a platform admin) is not limited; another may create a few."""
        if identity_verified or MODERATE_EVENTS.allows(actor):
            return None
        return self.unverified_event_limit
