"""The job queue on SAQ: Postgres queue by default, Redis when the URL says so."""

from __future__ import annotations

from typing import Any

from saq import Queue

QUEUE_NAME = "agora"


def make_queue(url: str) -> Queue:
    return Queue.from_url(url, name=QUEUE_NAME)


class SaqJobQueue:
    def __init__(self, queue: Queue, *, retries: int = 8) -> None:
        self._queue = queue
        self._retries = retries

    async def enqueue(self, topic: str, payload: dict[str, Any], *, key: str) -> None:
        await self._queue.enqueue(topic, key=key, payload=payload, retries=self._retries, retry_delay=2.0,
                                  retry_backoff=True, timeout=60)
