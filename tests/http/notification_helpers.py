"""Notifications wire-test helpers: notifications stored through the real `notify` job, and server-sent event
streams read as they come (httpx's ASGI transport waits for a response's end, which a stream never reaches)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from application.notifications.requests import notify
from application.notifications.sending import NotifyUsers
from application.notifications.topics import NOTIFY
from entrypoints.http.app import PrefixDispatcher, create_app
from entrypoints.runtime import Runtime
from tests.http.conftest import Api

WITHIN = 5.0  # seconds: generous bounds on waits that normally end in milliseconds


async def tell(api: Api, user_ids: Sequence[int], key: str, kind: str = "ANNOUNCEMENT", **data: Any) -> None:
    """Runs the notify job as the worker would (on its own request scope, a connection of its own)."""
    payload = notify(kind, list(user_ids), key, {"title": "Annonce", "message": "Bonjour", **data}).payload
    async with api.container() as request:
        job = await request.get(NotifyUsers)
        await job(payload)


def queued_notifications(api: Api) -> list[dict[str, Any]]:
    """The payloads of the notify jobs the app queued (the test's queue runs only email and SMS)."""
    return [payload for topic, payload, _ in api.jobs.enqueued if topic == NOTIFY]


@dataclass
class SseEvent:
    event: str | None = None
    data: str | None = None
    comments: list[str] = field(default_factory=list)
    retry: int | None = None

    def json(self) -> Any:
        assert self.data is not None
        return json.loads(self.data)


def parse_block(block: str) -> SseEvent:
    found = SseEvent()
    for line in block.splitlines():
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "":
            found.comments.append(value)
        elif name == "event":
            found.event = value
        elif name == "data":
            found.data = value if found.data is None else f"{found.data}\n{value}"
        elif name == "retry":
            found.retry = int(value)
    return found


class Stream:
    """One GET request driven by hand through the ASGI app: its status and headers, then its events."""

    def __init__(self) -> None:
        self.messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.body = b""
        self._buffer = ""
        self.ended = False

    async def started(self) -> None:
        message = await asyncio.wait_for(self.messages.get(), WITHIN)
        assert message["type"] == "http.response.start", message
        self.status = message["status"]
        self.headers = {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}

    async def read_all(self) -> bytes:
        """The whole body of a response that ends (an error)."""
        while not self.ended:
            await self._more()
        return self.body

    async def next_event(self, within: float = WITHIN) -> SseEvent:
        async with asyncio.timeout(within):
            while "\r\n\r\n" not in self._buffer:
                assert not self.ended, f"the stream ended: {self.body!r}"
                await self._more()
        block, _, self._buffer = self._buffer.partition("\r\n\r\n")
        return parse_block(block)

    async def _more(self) -> None:
        message = await self.messages.get()
        assert message["type"] == "http.response.body", message
        chunk = message.get("body", b"")
        self.body += chunk
        self._buffer += chunk.decode()
        self.ended = not message.get("more_body", False)


@contextlib.asynccontextmanager
async def open_stream(app: PrefixDispatcher, path: str, token: str | None) -> AsyncIterator[Stream]:
    """The client leaves (http.disconnect) when the block ends; the app's call must then end too."""
    stream = Stream()
    leave = asyncio.Event()
    asked = False

    async def receive() -> dict[str, Any]:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await leave.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        await stream.messages.put(message)

    headers = [(b"host", b"testserver"), (b"accept", b"text/event-stream")]
    if token is not None:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": headers,
             "client": ("203.0.113.7", 5000), "server": ("testserver", 80)}
    call = asyncio.create_task(app(scope, receive, send))
    try:
        await stream.started()
        yield stream
    finally:
        leave.set()
        await asyncio.wait_for(call, WITHIN)


@contextlib.asynccontextmanager
async def live_app(api: Api) -> AsyncIterator[PrefixDispatcher]:
    """The app of `api` with its lifespan run (which starts the process's LISTEN connection)."""
    runtime = Runtime(settings=api.settings, database_url=api.settings.database_url or "", queue_url="memory://")
    app = create_app(runtime, container=api.container)
    events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    answers: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def send(message: dict[str, Any]) -> None:
        await answers.put(message)

    lifespan = asyncio.create_task(app({"type": "lifespan"}, events.get, send))
    await events.put({"type": "lifespan.startup"})
    assert (await asyncio.wait_for(answers.get(), WITHIN))["type"] == "lifespan.startup.complete"
    try:
        yield app
    finally:
        await events.put({"type": "lifespan.shutdown"})
        await asyncio.wait_for(lifespan, WITHIN)
