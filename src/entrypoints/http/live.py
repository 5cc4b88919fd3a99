"""The notification streams of the three faces (server-sent events), and the process's LISTEN connection that
feeds them (docs/notifications.md, "On the wire").

A stream sends a comment once it is subscribed (`: connected`), then `event: notification` with data
{"id": <the face's notification id>} for each new notification of the caller (the client then fetches it), and a
comment every PING_SECONDS so that proxies keep the connection open. It ends when the client leaves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import msgspec
from dishka import AsyncContainer
from litestar.response import ServerSentEvent, ServerSentEventMessage

from adapters.live.hub import LiveHub
from adapters.sql.notifications.listener import InboxListener

PING_SECONDS = 15.0
RETRY_MS = 3000  # how long a browser's EventSource waits before it connects again


def notification_stream(hub: LiveHub, user_id: int, wire_id: Callable[[int], int | str]) -> ServerSentEvent:
    async def events() -> AsyncIterator[ServerSentEventMessage]:
        with hub.subscribe(user_id) as queue:
            yield ServerSentEventMessage(data=None, comment="connected", retry=RETRY_MS)
            while True:
                try:
                    notification_id = await asyncio.wait_for(queue.get(), PING_SECONDS)
                except TimeoutError:
                    yield ServerSentEventMessage(data=None, comment="ping")
                    continue
                data = msgspec.json.encode({"id": wire_id(notification_id)}).decode()
                yield ServerSentEventMessage(data=data, event="notification")

    return ServerSentEvent(events(), headers={"X-Accel-Buffering": "no"})


class LiveNotifications:
    """Started and stopped with the app (its lifespan): the LISTEN connection of a process on PostgreSQL."""

    def __init__(self, database_url: str, container: AsyncContainer) -> None:
        self._database_url = database_url
        self._container = container
        self.listener: InboxListener | None = None

    async def start(self) -> None:
        if not self._database_url.startswith(("postgres://", "postgresql")):
            return  # the memory runtime: notifications reach the hub in-process
        self.listener = InboxListener(self._database_url, await self._container.get(LiveHub))
        await self.listener.start()

    async def stop(self) -> None:
        if self.listener is not None:
            await self.listener.stop()
