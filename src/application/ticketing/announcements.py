"""What the events catalogue tells the world through the outbox: a cancelled event's sales are undone by a job
(`ticketing_cancel_event_sales`: unpaid orders cancelled, paid ones refunded). Its other events have no listener
yet (moderation emails arrive with the notifications context): the unit of work logs and drops them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from application.shared.ports import OutboxMessage
from application.ticketing.sales.topics import CANCEL_EVENT_SALES
from domain.ticketing.events import EventCancelled


def cancelled(event: EventCancelled) -> OutboxMessage:
    return OutboxMessage(topic=CANCEL_EVENT_SALES, payload={"event_id": event.event_id},
                         key=f"{CANCEL_EVENT_SALES}:{event.event_id}")


ANNOUNCEMENTS: dict[type, Callable[[Any], OutboxMessage]] = {EventCancelled: cancelled}
