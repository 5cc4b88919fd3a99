"""The outbox relay: moves committed messages onto the job queue."""

from __future__ import annotations

from application.shared.ports import Clock, JobQueue, OutboxStore, UnitOfWork


class RelayOutbox:
    def __init__(self, store: OutboxStore, queue: JobQueue, uow: UnitOfWork, clock: Clock) -> None:
        self._store = store
        self._queue = queue
        self._uow = uow
        self._clock = clock

    async def __call__(self, batch_size: int = 100) -> int:
        """Enqueues one batch; returns how many messages it moved. A crash before commit re-sends
        them next time; the queue's job key and idempotent handlers make that harmless."""
        messages = await self._store.claim_batch(batch_size)
        for message in messages:
            await self._queue.enqueue(message.topic, message.payload, key=message.key)
        if messages:
            await self._store.mark_dispatched([m.id for m in messages], self._clock.now())
        await self._uow.commit()
        return len(messages)
