"""Task functions, made from the contexts' declarations. SAQ names a task by its function's name, which is the
outbox topic (or the cron's name).

Each task is thin: it resolves the application's job use case in the job's REQUEST scope and calls it with
the payload, once per job key (see `run_once`).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from saq import CronJob
from saq.types import Context as SaqContext

from application.shared.ports import Clock, JobJournal, UnitOfWork
from entrypoints.contexts.base import Cron
from entrypoints.worker.dishka_saq import Context, request_container

log = logging.getLogger("agora.worker")

DONE = "done"
SKIPPED = "skipped"

Task = Any  # an async function SAQ can register: (ctx, **kwargs) -> result


class JobUseCase(Protocol):
    async def __call__(self, payload: Any) -> None: ...


class CronUseCase(Protocol):
    async def __call__(self) -> object: ...


async def run_once(ctx: Context, use_case: type[JobUseCase], payload: dict[str, Any]) -> str:
    """Runs the job unless its key is already recorded as done; records it in the same transaction.

    The key (the outbox message's key, which is also SAQ's job key) is claimed in the job's transaction
    before the work and committed after it, so a key recorded once is never run again, and a second
    delivery running at the same moment waits for the first and then skips. What cannot be atomic is an
    outside side effect (an email sent) and the commit: a crash or failure between the two re-runs the
    job on retry. Delivery is therefore at least once, never again after the key is recorded.
    A use case that commits its own unit of work commits the key with its writes; it must commit once,
    at its end, or a failure after that commit would leave the job recorded but unfinished. A use case marked
    `runs_safely_twice` is instead recorded at its end (see `_run_then_record`), and may commit before slow calls.
    """
    job = ctx["job"]
    request = request_container(ctx)
    journal = await request.get(JobJournal)
    clock = await request.get(Clock)
    uow = await request.get(UnitOfWork)
    if getattr(use_case, "runs_safely_twice", False):
        return await _run_then_record(job, journal, clock, uow, await request.get(use_case), payload)
    if not await journal.claim(job.key, job.function, clock.now()):
        log.info("job %s (%s) already done: skipped", job.key, job.function)
        return SKIPPED
    handler = await request.get(use_case)
    await handler(payload)
    await uow.commit()
    return DONE


async def _run_then_record(job: Any, journal: JobJournal, clock: Clock, uow: UnitOfWork, handler: JobUseCase,
                           payload: dict[str, Any]) -> str:
    """For a job that may run twice and calls the outside: the key is claimed at its end, so the job may end its
    own transactions before a slow call (a second delivery meanwhile also runs, harmlessly)."""
    if await journal.is_done(job.key):
        log.info("job %s (%s) already done: skipped", job.key, job.function)
        return SKIPPED
    await handler(payload)
    if not await journal.claim(job.key, job.function, clock.now()):
        await uow.rollback()
        return SKIPPED
    await uow.commit()
    return DONE


def _named(function: Any, name: str) -> Task:
    function.__name__ = function.__qualname__ = name
    return function


def job_task(topic: str, use_case: type[JobUseCase]) -> Task:
    async def task(ctx: Context, *, payload: dict[str, Any]) -> str:
        return await run_once(ctx, use_case, payload)

    return _named(task, topic)


def cron_task(name: str, use_case: type[CronUseCase]) -> Task:
    """A cron's use case manages its own transactions (e.g. one per item, so that a run cut short loses nothing)."""

    async def task(ctx: Context) -> str:
        run = await request_container(ctx).get(use_case)
        return repr(await run())

    return _named(task, name)


def job_tasks(jobs: dict[str, type[Any]]) -> list[Task]:
    return [job_task(topic, use_case) for topic, use_case in jobs.items()]


def cron_tasks(crons: list[Cron]) -> list[Task]:
    """Registered even when not scheduled, so that a cron's task can also be queued by hand."""
    return [cron_task(cron.name, cron.use_case) for cron in crons]


def cron_jobs(crons: list[Cron]) -> list[CronJob[SaqContext]]:
    return [CronJob(cron_task(cron.name, cron.use_case), cron=cron.schedule) for cron in crons]
