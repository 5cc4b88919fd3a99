"""What the announcements context tells the world through the outbox: an announcement that became active is
pushed to its site's members by its own job (`announcements_push`), which looks the recipients up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from application.announcements.topics import PUSH_ANNOUNCEMENT
from application.shared.ports import OutboxMessage
from domain.announcements.events import AnnouncementPublished


def push_message(announcement_id: int) -> OutboxMessage:
    return OutboxMessage(topic=PUSH_ANNOUNCEMENT, payload={"announcement_id": announcement_id},
                         key=f"{PUSH_ANNOUNCEMENT}:{announcement_id}")


def published(event: AnnouncementPublished) -> OutboxMessage:
    return push_message(event.announcement_id)


ANNOUNCEMENTS: dict[type, Callable[[Any], OutboxMessage]] = {AnnouncementPublished: published}
