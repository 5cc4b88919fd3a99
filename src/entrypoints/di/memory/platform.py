"""The platform in memory: one MemoryStore for the container's life, a unit of work, outbox and job journal
per request, a frozen clock, a throttle, senders that keep what they send, and a queue that runs each job at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dishka import AnyOf, AsyncContainer, Provider, Scope, from_context, provide
from saq import Queue
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.ports import MemoryEmailSender, MemoryFileStorage, MemorySmsSender
from adapters.memory.store import (
    FrozenClock,
    InlineJobQueue,
    MemoryJobJournal,
    MemoryOutbox,
    MemoryOutboxStore,
    MemoryStore,
    MemoryThrottle,
    MemoryUnitOfWork,
)
from application.shared.events import EventTranslation
from application.shared.ports import (
    Clock,
    EmailSender,
    FileStorage,
    JobJournal,
    JobQueue,
    Outbox,
    OutboxStore,
    SmsSender,
    Throttle,
    UnitOfWork,
)

NO_DATABASE = "the memory container has no database: a port is still wired to SQL (give its context a memory provider)"


@dataclass(frozen=True)
class JobUseCases:
    """The contexts' job use cases by outbox topic (entrypoints/contexts), which the memory queue runs."""

    by_topic: Mapping[str, type[Any]]


def in_request(container: AsyncContainer, use_case: type[Any]) -> Callable[[dict[str, Any]], Awaitable[None]]:
    """Runs a job use case in its own REQUEST scope and commits, as the worker does."""

    async def run(payload: dict[str, Any]) -> None:
        async with container() as request:
            await (await request.get(use_case))(payload)
            await (await request.get(UnitOfWork)).commit()

    return run


class PlatformMemory(Provider):
    scope = Scope.APP
    job_use_cases = from_context(JobUseCases, scope=Scope.APP)

    @provide
    def store(self) -> MemoryStore:
        return MemoryStore()

    @provide
    def clock(self) -> AnyOf[FrozenClock, Clock]:
        return FrozenClock()

    @provide
    def throttle(self, clock: Clock) -> Throttle:
        return MemoryThrottle(clock)

    email = provide(MemoryEmailSender, provides=AnyOf[MemoryEmailSender, EmailSender])
    sms = provide(MemorySmsSender, provides=AnyOf[MemorySmsSender, SmsSender])
    storage = provide(MemoryFileStorage, provides=AnyOf[MemoryFileStorage, FileStorage])

    translation = from_context(EventTranslation, scope=Scope.APP)

    @provide(scope=Scope.REQUEST)
    def uow(self, store: MemoryStore, translation: EventTranslation) -> UnitOfWork:
        return MemoryUnitOfWork(store, translation)
    outbox = provide(MemoryOutbox, scope=Scope.REQUEST, provides=Outbox)
    outbox_store = provide(MemoryOutboxStore, scope=Scope.REQUEST, provides=OutboxStore)
    journal = provide(MemoryJobJournal, scope=Scope.REQUEST, provides=JobJournal)

    @provide
    def job_queue(self, container: AsyncContainer, jobs: JobUseCases) -> AnyOf[InlineJobQueue, JobQueue]:
        return InlineJobQueue({topic: in_request(container, use_case) for topic, use_case in jobs.by_topic.items()})

    @provide
    def no_engine(self) -> AsyncEngine:
        raise LookupError(NO_DATABASE)

    @provide
    def no_queue(self) -> Queue:
        raise LookupError(NO_DATABASE)
