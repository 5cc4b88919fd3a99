"""The rate limiter on PostgreSQL, so that every API process counts against one limit.

One row per key holds the times of the hits still inside the window (a sliding log, as MemoryThrottle keeps
in memory): at most `limit` timestamps, since a refused hit is not recorded. A hit is one
`INSERT ... ON CONFLICT DO UPDATE ... WHERE`: PostgreSQL locks the key's row for that statement only and
evaluates the condition on its latest version, so concurrent hits from any number of processes neither lose a
hit nor admit one past the limit. Each hit runs on its own connection in autocommit, outside the request's
transaction: it counts even if the use case rolls back, and holds no lock beyond its statement.

Keys are stored as SHA-256 digests (they hold emails and IPs, and an identifier of any length must fit an
index). Rows whose window is over are deleted now and then, in small batches that skip locked rows.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from application.shared.ports import Clock
from domain.shared.errors import TooManyRequests

# Admits the hit (returns a row) when fewer than :limit earlier hits are newer than :start.
_HIT = text("""
INSERT INTO throttle_windows AS w (key, hits, expires_at)
VALUES (:key, ARRAY[CAST(:now AS timestamptz)], :expires)
ON CONFLICT (key) DO UPDATE
SET hits = ARRAY(SELECT h FROM unnest(w.hits) AS h WHERE h > :start) || CAST(:now AS timestamptz),
    expires_at = excluded.expires_at
WHERE (SELECT count(*) FROM unnest(w.hits) AS h WHERE h > :start) < :limit
RETURNING 1
""")

_OLDEST = text("SELECT (SELECT min(h) FROM unnest(hits) AS h WHERE h > :start) FROM throttle_windows WHERE key = :key")

_PRUNE = text("""
DELETE FROM throttle_windows WHERE key IN (
    SELECT key FROM throttle_windows WHERE expires_at <= :now LIMIT :batch FOR UPDATE SKIP LOCKED)
""")


class SqlThrottle:
    """Same contract as MemoryThrottle: the message, and `retry_after` = seconds until the oldest hit in the
    window leaves it. Time comes from the Clock port (tests move it; API hosts are NTP-synchronised)."""

    def __init__(self, engine: AsyncEngine, clock: Clock, *, prune_every: timedelta = timedelta(minutes=1),
                 prune_batch: int = 1000) -> None:
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._clock = clock
        self._prune_every = prune_every
        self._prune_batch = prune_batch
        self._next_prune: datetime | None = None

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> None:
        now = self._clock.now()
        start = now - timedelta(seconds=window_seconds)
        digest = hashlib.sha256(key.encode()).digest()
        async with self._engine.connect() as connection:
            await self._prune(connection, now)
            admitted = await connection.execute(_HIT, {"key": digest, "now": now, "start": start, "limit": limit,
                                                       "expires": now + timedelta(seconds=window_seconds)})
            if admitted.first() is not None:
                return
            oldest = (await connection.execute(_OLDEST, {"key": digest, "start": start})).scalar()
        retry = int(window_seconds - (now - oldest).total_seconds()) + 1 if oldest is not None else 1
        raise TooManyRequests("Trop de tentatives, réessayez plus tard", retry_after=max(1, retry))

    async def _prune(self, connection: AsyncConnection, now: datetime) -> None:
        """Deletes a batch of finished windows, at most once per `prune_every` (again soon if more remain)."""
        if self._next_prune is not None and now < self._next_prune:
            return
        self._next_prune = now + self._prune_every
        deleted = await connection.execute(_PRUNE, {"now": now, "batch": self._prune_batch})
        if deleted.rowcount >= self._prune_batch:
            self._next_prune = now
