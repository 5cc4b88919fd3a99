"""The LISTEN connection of an API process: what any connection notifies on `agora_inbox` at commit wakes the
hub's streams of that person, and the listener connects again when its connection is dropped."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from adapters.live.hub import CHANNEL, LiveHub
from adapters.sql.database import libpq_url
from adapters.sql.notifications.listener import InboxListener

WITHIN = 5.0


@pytest.fixture
async def listening(database_url: str) -> AsyncIterator[tuple[InboxListener, LiveHub]]:
    hub = LiveHub()
    listener = InboxListener(database_url, hub, first_wait=0.05)
    await listener.start()
    yield listener, hub
    await listener.stop()


async def notify(database_url: str, payload: str) -> None:
    other = await asyncpg.connect(libpq_url(database_url))
    try:
        async with other.transaction():
            await other.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)
    finally:
        await other.close()


async def test_a_committed_notify_reaches_the_persons_streams_only(
        listening: tuple[InboxListener, LiveHub], database_url: str) -> None:
    listener, hub = listening
    assert listener.listening
    with hub.subscribe(7) as mine, hub.subscribe(8) as theirs:
        await notify(database_url, "8:41")
        await notify(database_url, "not a payload")
        await notify(database_url, "7:42")
        assert await asyncio.wait_for(mine.get(), WITHIN) == 42
        assert await asyncio.wait_for(theirs.get(), WITHIN) == 41
        assert mine.empty()


async def test_a_dropped_connection_is_replaced(listening: tuple[InboxListener, LiveHub], database_url: str) -> None:
    listener, hub = listening
    first = listener.server_pid
    await notify(database_url, "0:0")  # any statement: the kill below then finds it idle
    killer = await asyncpg.connect(libpq_url(database_url))
    try:
        assert await killer.fetchval("SELECT pg_terminate_backend($1)", first)
    finally:
        await killer.close()
    assert await listener.wait_listening(1, within=WITHIN) == 2
    assert listener.server_pid != first
    with hub.subscribe(7) as mine:
        await notify(database_url, "7:43")
        assert await asyncio.wait_for(mine.get(), WITHIN) == 43


async def test_stop_closes_the_connection(database_url: str) -> None:
    listener = InboxListener(database_url, LiveHub())
    await listener.start()
    assert listener.listening
    await listener.stop()
    assert not listener.listening and listener.server_pid is None
