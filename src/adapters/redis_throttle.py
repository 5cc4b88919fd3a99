"""The rate limiter on Redis, used when the job queue is Redis (the optional `redis` extra).

The same sliding log as SqlThrottle, as a sorted set per key (score = hit time in microseconds), checked and
updated by one Lua script, which Redis runs atomically. The key expires with its newest hit's window.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from application.shared.ports import Clock
from domain.shared.errors import TooManyRequests

# KEYS[1] the key; ARGV: now, window start (both in µs), limit, window (ms), a unique member.
# Returns nothing when the hit is admitted, else the time of the oldest hit in the window.
_HIT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5])
    redis.call('PEXPIRE', KEYS[1], ARGV[4])
    return false
end
return redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
"""

MICROS = 1_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class RedisThrottle:
    """Same contract as MemoryThrottle and SqlThrottle; time comes from the Clock port."""

    def __init__(self, client: Any, clock: Clock, *, prefix: str = "agora:throttle:") -> None:
        self._client = client
        self._clock = clock
        self._prefix = prefix
        self._script = client.register_script(_HIT)

    @classmethod
    def from_url(cls, url: str, clock: Clock) -> RedisThrottle:
        from redis.asyncio import Redis  # the optional extra: imported only when Redis is configured

        return cls(Redis.from_url(url), clock)

    async def close(self) -> None:
        await self._client.aclose()

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> None:
        now = (self._clock.now() - EPOCH) // timedelta(microseconds=1)
        window = window_seconds * MICROS
        name = self._prefix + hashlib.sha256(key.encode()).hexdigest()
        oldest = await self._script(keys=[name], args=[now, now - window, limit, window_seconds * 1000,
                                                       f"{now}:{uuid.uuid4().hex}"])
        if oldest is None:
            return
        retry = int((window - (now - int(float(oldest)))) / MICROS) + 1
        raise TooManyRequests("Trop de tentatives, réessayez plus tard", retry_after=max(1, retry))
