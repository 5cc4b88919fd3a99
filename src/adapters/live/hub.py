"""One process's open streams, by person. A stream reads its queue; a full queue (a stalled client) drops the
oldest wake-up, which loses nothing: the client reads its inbox again on any wake-up."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from domain.notifications.model import Notification

CHANNEL = "agora_inbox"  # PostgreSQL NOTIFY channel; payload "<user_id>:<notification_id>"
QUEUE_SIZE = 100


def payload(notification: Notification) -> str:
    return f"{notification.user_id}:{notification.id}"


def parse(text: str) -> tuple[int, int] | None:
    user, _, notification = text.partition(":")
    try:
        return int(user), int(notification)
    except ValueError:
        return None


class LiveHub:
    def __init__(self) -> None:
        self._streams: dict[int, set[asyncio.Queue[int]]] = defaultdict(set)

    @contextmanager
    def subscribe(self, user_id: int) -> Iterator[asyncio.Queue[int]]:
        """A queue of the person's new notification ids while the stream is open."""
        queue: asyncio.Queue[int] = asyncio.Queue(QUEUE_SIZE)
        self._streams[user_id].add(queue)
        try:
            yield queue
        finally:
            self._streams[user_id].discard(queue)
            if not self._streams[user_id]:
                del self._streams[user_id]

    def publish(self, user_id: int, notification_id: int) -> None:
        for queue in tuple(self._streams.get(user_id, ())):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(notification_id)

    def listeners(self) -> int:
        return sum(len(queues) for queues in self._streams.values())


class InProcessLiveFeed:
    """The LiveFeed of one process with no database (memory container, tests): straight to the hub."""

    def __init__(self, hub: LiveHub) -> None:
        self._hub = hub

    async def announce(self, notifications: Sequence[Notification]) -> None:
        for notification in notifications:
            if notification.id is not None:
                self._hub.publish(notification.user_id, notification.id)
