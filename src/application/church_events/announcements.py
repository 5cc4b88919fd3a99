"""What the church events tell through the outbox: a cancelled event's registered people are told by a job of
this context (`church_events_tell_cancelled`), which reads them in batches. A promotion from the waiting list is
turned into a push where the contexts are assembled (entrypoints/contexts/notification_reactions.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from application.church_events.topics import TELL_CANCELLED
from application.shared.ports import OutboxMessage
from domain.church_events.events import ChurchEventCancelled


def cancelled(event: ChurchEventCancelled) -> OutboxMessage:
    return OutboxMessage(topic=TELL_CANCELLED, payload=asdict(event),
                         key=f"{TELL_CANCELLED}:{event.event_id}:{event.start_date}:{event.cancelled_at}")


ANNOUNCEMENTS: dict[type, Callable[[Any], OutboxMessage]] = {ChurchEventCancelled: cancelled}
