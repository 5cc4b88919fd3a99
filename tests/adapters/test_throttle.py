"""One contract for the Throttle port, run on memory, PostgreSQL and (when a redis-server is at hand) Redis;
plus what only a shared store must show: several processes hitting at once admit exactly the limit."""

from __future__ import annotations

import asyncio
import importlib.util
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from adapters.memory.store import FrozenClock, MemoryThrottle
from adapters.redis_throttle import RedisThrottle
from adapters.sql.database import make_engine, make_sessionmaker
from adapters.sql.shared.tables import throttle_windows
from adapters.sql.throttle import SqlThrottle
from application.shared.ports import Throttle
from domain.shared.errors import TooManyRequests

MESSAGE = "Trop de tentatives, réessayez plus tard"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    if shutil.which("redis-server") is None or importlib.util.find_spec("redis") is None:
        pytest.skip("needs a redis-server binary and the redis extra")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="agora-redis-") as folder:
        server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                   "--appendonly", "no", "--dir", folder], stdout=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture(params=["memory", "sql", "redis"])
async def throttles(request: pytest.FixtureRequest, clock: FrozenClock) -> AsyncIterator[list[Throttle]]:
    """Two throttles on one store, as two API processes have (in memory, there is no store to share)."""
    if request.param == "memory":
        memory = MemoryThrottle(clock)
        yield [memory, memory]
    elif request.param == "sql":
        url = request.getfixturevalue("database_url")
        engines = [make_engine(url, pool_size=10), make_engine(url, pool_size=10)]
        yield [SqlThrottle(engine, clock) for engine in engines]
        async with engines[0].begin() as connection:
            await connection.execute(delete(throttle_windows))
        for engine in engines:
            await engine.dispose()
    else:
        url = request.getfixturevalue("redis_url")
        clients = [RedisThrottle.from_url(url, clock), RedisThrottle.from_url(url, clock)]
        yield list(clients)
        await clients[0]._client.flushdb()
        for client in clients:
            await client.close()


async def refused(throttle: Throttle, key: str, **limits: Any) -> TooManyRequests:
    with pytest.raises(TooManyRequests) as caught:
        await throttle.hit(key, **limits)
    assert caught.value.message == MESSAGE
    return caught.value


async def test_the_hit_past_the_limit_waits_for_the_oldest_to_leave_the_window(throttles: list[Throttle],
                                                                               clock: FrozenClock) -> None:
    throttle = throttles[0]
    for _ in range(3):  # at 0, 20 and 40 s
        await throttle.hit("login:a", limit=3, window_seconds=60)
        clock.advance(seconds=20)
    clock.advance(seconds=-10)
    assert (await refused(throttle, "login:a", limit=3, window_seconds=60)).retry_after == 11  # at 50 s
    clock.advance(seconds=10)
    await throttle.hit("login:a", limit=3, window_seconds=60)  # at 60 s the first hit has left the window
    assert (await refused(throttle, "login:a", limit=3, window_seconds=60)).retry_after == 21  # 20 s is oldest


async def test_refused_hits_do_not_count_and_keys_are_apart(throttles: list[Throttle], clock: FrozenClock) -> None:
    throttle = throttles[0]
    await throttle.hit("k", limit=1, window_seconds=60)
    for _ in range(5):
        assert (await refused(throttle, "k", limit=1, window_seconds=60)).retry_after == 61
    await throttle.hit("other", limit=1, window_seconds=60)
    clock.advance(seconds=60)
    await throttle.hit("k", limit=1, window_seconds=60)


async def test_fifty_hits_at_once_from_two_processes_admit_exactly_the_limit(throttles: list[Throttle]) -> None:
    async def hit(n: int) -> bool:
        try:
            await throttles[n % 2].hit("login:flood", limit=20, window_seconds=60)
        except TooManyRequests:
            return False
        return True

    admitted = await asyncio.gather(*(hit(n) for n in range(50)))
    assert admitted.count(True) == 20
    await refused(throttles[1], "login:flood", limit=20, window_seconds=60)


async def test_a_hit_counts_even_when_the_request_transaction_rolls_back(database_url: str) -> None:
    engine = make_engine(database_url)
    throttle = SqlThrottle(engine, FrozenClock())
    try:
        async with make_sessionmaker(engine)() as session:
            await session.execute(select(1))  # the request's transaction is open
            await throttle.hit("rollback", limit=1, window_seconds=60)
            await session.rollback()
        await refused(throttle, "rollback", limit=1, window_seconds=60)
    finally:
        async with engine.begin() as connection:
            await connection.execute(delete(throttle_windows))
        await engine.dispose()


async def test_finished_windows_are_pruned_in_batches(database_url: str, clock: FrozenClock) -> None:
    engine = make_engine(database_url)
    throttle = SqlThrottle(engine, clock, prune_batch=2)

    async def rows() -> int:
        async with engine.connect() as connection:
            return int((await connection.execute(select(func.count()).select_from(throttle_windows))).scalar_one())

    try:
        for n in range(5):
            await throttle.hit(f"ip:{n}", limit=5, window_seconds=60)
        assert await rows() == 5
        clock.advance(seconds=61)
        await throttle.hit("later", limit=5, window_seconds=60)  # a batch of 2 goes, and more remain,
        assert await rows() == 4
        await throttle.hit("later", limit=5, window_seconds=60)  # so the next hits prune again
        await throttle.hit("later", limit=5, window_seconds=60)
        assert await rows() == 1
    finally:
        async with engine.begin() as connection:
            await connection.execute(delete(throttle_windows))
        await engine.dispose()
