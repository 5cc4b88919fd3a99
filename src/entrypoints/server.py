"""Running processes: the HTTP server with its worker in one event loop, or the worker alone.

Both share one dishka container per process. SIGINT/SIGTERM stop the server (open requests finish);
its lifespan shutdown then stops the worker (running jobs may finish) before the container closes; a
second signal makes the server drop open connections at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import uvicorn
from saq import Worker

from entrypoints.di.container import make_container
from entrypoints.http.app import create_app
from entrypoints.runtime import Runtime
from entrypoints.worker import build_worker, start_worker, stop_worker

log = logging.getLogger("agora")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Server(uvicorn.Server):
    """uvicorn minus its own signal handlers (it would re-raise the signal once stopped): `serve`
    handles the signals itself."""

    announce: Callable[[], None] = staticmethod(lambda: None)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.announce()


class _BeforeShutdown:
    """Runs `hook` when the lifespan shutdown comes, before the app sees it (the app then closes the
    container the worker uses). Whatever stops the server (a signal, a port already taken), the worker
    stops first."""

    def __init__(self, app: Any, hook: Callable[[], Awaitable[None]]) -> None:
        self.app = app
        self.hook = hook

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]],
                       send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def receive_then_hook() -> dict[str, Any]:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                await self.hook()
            return message

        await self.app(scope, receive_then_hook, send)


@contextlib.contextmanager
def _on_signals(handler: Callable[[], None]) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, handler)
    try:
        yield
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)


async def serve(runtime: Runtime, *, host: str = "127.0.0.1", port: int = 8000, with_worker: bool = True) -> int:
    """Serves the faces (and runs the worker) until a signal; returns the exit status."""
    container = make_container(runtime)
    worker = build_worker(runtime, container) if with_worker else None
    status = 0
    stopping = False

    async def stop_the_worker() -> None:
        nonlocal stopping
        stopping = True
        if worker is not None:
            await stop_worker(worker)

    app = _BeforeShutdown(create_app(runtime, container=container), stop_the_worker)
    server = _Server(uvicorn.Config(app, host=host, port=port, lifespan="on", log_config=None, access_log=False,
                                    timeout_graceful_shutdown=10))
    server.announce = lambda: _announce(runtime, host, port)

    def on_signal() -> None:
        if server.should_exit:
            server.force_exit = True
        else:
            log.info("stopping (a second signal drops open connections)")
            server.should_exit = True

    def on_worker_done(task: asyncio.Task[None]) -> None:
        nonlocal status
        if not stopping:  # the worker stopped on its own: stop everything, and say so
            log.error("the worker stopped unexpectedly: %r", None if task.cancelled() else task.exception())
            status = 1
            server.should_exit = True

    with _on_signals(on_signal):
        worker_task = None
        try:
            if worker is not None:
                worker_task = await start_worker(worker)
                worker_task.add_done_callback(on_worker_done)
            await server.serve()
        finally:
            if worker is not None:
                stopping = True
                await stop_worker(worker)  # when the server stopped before its lifespan ran
                if worker_task is not None:
                    await asyncio.gather(worker_task, return_exceptions=True)
            await container.close()
    return status


def _announce(runtime: Runtime, host: str, port: int) -> None:
    base = f"http://{host}:{port}"
    for face, prefix in runtime.settings.faces.items():
        root = base + ("" if prefix == "/" else prefix)
        log.info("%-8s %s/  docs %s/schema  (OpenAPI %s/schema/openapi.json)", face, root, root, root)
    log.info("health   %s/health  ready %s/ready  webhooks %s/webhooks/", base, base, base)


async def work(runtime: Runtime) -> int:
    """Runs the worker (jobs and outbox relay) until a signal; returns the exit status."""
    container = make_container(runtime)
    worker: Worker[Any] = build_worker(runtime, container)
    stop = asyncio.Event()
    with _on_signals(stop.set):
        try:
            worker_task = await start_worker(worker)
            stopping = asyncio.create_task(stop.wait())
            await asyncio.wait({worker_task, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            crashed = not stop.is_set()
            await stop_worker(worker)
            outcome = (await asyncio.gather(worker_task, return_exceptions=True))[0]
        finally:
            await container.close()
    if crashed:
        log.error("the worker stopped unexpectedly: %r", outcome)
        return 1
    return 0
