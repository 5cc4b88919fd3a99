"""`agora serve --workers N`: a parent process that owns what must exist once, and its children.

The parent starts the embedded PostgreSQL and applies the migrations (or uses DATABASE_URL), binds the one
listening socket, starts the fake payment providers when AGORA_PAYMENTS=fake, then runs N API processes and
one worker process (outbox relay, SAQ jobs, crons). The children get the database URL from the parent and
never migrate or start PostgreSQL. It prints the faces' addresses once, when every API process accepts.

A child that dies is logged and started again; one that dies `CRASH_LIMIT` times within `CRASH_WINDOW`
seconds (a start-up that cannot succeed) stops everything with status 1. SIGINT or SIGTERM to the parent
(or Ctrl-C, which the terminal sends to the whole process group) stops the children: the API processes
finish their open requests, the worker its running jobs; the embedded PostgreSQL stops last. A second
signal to the parent forces (it sends SIGUSR1): the API processes drop their connections, the worker cancels
its jobs (SAQ retries them). A child takes any number of SIGTERMs as one, so a service manager that signals
the whole group (systemd's default) still gets a graceful stop.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import multiprocessing
import os
import signal
import socket
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from entrypoints.logs import configure_logging
from entrypoints.runtime import Runtime
from entrypoints.settings import Settings, same_server, served_url

log = logging.getLogger("agora")

CRASH_LIMIT = 5
CRASH_WINDOW = 60.0
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
FORCE_SIGNAL = signal.SIGUSR1  # what a child takes as "drop everything" (entrypoints/server.py)


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    with_worker: bool = True
    worker_concurrency: int = 10
    # each API process binds the port itself (SO_REUSEPORT: the kernel spreads connections evenly, see
    # docs/deploy.md) instead of accepting on one socket the parent shares
    reuse_port: bool = hasattr(socket, "SO_REUSEPORT")


def default_workers() -> int:
    return os.cpu_count() or 1


def supervise(settings: Settings, options: ServeOptions) -> int:
    """Runs the children until a signal; returns the exit status."""
    from adapters.sql.database import per_process
    from entrypoints.bootstrap import database
    from entrypoints.di.payments import shared_fake_providers

    try:
        sock = bind_api_port(options)
    except OSError as error:
        log.error("cannot listen on %s:%s: %s", options.host, options.port, error)
        return 1
    port = sock.getsockname()[1]
    settings = settings.serving(options.host, port)
    if warning := public_url_warning(settings, options.host, port):
        log.warning("%s", warning)
    with _listening(sock, options), database(settings) as runtime, \
            shared_fake_providers(runtime.settings) as env:
        # The API processes share the cores for password hashing: together they hash at most one per core.
        hash_threads = runtime.settings.hash_threads or max(1, (os.cpu_count() or 1) // options.workers)
        # One connection budget for the whole deployment: each child opens its part and no more.
        processes = options.workers + (1 if options.with_worker else 0)
        connections = per_process(runtime.settings.db_connections_total, processes)
        child_settings = dataclasses.replace(runtime.settings, database_url=runtime.database_url,
                                             migrate_on_start=False, hash_threads=hash_threads,
                                             db_connections=connections)
        log.info("PostgreSQL connections: %d per process, %d processes (AGORA_DB_CONNECTIONS_TOTAL=%d)",
                 connections, processes, runtime.settings.db_connections_total)
        runtime = dataclasses.replace(runtime, settings=child_settings)
        options = dataclasses.replace(options, port=port)
        return Supervisor(runtime, options, sock, env).run()


def public_url_warning(settings: Settings, host: str, port: int) -> str | None:
    if same_server(settings.public_url, host, port):
        return None
    return (f"AGORA_PUBLIC_URL is {settings.public_url} but this server listens on {served_url(host, port)}:"
            f" payment providers' callbacks (the fake ones too), their return pages and links go to"
            f" {settings.public_url}; unset it to use the address served")


def bind_api_port(options: ServeOptions) -> socket.socket:
    """With reuse_port, a first bind without it makes sure nobody listens on the port already: another
    `agora serve` of the same user would otherwise silently join the port's SO_REUSEPORT group."""
    from entrypoints.server import listening_socket

    if not options.reuse_port:
        return listening_socket(options.host, options.port)
    with listening_socket(options.host, options.port) as probe:
        port = probe.getsockname()[1]
    return listening_socket(options.host, port, reuse_port=True)


@contextlib.contextmanager
def _listening(sock: socket.socket, options: ServeOptions) -> Iterator[socket.socket]:
    """The API processes' address. Shared, the socket listens here and every child accepts on it; with
    reuse_port it only holds the port (a bound socket that does not listen gets no connection)."""
    try:
        if not options.reuse_port:
            sock.listen(2048)
        yield sock
    finally:
        sock.close()


@dataclass
class Child:
    name: str
    target: Callable[..., None]
    args: tuple[Any, ...]
    api: bool
    process: BaseProcess | None = None
    ready: Connection | None = None
    started_once: bool = False
    crashes: deque[float] = field(default_factory=deque)


class Supervisor:
    def __init__(self, runtime: Runtime, options: ServeOptions, sock: socket.socket, env: Mapping[str, str]) -> None:
        self.runtime = runtime
        self.options = options
        self.context = multiprocessing.get_context("spawn")  # no fork: the parent runs threads (fakes, pgserver)
        shared = None if options.reuse_port else sock
        self.children = [Child(f"api-{n}", _api_process, (runtime, options, shared, dict(env)), api=True)
                         for n in range(1, options.workers + 1)]
        if options.with_worker:
            self.children.append(Child("worker", _worker_process, (runtime, options, dict(env)), api=False))
        self.stopping = 0  # how many stop signals came
        self.status = 0
        self.announced = False

    def run(self) -> int:
        wake_read, wake_write = socket.socketpair()
        wake_read.setblocking(False)
        wake_write.setblocking(False)
        previous = {signum: signal.signal(signum, lambda *_: None) for signum in STOP_SIGNALS}
        old_wakeup = signal.set_wakeup_fd(wake_write.fileno(), warn_on_full_buffer=False)
        try:
            for child in self.children:
                self._start(child)
            log.info("serving with %d API processes%s (parent %d)", self.options.workers,
                     " and a worker process" if self.options.with_worker else "", os.getpid())
            self._loop(wake_read)
        finally:
            signal.set_wakeup_fd(old_wakeup)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            wake_read.close()
            wake_write.close()
        return self.status

    def _loop(self, wake: socket.socket) -> None:
        while any(c.process is not None for c in self.children):
            waiting: dict[Any, Child] = {}
            for child in self.children:
                if child.process is not None:
                    waiting[child.process.sentinel] = child
                if child.ready is not None:
                    waiting[child.ready] = child
            for item in wait([*waiting, wake]):
                if item is wake:
                    self._signals(wake)
                elif isinstance(item, Connection):
                    if waiting[item].ready is item:  # not closed by its process's exit just now
                        self._ready(waiting[item])
                elif waiting[item].process is not None:
                    self._exited(waiting[item])

    def _signals(self, wake: socket.socket) -> None:
        with contextlib.suppress(BlockingIOError):
            for signum in wake.recv(64):
                if signum not in STOP_SIGNALS:
                    continue
                self.stopping += 1
                if self.stopping == 1:
                    log.info("stopping (a second signal forces)")
                    self._signal_children(signal.SIGTERM)
                elif self.stopping == 2:
                    log.warning("forcing the stop")
                    self._signal_children(FORCE_SIGNAL)

    def _signal_children(self, signum: int) -> None:
        for child in self.children:
            if child.process is not None and child.process.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.process.pid, signum)

    def _ready(self, child: Child) -> None:
        assert child.ready is not None
        try:
            child.ready.recv_bytes()
            child.started_once = True
        except EOFError:  # it died during its start-up: its exit comes next
            pass
        child.ready.close()
        child.ready = None
        if not self.announced and all(c.started_once for c in self.children if c.api):
            self.announced = True
            from entrypoints.server import _announce

            _announce(self.runtime, self.options.host, self.options.port)

    def _exited(self, child: Child) -> None:
        assert child.process is not None
        child.process.join()
        code = child.process.exitcode
        child.process.close()
        child.process = None
        if child.ready is not None:
            child.ready.close()
            child.ready = None
        if self.stopping:
            if code != 0:
                log.warning("%s stopped with status %s", child.name, code)
                self.status = 1
            return
        now = time.monotonic()
        child.crashes.append(now)
        while child.crashes and child.crashes[0] < now - CRASH_WINDOW:
            child.crashes.popleft()
        if len(child.crashes) >= CRASH_LIMIT:
            log.error("%s exited with status %s, %d times in %.0f s: stopping everything", child.name, code,
                      len(child.crashes), CRASH_WINDOW)
            self.status = 1
            self.stopping = 1
            self._signal_children(signal.SIGTERM)
            return
        log.error("%s exited with status %s: starting it again", child.name, code)
        self._start(child)

    def _start(self, child: Child) -> None:
        ready, ready_in_child = self.context.Pipe(duplex=False)
        process = self.context.Process(target=child.target, args=(*child.args, ready_in_child), name=child.name,
                                       daemon=False)
        # The child inherits blocked stop signals: none can kill it before its event loop handles them.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {*STOP_SIGNALS, FORCE_SIGNAL})
        try:
            process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        ready_in_child.close()
        child.process, child.ready = process, ready


def _child_signals() -> None:
    """The terminal's Ctrl-C reaches every process of the group: a child ignores it (its parent turns it into
    SIGTERM). SIGTERM stays blocked until the child's event loop handles it (entrypoints/server.py)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _child_setup(runtime: Runtime, env: Mapping[str, str]) -> None:
    _child_signals()
    os.environ.update(env)
    configure_logging(runtime.settings.log_level, runtime.settings.log_format,
                      access_log=runtime.settings.access_log)


def _notifier(ready: Connection) -> Callable[[], None]:
    def notify() -> None:
        with contextlib.suppress(OSError):
            ready.send_bytes(b"ready")
            ready.close()
    return notify


def _api_process(runtime: Runtime, options: ServeOptions, sock: socket.socket | None, env: Mapping[str, str],
                 ready: Connection) -> None:
    _child_setup(runtime, env)
    from entrypoints.server import run, serve

    status = run(serve(runtime, host=options.host, port=options.port, with_worker=False,
                       sockets=[sock] if sock is not None else None, reuse_port=sock is None,
                       on_ready=_notifier(ready), supervised=True))
    raise SystemExit(status)


def _worker_process(runtime: Runtime, options: ServeOptions, env: Mapping[str, str], ready: Connection) -> None:
    _child_setup(runtime, env)
    from entrypoints.server import run, work

    raise SystemExit(run(work(runtime, concurrency=options.worker_concurrency, on_ready=_notifier(ready),
                              supervised=True)))
