"""The background path on the real SAQ Postgres queue: outbox → relay → SAQ → worker task → sender."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from dishka import AsyncContainer, Provider, Scope
from saq import Queue, Worker
from saq.job import Status
from sqlalchemy import text

from adapters.notify.email_console import ConsoleEmailSender
from adapters.queue.saq_queue import SaqJobQueue
from adapters.sql.database import make_engine, make_sessionmaker
from adapters.sql.uow import SqlJobJournal
from application.identity.services import RegisterCommand, RegisterUser
from application.shared.email import SEND_EMAIL
from application.shared.outbox import RelayOutbox
from application.shared.ports import Clock, EmailMessage, EmailSender, JobQueue, OutboxStore, UnitOfWork
from domain.identity.model import Realm
from entrypoints.di.container import make_container
from entrypoints.runtime import Runtime
from entrypoints.settings import Settings
from entrypoints.worker import build_worker, start_worker, stop_worker
from entrypoints.worker.relay import relay_once
from entrypoints.worker.tasks import DONE, SKIPPED
from tests.queue_support import finished_a_second_ago

PASSWORD = "Tr0ub4dor&3-horse"
NOW = "2026-05-01T10:00:00+00:00"


class FlakySender:
    """Fails its first `failures` sends, like an SMTP server that is briefly down."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.attempts = 0
        self.sent: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> None:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise ConnectionError("SMTP server unavailable")
        self.sent.append(message)


@dataclass
class Harness:
    runtime: Runtime
    container: AsyncContainer
    queue: Queue
    sender: Any

    def worker(self, **options: Any) -> Worker[Any]:
        return build_worker(self.runtime, self.container, **{"relay_interval": None, **options})

    async def register(self, email: str = "ada@example.com") -> int:
        async with self.container() as request:
            register = await request.get(RegisterUser)
            user = await register(RegisterCommand(realm=Realm.SPOTVIBE, email=email, password=PASSWORD,
                                                  username=email.split("@")[0]))
        assert user.id is not None
        return user.id

    async def enqueue(self, key: str, to: str = "ada@example.com") -> None:
        job_queue = await self.container.get(JobQueue)
        await job_queue.enqueue(SEND_EMAIL, {"to": to, "subject": "Hello", "text": "Hi", "html": None}, key=key)


async def clear_queue(database_url: str) -> None:
    engine = make_engine(database_url)
    async with engine.begin() as connection:
        exists = await connection.execute(text("SELECT to_regclass('saq_jobs') IS NOT NULL"))
        if exists.scalar():
            await connection.execute(text("DELETE FROM saq_jobs"))
    await engine.dispose()


def harness_for(sender: Any) -> Callable[..., Any]:
    @asynccontextmanager
    async def make(data_dir: Path, database_url: str, queue_url: str) -> AsyncIterator[Harness]:
        settings = Settings(data_dir=data_dir, database_url=database_url, secret_key="test-secret-key-0123456789",
                            argon2_time_cost=1, argon2_memory_kib=1024)
        runtime = Runtime(settings=settings, database_url=database_url, queue_url=queue_url)
        overrides = Provider(scope=Scope.APP)
        overrides.provide(lambda: sender, provides=EmailSender)

        def fast_retries(queue: Queue) -> JobQueue:
            return SaqJobQueue(queue, retries=4, retry_delay=0.05)

        overrides.provide(fast_retries, provides=JobQueue)
        container = make_container(runtime, overrides)
        try:
            yield Harness(runtime, container, await container.get(Queue), sender)
        finally:
            await container.close()
            await clear_queue(database_url)

    return make


@pytest.fixture
async def mailbox(data_dir: Path, database_url: str, queue_url: str, clean_database: None) -> AsyncIterator[Harness]:
    async with harness_for(ConsoleEmailSender())(data_dir, database_url, queue_url) as harness:
        yield harness


@asynccontextmanager
async def running(worker: Worker[Any]) -> AsyncIterator[Worker[Any]]:
    task = await start_worker(worker)
    try:
        yield worker
    finally:
        await stop_worker(worker, grace=5)
        await task


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 15) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def completed_keys(database_url: str) -> list[str]:
    engine = make_engine(database_url)
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT key FROM completed_jobs ORDER BY key"))
        keys = [row.key for row in rows]
    await engine.dispose()
    return keys


async def job_status(queue: Queue, key: str) -> Status | None:
    job = await queue.job(key)
    return job.status if job else None


async def test_a_committed_email_is_relayed_and_sent_once_by_the_worker(mailbox: Harness, database_url: str) -> None:
    user_id = await mailbox.register()
    key = f"welcome:spotvibe:{user_id}"
    welcome = f"notifications_notify:welcome:{user_id}:{user_id}-{user_id}:1"  # the welcome notification's job

    assert mailbox.sender.sent == []  # the use case only wrote to its outbox
    assert await relay_once(mailbox.container) == 2
    assert await relay_once(mailbox.container) == 0  # dispatched once

    async with running(mailbox.worker()):
        await eventually(lambda: job_status_is(mailbox.queue, key, Status.COMPLETE))
        await eventually(lambda: job_status_is(mailbox.queue, welcome, Status.COMPLETE))

    assert [m.to for m in mailbox.sender.sent] == ["ada@example.com"]
    job = await mailbox.queue.job(key)
    assert job is not None and job.result == DONE
    assert sorted(await completed_keys(database_url)) == sorted([key, welcome])


async def job_status_is(queue: Queue, key: str, status: Status) -> bool:
    return await job_status(queue, key) == status


async def test_the_worker_relays_the_outbox_itself(mailbox: Harness) -> None:
    async with running(mailbox.worker(relay_interval=0.1)):
        await mailbox.register("grace@example.com")

        async def sent() -> bool:
            return len(mailbox.sender.sent) == 1

        await eventually(sent)
    assert mailbox.sender.sent[0].to == "grace@example.com"
    assert mailbox.sender.sent[0].subject.startswith("Bienvenue")


class DownQueue:
    async def enqueue(self, topic: str, payload: dict[str, Any], *, key: str) -> None:
        raise ConnectionError("queue unreachable")


async def test_a_message_the_relay_could_not_enqueue_stays_in_the_outbox(mailbox: Harness) -> None:
    await mailbox.register()
    async with mailbox.container() as request:
        broken = RelayOutbox(await request.get(OutboxStore), DownQueue(), await request.get(UnitOfWork),
                             await request.get(Clock))
        with pytest.raises(ConnectionError):
            await broken()
    assert mailbox.sender.sent == []
    async with running(mailbox.worker(relay_interval=0.1)):
        async def sent() -> bool:
            return len(mailbox.sender.sent) == 1

        await eventually(sent)


async def test_a_key_delivered_twice_is_sent_once(mailbox: Harness, database_url: str) -> None:
    await mailbox.enqueue("mail:1")
    await mailbox.enqueue("mail:1")  # SAQ drops the duplicate while the first is queued
    async with running(mailbox.worker()):
        await eventually(lambda: job_status_is(mailbox.queue, "mail:1", Status.COMPLETE))
        # Once the job is complete SAQ accepts the key again (a relay that crashed before marking the
        # message dispatched re-sends it): the journal of completed jobs skips it.
        await finished_a_second_ago(mailbox.queue, "mail:1")
        again = await mailbox.queue.enqueue(SEND_EMAIL, key="mail:1",
                                            payload={"to": "ada@example.com", "subject": "Hello", "text": "Hi"})
        assert again is not None

        async def skipped() -> bool:
            job = await mailbox.queue.job("mail:1")
            return job is not None and job.status == Status.COMPLETE and job.result == SKIPPED

        await eventually(skipped)
    assert len(mailbox.sender.sent) == 1
    assert await completed_keys(database_url) == ["mail:1"]


async def test_a_failing_sender_is_retried_until_it_succeeds(data_dir: Path, database_url: str,
                                                             queue_url: str, clean_database: None) -> None:
    sender = FlakySender(failures=2)
    async with harness_for(sender)(data_dir, database_url, queue_url) as harness:
        await harness.enqueue("mail:flaky")
        async with running(harness.worker()):
            await eventually(lambda: job_status_is(harness.queue, "mail:flaky", Status.COMPLETE), within=30)
        job = await harness.queue.job("mail:flaky")
        assert job is not None and job.attempts == 3
        assert sender.attempts == 3
        assert len(sender.sent) == 1
        assert await completed_keys(database_url) == ["mail:flaky"]


async def test_a_job_that_keeps_failing_is_not_recorded_as_done(data_dir: Path, database_url: str,
                                                                queue_url: str, clean_database: None) -> None:
    sender = FlakySender(failures=100)
    async with harness_for(sender)(data_dir, database_url, queue_url) as harness:
        await harness.enqueue("mail:down")
        async with running(harness.worker()):
            await eventually(lambda: job_status_is(harness.queue, "mail:down", Status.FAILED), within=30)
        assert sender.attempts == 4  # SAQ's `retries` counts every attempt
        assert await completed_keys(database_url) == []


async def test_a_second_claim_of_a_key_waits_for_the_first_and_then_skips(database_url: str,
                                                                            clean_database: None) -> None:
    from datetime import UTC, datetime

    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    at = datetime.fromisoformat(NOW).astimezone(UTC)
    async with sessions() as first, sessions() as second:
        assert await SqlJobJournal(first).claim("job:1", SEND_EMAIL, at)
        waiting = asyncio.create_task(SqlJobJournal(second).claim("job:1", SEND_EMAIL, at))

        async def blocked_on_a_lock() -> bool:
            async with engine.connect() as watcher:
                return bool(await watcher.scalar(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()")))

        await eventually(blocked_on_a_lock, within=5)  # on the first job's uncommitted row
        assert not waiting.done()
        await first.commit()
        assert await waiting is False
        assert await SqlJobJournal(second).is_done("job:1")
    await engine.dispose()


async def test_a_dispatched_message_keeps_no_payload(database_url: str, clean_database: None) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import select

    from adapters.sql.database import make_engine, make_sessionmaker
    from adapters.sql.shared.tables import outbox
    from adapters.sql.uow import SqlOutbox, SqlOutboxStore
    from application.shared.ports import OutboxMessage

    class Now:
        def now(self) -> datetime:
            return datetime.now(UTC)

    engine = make_engine(database_url)
    async with make_sessionmaker(engine)() as session:
        writer = SqlOutbox(session, Now())
        writer.add(OutboxMessage(topic="notify_send_email", payload={"text": "code 123456"}, key="k-secret"))
        await writer.flush()
        store = SqlOutboxStore(session)
        claimed = await store.claim_batch(10)
        assert [m.payload for m in claimed] == [{"text": "code 123456"}]
        await store.mark_dispatched([m.id for m in claimed], datetime.now(UTC))
        await session.commit()
        rows = (await session.execute(select(outbox.c.payload, outbox.c.dispatched_at))).all()
    await engine.dispose()
    assert [(r.payload, r.dispatched_at is not None) for r in rows] == [({}, True)]


class HeldSender:
    """Sends only once `release` is set; `started` tells that a send is under way."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.sent: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> None:
        self.started.set()
        await self.release.wait()
        self.sent.append(message)


async def test_a_job_running_when_the_worker_stops_is_let_finish(data_dir: Path, database_url: str,
                                                                 queue_url: str, clean_database: None) -> None:
    sender = HeldSender()
    async with harness_for(sender)(data_dir, database_url, queue_url) as harness:
        await harness.enqueue("mail:in-flight")
        worker = harness.worker()
        task = await start_worker(worker)
        await asyncio.wait_for(sender.started.wait(), 15)
        stopping = asyncio.create_task(stop_worker(worker, grace=15))
        await asyncio.sleep(0)
        assert not stopping.done()  # the stop waits for the job in flight
        sender.release.set()
        await stopping
        await task
        assert len(sender.sent) == 1
        assert await completed_keys(database_url) == ["mail:in-flight"]


async def test_a_job_still_running_after_the_grace_is_run_again_by_the_next_worker(
        data_dir: Path, database_url: str, queue_url: str, clean_database: None) -> None:
    sender = HeldSender()
    async with harness_for(sender)(data_dir, database_url, queue_url) as harness:
        await harness.enqueue("mail:cut-short")
        worker = harness.worker()
        task = await start_worker(worker)
        await asyncio.wait_for(sender.started.wait(), 15)
        await stop_worker(worker, grace=0.1)  # the send is cancelled, nothing recorded
        await task
        assert sender.sent == [] and await completed_keys(database_url) == []
        sender.release.set()
        async with running(harness.worker()):
            await eventually(lambda: job_status_is(harness.queue, "mail:cut-short", Status.COMPLETE), within=30)
        assert len(sender.sent) == 1
        assert await completed_keys(database_url) == ["mail:cut-short"]
