"""What the agenda tells people, as outbox messages (the notifications context's `notify` requests, built by an
adapter so that this context never imports another's application)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from application.shared.ports import OutboxMessage


class AgendaNotices(Protocol):
    def reminder(self, key: str, user_ids: Sequence[int], data: dict[str, Any]) -> OutboxMessage: ...


@dataclass(frozen=True)
class AgendaConfig:
    zone: str = "Europe/Paris"  # the town's time, in which reminders give the hour
