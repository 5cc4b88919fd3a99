"""Which rate limiter the container builds: on the database, or on Redis when the queue is Redis."""

from __future__ import annotations

import importlib.util

import pytest

from adapters.redis_throttle import RedisThrottle
from adapters.sql.throttle import SqlThrottle
from application.shared.ports import Throttle
from entrypoints.di.container import make_container
from entrypoints.runtime import Runtime
from entrypoints.settings import Settings

DATABASE = "postgresql://agora@127.0.0.1:1/agora"  # never connected to: building the throttle opens nothing


async def throttle_for(queue_url: str) -> Throttle:
    container = make_container(Runtime(settings=Settings(), database_url=DATABASE, queue_url=queue_url))
    try:
        return await container.get(Throttle)
    finally:
        await container.close()


async def test_the_database_queue_means_the_throttle_is_in_the_database() -> None:
    assert isinstance(await throttle_for(DATABASE), SqlThrottle)


@pytest.mark.skipif(importlib.util.find_spec("redis") is None, reason="needs the redis extra")
async def test_a_redis_queue_means_the_throttle_is_in_redis() -> None:
    assert isinstance(await throttle_for("redis://127.0.0.1:1/0"), RedisThrottle)
