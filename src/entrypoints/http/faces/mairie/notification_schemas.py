"""Mairie's notification answers (mairie-ecms-api.md section 9): ids are "notif_<n>", types in lower case."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from domain.notifications.model import Notification
from entrypoints.http.faces.mairie.ids import NOTIFICATION_IDS


def wire_id(notification_id: int) -> str:
    return NOTIFICATION_IDS.wire(notification_id)


def notification_id(text: str) -> int | None:
    """The stored id of "notif_12" (or "notif_012", or "12"); None for anything else, which names nothing."""
    return NOTIFICATION_IDS.parse(text)


class NotificationOut(msgspec.Struct):
    id: str
    type: str
    title: str
    message: str
    data: dict[str, Any]
    is_read: bool
    created_at: datetime


def item(n: Notification) -> NotificationOut:
    assert n.id is not None
    return NotificationOut(id=wire_id(n.id), type=n.kind.lower(), title=n.title, message=n.message, data=n.data,
                           is_read=n.is_read, created_at=n.created_at)


class NotificationPage(msgspec.Struct):
    count: int
    unread_count: int
    results: list[NotificationOut]


class ReadState(msgspec.Struct):
    is_read: bool


class AllRead(msgspec.Struct):
    message: str
    updated_count: int
