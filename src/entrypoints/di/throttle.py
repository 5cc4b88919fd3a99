"""The rate limiter every API process shares: on Redis when the queue is Redis, else on the database."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.redis_throttle import RedisThrottle
from adapters.sql.throttle import SqlThrottle
from application.shared.ports import Clock, Throttle
from entrypoints.runtime import Runtime


async def shared_throttle(runtime: Runtime, engine: AsyncEngine, clock: Clock) -> AsyncIterator[Throttle]:
    if not runtime.queue_url.startswith("redis"):  # as SAQ tells its queues apart: redis://, rediss://
        yield SqlThrottle(engine, clock)
        return
    throttle = RedisThrottle.from_url(runtime.queue_url, clock)
    try:
        yield throttle
    finally:
        await throttle.close()
