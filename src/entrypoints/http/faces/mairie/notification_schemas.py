"""Mairie's notification answers (mairie-ecms-api.md section 9): ids are "notif_<n>", types in lower case."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import msgspec

from domain.notifications.model import Notification
from domain.shared.ids import MAX_ID

PREFIX = "notif_"
_ID = re.compile(r"(?:notif_)?0*([0-9]{1,19})")


def wire_id(notification_id: int) -> str:
    return f"{PREFIX}{notification_id:03d}"


def notification_id(text: str) -> int | None:
    """The stored id of "notif_12" (or "notif_012", or "12"); None for anything else, which names nothing."""
    found = _ID.fullmatch(text)
    if found is None:
        return None
    value = int(found.group(1))
    return value if 1 <= value <= MAX_ID else None


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
