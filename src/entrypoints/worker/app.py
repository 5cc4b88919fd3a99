"""The SAQ worker: task functions named after the outbox topics, the outbox relay as a startup task."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from dishka import AsyncContainer
from saq import Worker

from adapters.queue.saq_queue import make_queue
from adapters.sql.database import ConnectionShare
from entrypoints.contexts.assembly import crons, jobs
from entrypoints.runtime import Runtime
from entrypoints.worker.dishka_saq import Context, app_container, setup_dishka
from entrypoints.worker.relay import relay_forever
from entrypoints.worker.tasks import cron_jobs, cron_tasks, job_tasks

log = logging.getLogger("agora.worker")

RELAY_TASK_KEY = "outbox_relay_task"
# An idle worker wakes this often (one dequeue query per process task). Without a bound, a stop can hang
# forever: on Python < 3.12, `asyncio.wait_for` inside SAQ's Postgres dequeue can swallow the cancellation that
# `Worker.stop` sends (tobymao/saq#197), and the task then waits for a job that never comes; with it, that task
# ends within this many seconds.
DEQUEUE_TIMEOUT_S = 5.0
STARTED_KEY = "agora_started"


def build_worker(runtime: Runtime, container: AsyncContainer, *, concurrency: int = 10,
                 relay_interval: float | None = 0.5, burst: bool = False,
                 dequeue_timeout: float = DEQUEUE_TIMEOUT_S, schedule_crons: bool = True) -> Worker[Any]:
    """A worker on its own queue connection, sharing `container` (and so the engine) with its process.
    `relay_interval=None` leaves the outbox relay out (a test drives it itself). The worker leaves
    signals to its caller (`agora serve`/`agora worker` stop it with `stop_worker`). Its tasks and crons are
    the contexts' (entrypoints/contexts); `schedule_crons=False` leaves the crons out (a test runs them itself)."""

    async def startup(ctx: Context) -> None:
        await worker.queue.connect()
        if relay_interval is not None:
            ctx[RELAY_TASK_KEY] = asyncio.create_task(
                relay_forever(app_container(ctx), interval=relay_interval), name="outbox-relay")
        ctx[STARTED_KEY].set()

    async def shutdown(ctx: Context) -> None:
        task: asyncio.Task[None] | None = ctx.pop(RELAY_TASK_KEY, None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await worker.queue.disconnect()

    worker: Worker[Any] = Worker(
        make_queue(runtime.queue_url, max_connections=ConnectionShare.of(runtime.settings.db_connections).queue),
        functions=job_tasks(jobs()) + cron_tasks(crons()), concurrency=concurrency,
        cron_jobs=cron_jobs(crons()) if schedule_crons else [],
        startup=startup, shutdown=shutdown, burst=burst, dequeue_timeout=dequeue_timeout,
    )
    worker.SIGNALS = []
    worker.context[STARTED_KEY] = asyncio.Event()
    setup_dishka(container, worker)
    return worker


async def start_worker(worker: Worker[Any]) -> asyncio.Task[None]:
    """Starts the worker in a task and returns once it is connected and relaying (so that stopping it
    cannot race its startup); raises what made the startup fail."""
    task = asyncio.create_task(worker.start(), name="saq-worker")
    started = asyncio.create_task(worker.context[STARTED_KEY].wait())
    await asyncio.wait({task, started}, return_when=asyncio.FIRST_COMPLETED)
    if not started.done():
        started.cancel()
        await task  # raises the startup's error
        raise RuntimeError("the worker stopped during its startup")
    return task


async def stop_worker(worker: Worker[Any], *, grace: float = 10.0) -> None:
    """Lets the jobs in flight finish (up to `grace` seconds), then stops the worker; a job still
    running after that is cancelled and SAQ queues it again."""
    running = [context["task"] for context in worker.job_task_contexts.values()]
    if running:
        log.info("waiting for %d running jobs", len(running))
        await asyncio.wait(running, timeout=grace)
    await worker.stop()
