"""The shared state behind the memory repositories, and the cross-cutting memory adapters."""

from __future__ import annotations

import copy
import itertools
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from application.shared.events import EventTranslation
from application.shared.ports import OutboxMessage, PendingMessage
from domain.shared.errors import TooManyRequests
from domain.shared.events import RecordsEvents


@dataclass
class MemoryStore:
    rows: dict[str, dict[Any, Any]] = field(default_factory=lambda: defaultdict(dict))
    sequences: dict[str, itertools.count[int]] = field(default_factory=lambda: defaultdict(lambda: itertools.count(1)))
    outbox: list[tuple[str, OutboxMessage, datetime | None]] = field(default_factory=list)
    # Events of the aggregates saved since the last commit (a database session would hold the aggregates).
    events: list[Any] = field(default_factory=list)

    def next_id(self, table: str) -> int:
        return next(self.sequences[table])

    def table(self, name: str) -> dict[Any, Any]:
        return self.rows[name]

    def keep(self, entity: Any) -> Any:
        """The copy a memory repository stores: the fields, as a database keeps them; the aggregate's events wait
        for the commit."""
        if isinstance(entity, RecordsEvents):
            self.events.extend(entity.pull_events())
        return detached(entity)


def detached(entity: Any) -> Any:
    """Repositories hand out copies, as a database would: changes count only once saved."""
    return copy.deepcopy(entity)


class FrozenClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 1, 15, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


class MemoryUnitOfWork:
    """A transaction over the store: `rollback` puts back the rows and the outbox as the last commit left them."""

    def __init__(self, store: MemoryStore, translation: EventTranslation | None = None) -> None:
        self.store = store
        self.commits = 0
        self.rollbacks = 0
        self._translation = translation or EventTranslation()
        self._committed = self._snapshot()

    def _snapshot(self) -> tuple[dict[str, dict[Any, Any]], list[tuple[str, OutboxMessage, datetime | None]]]:
        return copy.deepcopy(dict(self.store.rows)), list(self.store.outbox)

    async def commit(self) -> None:
        events, self.store.events = self.store.events, []
        for message in self._translation.messages(events):
            self.store.outbox.append((uuid.uuid4().hex, message, None))
        self.commits += 1
        self._committed = self._snapshot()

    async def rollback(self) -> None:
        self.rollbacks += 1
        self.store.events.clear()
        rows, outbox = copy.deepcopy(self._committed)
        for name in list(self.store.rows):  # in place: repositories hold on to their table
            self.store.rows[name].clear()
            self.store.rows[name].update(rows.get(name, {}))
        self.store.outbox[:] = outbox


class MemoryOutbox:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def add(self, message: OutboxMessage) -> None:
        self._store.outbox.append((uuid.uuid4().hex, message, None))

    def messages(self, topic: str | None = None) -> list[OutboxMessage]:
        return [m for _, m, _ in self._store.outbox if topic is None or m.topic == topic]


class MemoryOutboxStore:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def claim_batch(self, limit: int) -> list[PendingMessage]:
        pending = [(i, m) for i, m, sent in self._store.outbox if sent is None][:limit]
        return [PendingMessage(id=i, topic=m.topic, payload=m.payload, key=m.key) for i, m in pending]

    async def mark_dispatched(self, ids: list[str], at: datetime) -> None:
        wanted = set(ids)
        self._store.outbox = [
            (i, replace(m, payload={}), at) if i in wanted else (i, m, sent) for i, m, sent in self._store.outbox
        ]


class MemoryJobJournal:
    """The keys of the jobs that ran to completion, in a table of the store (so a rollback forgets a claim)."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def claim(self, key: str, topic: str, at: datetime) -> bool:
        done = self._store.table("completed_jobs")
        if key in done:
            return False
        done[key] = (topic, at)
        return True

    async def is_done(self, key: str) -> bool:
        return key in self._store.table("completed_jobs")


class MemoryThrottle:
    """A sliding window per key, in this process only."""

    def __init__(self, clock: Any) -> None:
        self._clock = clock
        self._hits: dict[str, deque[datetime]] = defaultdict(deque)

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> None:
        now = self._clock.now()
        hits = self._hits[key]
        while hits and (now - hits[0]).total_seconds() >= window_seconds:
            hits.popleft()
        if len(hits) >= limit:
            retry = int(window_seconds - (now - hits[0]).total_seconds()) + 1
            raise TooManyRequests("Trop de tentatives, réessayez plus tard", retry_after=max(1, retry))
        hits.append(now)


class InlineJobQueue:
    """Runs each job as soon as it is enqueued, once per key (what the SAQ worker does, minus the wait)."""

    def __init__(self, handlers: dict[str, Any] | None = None) -> None:
        self.handlers = handlers or {}
        self.enqueued: list[tuple[str, dict[str, Any], str]] = []
        self._done: set[str] = set()

    async def enqueue(self, topic: str, payload: dict[str, Any], *, key: str) -> None:
        self.enqueued.append((topic, payload, key))
        if key in self._done:
            return
        handler = self.handlers.get(topic)
        if handler is not None:
            await handler(payload)
            self._done.add(key)
