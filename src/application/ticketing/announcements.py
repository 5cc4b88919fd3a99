"""What the events catalogue tells the world through the outbox. Nobody listens to its events yet (moderation
emails and push notifications arrive with the notifications context), so nothing is announced: the unit of work
logs and drops events without a translator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from application.shared.ports import OutboxMessage

ANNOUNCEMENTS: dict[type, Callable[[Any], OutboxMessage]] = {}
