"""The rota's notices as the notifications context's `notify` requests (kinds in domain/notifications/kinds.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from application.notifications.requests import notify
from application.shared.ports import OutboxMessage
from domain.notifications import kinds


class NotifyRotaNotices:
    def replacement_offered(self, assignment_id: int, user_ids: Sequence[int], data: dict[str, Any]
                            ) -> OutboxMessage:
        return notify(kinds.WORSHIP_REPLACEMENT.code, list(user_ids), f"worship:replacement:{assignment_id}", data,
                      realm="eebc")

    def reminder(self, assignment_id: int, user_id: int, data: dict[str, Any]) -> OutboxMessage:
        return notify(kinds.WORSHIP_REMINDER.code, [user_id], f"worship:reminder:{assignment_id}", data,
                      realm="eebc")
