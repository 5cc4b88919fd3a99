"""What happens to a church event that someone is told about."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegistrationPromoted:
    """A place freed: the first person of the waiting list is registered now."""

    event_id: int
    registration_id: int
    user_id: int
    title: str
    start_date: str  # ISO date


@dataclass(frozen=True)
class ChurchEventCancelled:
    """The event will not take place; its registered people are told by a job of this context. `cancelled_at`
    tells one cancellation from the next (cancelled, reinstated, cancelled again: they are told twice)."""

    event_id: int
    title: str
    start_date: str  # ISO date
    cancelled_at: str = ""  # ISO datetime
