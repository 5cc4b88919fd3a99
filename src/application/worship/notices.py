"""What the rota tells people, as outbox messages (the notifications context's `notify` requests, built by an
adapter so that this context never imports another's application)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from application.shared.ports import OutboxMessage

BATCH = 1000  # recipients per message


class RotaNotices(Protocol):
    def replacement_offered(self, assignment_id: int, user_ids: Sequence[int], data: dict[str, Any]
                            ) -> OutboxMessage: ...

    def reminder(self, assignment_id: int, user_id: int, data: dict[str, Any]) -> OutboxMessage: ...
