"""Running processes: the HTTP server (with or without the worker in its event loop), or the worker alone.

Each process has one dishka container. SIGINT/SIGTERM stop the server (open requests finish); its lifespan
shutdown then stops the worker (running jobs may finish) before the container closes; a second signal makes the
server drop open connections at once, and the worker cancel its running jobs (SAQ queues them again).
Under `agora serve` (entrypoints/supervisor.py) the processes are children that stop on SIGTERM only: the
parent turns the terminal's Ctrl-C into SIGTERM, and a child whose parent is gone stops by itself.
Every process runs on uvloop, and uvicorn parses HTTP with httptools.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import socket
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from typing import Any, TypeVar

import uvicorn
import uvloop
from saq import Worker

from entrypoints.di.container import make_container
from entrypoints.http.app import create_app
from entrypoints.runtime import Runtime
from entrypoints.worker import build_worker, start_worker, stop_worker

log = logging.getLogger("agora")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
SUPERVISED_SIGNALS = (signal.SIGTERM,)
FORCE_SIGNAL = signal.SIGUSR1  # from the supervising parent, on a second Ctrl-C
PARENT_CHECK_SECONDS = 0.5

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on uvloop."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


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
def _on_signals(stop: Callable[[], None], force: Callable[[], None], *, supervised: bool = False) -> Iterator[None]:
    """`stop` on the first stop signal, `force` on the next. Supervised (a child of `agora serve`): SIGTERM
    stops, however often it comes (a service manager may signal the whole group as the parent does),
    SIGUSR1 forces, and a child whose parent is gone stops; the child started with these signals blocked
    (supervisor.py): they come now, and SIGTERM is ignored once the loop no longer handles it."""
    loop = asyncio.get_running_loop()
    signals = SUPERVISED_SIGNALS if supervised else STOP_SIGNALS
    stopped = False

    def on_signal() -> None:
        nonlocal stopped
        if stopped and not supervised:
            force()
        elif not stopped:
            stopped = True
            stop()

    for signum in signals:
        loop.add_signal_handler(signum, on_signal)
    if supervised:
        loop.add_signal_handler(FORCE_SIGNAL, force)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {*signals, FORCE_SIGNAL} if supervised else signals)
    orphaned = asyncio.create_task(_parent_gone(on_signal)) if supervised else None
    try:
        yield
    finally:
        if orphaned is not None:
            orphaned.cancel()
        for signum in (*signals, FORCE_SIGNAL) if supervised else signals:
            loop.remove_signal_handler(signum)
        if supervised:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)


async def _parent_gone(handler: Callable[[], None]) -> None:
    parent = os.getppid()
    while os.getppid() == parent:  # noqa: ASYNC110 - no event tells a parent died
        await asyncio.sleep(PARENT_CHECK_SECONDS)
    log.warning("the supervising process is gone: stopping")
    handler()


async def serve(runtime: Runtime, *, host: str = "127.0.0.1", port: int = 8000, with_worker: bool = True,
                sockets: Sequence[socket.socket] | None = None, reuse_port: bool = False,
                on_ready: Callable[[], None] | None = None, supervised: bool = False,
                worker_concurrency: int = 10) -> int:
    """Serves the faces (and runs the worker) until a signal; returns the exit status. With `sockets`, it
    accepts on those (bound by a parent); with `reuse_port`, on its own socket in the port's SO_REUSEPORT
    group. `on_ready` runs once it accepts (default: log the faces' addresses)."""
    container = make_container(runtime)
    worker = build_worker(runtime, container, concurrency=worker_concurrency) if with_worker else None
    status = 0
    stopping = False

    async def stop_the_worker() -> None:
        nonlocal stopping
        stopping = True
        if worker is not None:
            await stop_worker(worker)

    app = _BeforeShutdown(create_app(runtime, container=container), stop_the_worker)
    # What start-up built (modules, tables, routes, the container) lives as long as the process: out of the
    # collector's sight, a full collection has only the requests' garbage to walk (p99 pauses of tens of ms).
    gc.collect()
    gc.freeze()
    server = _Server(uvicorn.Config(app, host=host, port=port, lifespan="on", log_config=None, access_log=False,
                                    http="httptools", timeout_graceful_shutdown=10))
    server.announce = on_ready or (lambda: _announce(runtime, host, port))
    if reuse_port:
        sockets = [reuse_port_socket(host, port)]

    def on_stop() -> None:
        log.info("stopping (a second signal drops open connections)")
        server.should_exit = True

    def on_force() -> None:
        server.should_exit = server.force_exit = True

    def on_worker_done(task: asyncio.Task[None]) -> None:
        nonlocal status
        if not stopping:  # the worker stopped on its own: stop everything, and say so
            log.error("the worker stopped unexpectedly: %r", None if task.cancelled() else task.exception())
            status = 1
            server.should_exit = True

    with _on_signals(on_stop, on_force, supervised=supervised):
        worker_task = None
        try:
            if worker is not None:
                worker_task = await start_worker(worker)
                worker_task.add_done_callback(on_worker_done)
            await server.serve(sockets=list(sockets) if sockets else None)
        finally:
            if worker is not None:
                stopping = True
                await stop_worker(worker)  # when the server stopped before its lifespan ran
                if worker_task is not None:
                    await asyncio.gather(worker_task, return_exceptions=True)
            await container.close()
    return status


def listening_socket(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A TCP socket bound to (host, port), not yet listening (port 0: a free port, see getsockname)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def reuse_port_socket(host: str, port: int) -> socket.socket:
    sock = listening_socket(host, port, reuse_port=True)
    sock.listen(2048)
    return sock


def _announce(runtime: Runtime, host: str, port: int) -> None:
    base = f"http://{host}:{port}"
    for face, prefix in runtime.settings.faces.items():
        root = base + ("" if prefix == "/" else prefix)
        log.info("%-8s %s/  docs %s/schema  (OpenAPI %s/schema/openapi.json)", face, root, root, root)
    log.info("health   %s/health  ready %s/ready  webhooks %s/webhooks/", base, base, base)
    log.info("public   %s (AGORA_PUBLIC_URL%s)", runtime.settings.public_url,
             "" if runtime.settings.public_url_explicit else " unset: the address served")


async def work(runtime: Runtime, *, concurrency: int = 10, on_ready: Callable[[], None] | None = None,
               supervised: bool = False) -> int:
    """Runs the worker (jobs and outbox relay) until a signal; returns the exit status. A second signal
    cancels the jobs still running (SAQ queues them again; they are idempotent)."""
    container = make_container(runtime)
    worker: Worker[Any] = build_worker(runtime, container, concurrency=concurrency)
    stop, force = asyncio.Event(), asyncio.Event()

    def on_stop() -> None:
        log.info("stopping the worker (a second signal cancels the running jobs)")
        stop.set()

    with _on_signals(on_stop, force.set, supervised=supervised):
        try:
            worker_task = await start_worker(worker)
            if on_ready is not None:
                on_ready()
            stopping = asyncio.create_task(stop.wait())
            await asyncio.wait({worker_task, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            crashed = not stop.is_set()
            await _stop_unless_forced(worker, force)
            outcome = (await asyncio.gather(worker_task, return_exceptions=True))[0]
        finally:
            await container.close()
    if crashed:
        log.error("the worker stopped unexpectedly: %r", outcome)
        return 1
    return 0


async def _stop_unless_forced(worker: Worker[Any], force: asyncio.Event) -> None:
    graceful = asyncio.create_task(stop_worker(worker))
    forced = asyncio.create_task(force.wait())
    await asyncio.wait({graceful, forced}, return_when=asyncio.FIRST_COMPLETED)
    forced.cancel()
    if not graceful.done():
        log.warning("cancelling the running jobs (they will run again)")
        graceful.cancel()
        await asyncio.gather(graceful, return_exceptions=True)
        await worker.stop()
