"""The conversations' events go to the notifications context only (entrypoints/contexts/notification_reactions.py):
this context announces nothing of its own through the outbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from application.shared.ports import OutboxMessage

ANNOUNCEMENTS: dict[type, Callable[[Any], OutboxMessage]] = {}
