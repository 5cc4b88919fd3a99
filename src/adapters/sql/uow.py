"""The unit of work on one AsyncSession, and the outbox that writes into the same transaction."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.shared.tables import completed_jobs, outbox
from application.shared.events import EventTranslation
from application.shared.ports import Clock, OutboxMessage, PendingMessage
from domain.shared.events import RecordsEvents


class SqlOutbox:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock
        self.pending: list[dict[str, Any]] = []

    def add(self, message: OutboxMessage) -> None:
        self.pending.append(
            {"id": uuid.uuid4().hex, "topic": message.topic, "payload": message.payload, "key": message.key,
             "created_at": self._clock.now()}
        )

    async def flush(self) -> None:
        if self.pending:
            rows, self.pending = self.pending, []
            await self._session.execute(insert(outbox), rows)


class SqlUnitOfWork:
    """Commits the session; first, the events of every aggregate in it become outbox rows of the same
    transaction (the session holds whatever the use case added, saved or loaded)."""

    def __init__(self, session: AsyncSession, outbox_writer: SqlOutbox, translation: EventTranslation) -> None:
        self._session = session
        self._outbox = outbox_writer
        self._translation = translation

    async def commit(self) -> None:
        for message in self._translation.messages(self._pull_events()):
            self._outbox.add(message)
        await self._outbox.flush()
        await self._session.commit()

    def _pull_events(self) -> list[Any]:
        seen = {id(entity): entity for entity in (*self._session.new, *self._session.identity_map.values())}
        return [event for entity in seen.values() if isinstance(entity, RecordsEvents)
                for event in entity.pull_events()]

    async def rollback(self) -> None:
        self._outbox.pending.clear()
        await self._session.rollback()


class SqlOutboxStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim_batch(self, limit: int) -> list[PendingMessage]:
        rows = await self._session.execute(
            select(outbox.c.id, outbox.c.topic, outbox.c.payload, outbox.c.key)
            .where(outbox.c.dispatched_at.is_(None))
            .order_by(outbox.c.created_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [PendingMessage(id=r.id, topic=r.topic, payload=r.payload, key=r.key) for r in rows]

    async def mark_dispatched(self, ids: list[str], at: Any) -> None:
        """The payload is emptied once queued: emails carry one-time codes and reset links."""
        await self._session.execute(update(outbox).where(outbox.c.id.in_(ids)).values(dispatched_at=at, payload={}))


class SqlJobJournal:
    """The keys of the jobs that ran to completion, so a job delivered twice runs once.

    `claim` inserts the key inside the job's own transaction, which commits only when the job succeeds.
    While that transaction is open, a second delivery of the same key waits on the row (PostgreSQL's
    unique index), then sees it recorded and skips; if the first attempt fails, its row is rolled back
    and the retry may claim it again.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, key: str, topic: str, at: datetime) -> bool:
        """Records `key` in the current transaction; False when it is already recorded (job done)."""
        result = await self._session.execute(
            pg_insert(completed_jobs)
            .values(key=key, topic=topic, completed_at=at)
            .on_conflict_do_nothing(index_elements=[completed_jobs.c.key])
            .returning(completed_jobs.c.key)
        )
        return result.first() is not None

    async def is_done(self, key: str) -> bool:
        row = await self._session.execute(select(completed_jobs.c.key).where(completed_jobs.c.key == key))
        return row.first() is not None
