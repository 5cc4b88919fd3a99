"""The job queue on SAQ: Postgres queue by default, Redis when the URL says so."""

from __future__ import annotations

from typing import Any

from saq import Queue

QUEUE_NAME = "agora"


def make_queue(url: str, *, max_connections: int | None = None) -> Queue:
    """On PostgreSQL, `max_connections` bounds the queue's pool (SAQ's default keeps 4 open and grows to 20)."""
    if max_connections is not None and url.startswith(("postgres://", "postgresql://")):
        return Queue.from_url(url, name=QUEUE_NAME, min_size=1, max_size=max_connections)
    return Queue.from_url(url, name=QUEUE_NAME)


class SaqJobQueue:
    """Enqueues job `topic` (the worker's task name) with `payload=...`; SAQ's `key` drops a duplicate
    while the first is still queued or running. A failing job is tried up to `retries` times in all (SAQ
    counts the first attempt), waiting about `retry_delay` seconds, doubled at each attempt (with jitter)."""

    def __init__(self, queue: Queue, *, retries: int = 8, retry_delay: float = 2.0, timeout: int = 60) -> None:
        self._queue = queue
        self._retries = retries
        self._retry_delay = retry_delay
        self._timeout = timeout

    async def enqueue(self, topic: str, payload: dict[str, Any], *, key: str) -> None:
        await self._queue.enqueue(topic, key=key, payload=payload, retries=self._retries,
                                  retry_delay=self._retry_delay, retry_backoff=True, timeout=self._timeout)
