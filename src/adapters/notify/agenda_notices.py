"""The agenda's notices as the notifications context's `notify` requests (kinds in domain/notifications/kinds.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from application.notifications.requests import notify
from application.shared.ports import OutboxMessage
from domain.notifications import kinds


class NotifyAgendaNotices:
    def reminder(self, key: str, user_ids: Sequence[int], data: dict[str, Any]) -> OutboxMessage:
        return notify(kinds.AGENDA_REMINDER.code, list(user_ids), key, data, realm="mairie")
