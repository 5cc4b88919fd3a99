"""What happens to an event, recorded by the aggregate and handed to the outbox at commit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventSubmitted:
    event_id: int | None
    creator_id: int


@dataclass(frozen=True)
class EventApproved:
    event_id: int | None
    creator_id: int


@dataclass(frozen=True)
class EventRejected:
    event_id: int | None
    creator_id: int
    reason: str


@dataclass(frozen=True)
class EventCancelled:
    event_id: int | None
    creator_id: int
