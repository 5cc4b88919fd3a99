"""dishka for SAQ, modelled on dishka's arq integration: one REQUEST scope per job.

The APP container sits in the worker's context; `before_process` opens a REQUEST scope for the job and
`after_process` closes it (handing it the job's exception, so a session rolls back). Task functions
resolve what they need with `request_container(ctx)`.
"""

from __future__ import annotations

from typing import Any, Final

from dishka import AsyncContainer
from saq import Worker

CONTAINER_KEY: Final = "dishka_container"
REQUEST_CONTAINER_KEY: Final = "dishka_request_container"

Context = dict[str, Any]


async def open_request(ctx: Context) -> None:
    container: AsyncContainer = ctx[CONTAINER_KEY]
    ctx[REQUEST_CONTAINER_KEY] = await container().__aenter__()


async def close_request(ctx: Context) -> None:
    request: AsyncContainer | None = ctx.pop(REQUEST_CONTAINER_KEY, None)
    if request is not None:
        await request.close(ctx.get("exception"))


def request_container(ctx: Context) -> AsyncContainer:
    """The job's REQUEST-scoped container."""
    container: AsyncContainer = ctx[REQUEST_CONTAINER_KEY]
    return container


def app_container(ctx: Context) -> AsyncContainer:
    container: AsyncContainer = ctx[CONTAINER_KEY]
    return container


def setup_dishka(container: AsyncContainer, worker: Worker[Any]) -> None:
    """Puts `container` in the worker's context and wraps every job in a REQUEST scope (opened first,
    closed last, around any hooks already set)."""
    worker.context[CONTAINER_KEY] = container
    worker.before_process = [open_request, *(worker.before_process or [])]
    worker.after_process = [*(worker.after_process or []), close_request]
