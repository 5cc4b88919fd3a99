"""One LISTEN connection per API process: every `pg_notify('agora_inbox', '<user_id>:<notification_id>')` that
commits, from any process, wakes this process's open streams of that person (adapters/live/hub.LiveHub).

The connection is asyncpg's own, outside the pools. When it drops (the server restarts, a network cut, an
administrator's pg_terminate_backend), the listener connects again with a growing wait; a connection that went
silent is found by a ping every `check_every` seconds. What was notified while it was away is not replayed: a
client reads its inbox again whenever its stream opens again, so it loses nothing it cannot fetch."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg

from adapters.live.hub import CHANNEL, LiveHub, parse
from adapters.sql.database import libpq_url

log = logging.getLogger("agora.live")


class InboxListener:
    def __init__(self, database_url: str, hub: LiveHub, *, first_wait: float = 0.2, longest_wait: float = 10.0,
                 check_every: float = 30.0) -> None:
        self._url = libpq_url(database_url)
        self._hub = hub
        self._first_wait = first_wait
        self._longest_wait = longest_wait
        self._check_every = check_every
        self._task: asyncio.Task[None] | None = None
        self._connection: asyncpg.Connection | None = None
        self._changed = asyncio.Condition()
        self.connections = 0  # how many times it started listening (1 + reconnections)

    @property
    def listening(self) -> bool:
        return self._connection is not None and not self._connection.is_closed()

    @property
    def server_pid(self) -> int | None:
        return None if self._connection is None else int(self._connection.get_server_pid())

    async def start(self, *, within: float = 10.0) -> None:
        """Starts listening; returns once the first connection listens, or after `within` s (it keeps trying)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="agora-inbox-listener")
        with contextlib.suppress(TimeoutError):
            await self.wait_listening(0, within=within)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def wait_listening(self, after: int, *, within: float) -> int:
        """Waits until it listens on a connection opened after the `after`-th one; the count of connections."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: self.connections > after and self.listening)
            return self.connections

    async def _run(self) -> None:
        wait = self._first_wait
        while True:
            try:
                connection = await asyncpg.connect(self._url, timeout=10)
            except (OSError, asyncpg.PostgresError, TimeoutError) as error:
                log.warning("live notifications: cannot connect (%s); again in %.1fs", error, wait)
                await asyncio.sleep(wait)
                wait = min(wait * 2, self._longest_wait)
                continue
            try:
                await self._listen(connection)
                wait = self._first_wait
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as error:
                log.warning("live notifications: connection lost (%s); connecting again", error)
            finally:
                self._connection = None
                if not connection.is_closed():
                    connection.terminate()
            await asyncio.sleep(wait)
            wait = min(wait * 2, self._longest_wait)

    async def _listen(self, connection: asyncpg.Connection) -> None:
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _: lost.set())
        await connection.add_listener(CHANNEL, self._on_notification)
        async with self._changed:
            self._connection = connection
            self.connections += 1
            self._changed.notify_all()
        log.info("live notifications: listening on %s", CHANNEL)
        while not lost.is_set():
            try:
                await asyncio.wait_for(lost.wait(), self._check_every)
            except TimeoutError:
                await connection.execute("SELECT 1", timeout=5)
        raise asyncpg.InterfaceError("the LISTEN connection was closed")

    def _on_notification(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        parsed = parse(payload)
        if parsed is not None:
            self._hub.publish(*parsed)
