"""The SAQ queue, connected for the life of the process."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide
from saq import Queue

from adapters.queue.saq_queue import SaqJobQueue, make_queue
from adapters.sql.database import ConnectionShare
from application.shared.ports import JobQueue
from entrypoints.runtime import Runtime


class QueueProvider(Provider):
    scope = Scope.APP

    @provide
    async def queue(self, runtime: Runtime) -> AsyncIterator[Queue]:
        queue = make_queue(runtime.queue_url,
                           max_connections=ConnectionShare.of(runtime.settings.db_connections).queue)
        await queue.connect()
        yield queue
        await queue.disconnect()

    @provide
    def job_queue(self, queue: Queue) -> JobQueue:
        return SaqJobQueue(queue)
