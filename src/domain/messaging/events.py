"""What happens to a conversation, recorded by the aggregate and handed to the outbox at commit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StaffReplied:
    """The town hall answered: the citizen is told in-app (and by email, queued by the use case)."""

    conversation_id: int
    message_id: int
    citizen_id: int
    author: str
