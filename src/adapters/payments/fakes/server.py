"""The threaded HTTP server every fake provider is built on."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

import httpx

from adapters.payments.http import TLS

log = logging.getLogger("agora.fakes")

# (status, headers, body): a body that is bytes is sent as is, None sends nothing, anything else as JSON.
Reply = tuple[int, dict[str, str], Any]


@dataclass
class Request:
    """A request as it arrived; `status` and `reply` are filled in once it is answered."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    status: int | None = None
    reply: Any = None

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(errors="replace"), keep_blank_values=True))


@dataclass
class Delivery:
    """A callback the fake sent to the merchant's URL, and how it was answered."""

    url: str
    body: bytes
    headers: dict[str, str]
    status: int | None = None
    error: str | None = None


@dataclass
class _Failure:
    status: int
    body: Any
    path: str | None


@dataclass
class Behaviour:
    """Switches a test (or a developer) can flip while the fake runs."""

    delay: float = 0.0
    drop_callbacks: bool = False
    callback_delay: float = 0.05
    failures: list[_Failure] = field(default_factory=list)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # bursts of concurrent callers (benchmarks, concurrency tests) queue, not fail

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FakeProvider(ABC):
    name = "fake"

    def __init__(self, *, port: int = 0) -> None:
        self.requests: list[Request] = []
        self.deliveries: list[Delivery] = []
        self.behaviour = Behaviour()
        self._port = port
        self._lock = threading.RLock()
        self._server: _Server | None = None
        self._timers: list[threading.Timer] = []

    # ------------------------------------------------------------ life

    @property
    def url(self) -> str:
        assert self._server is not None, "the fake is not started"
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> Self:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms delayed-ACK stall

            def do_GET(self) -> None:
                fake._serve(self)

            do_POST = do_PUT = do_DELETE = do_GET

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", self._port), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        for timer in self._timers:
            timer.cancel()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    # ------------------------------------------------------------ test switches

    def fail_next(self, n: int = 1, status: int = 500, *, body: Any = None, path: str | None = None) -> None:
        """The next `n` requests (to `path`, or to any path) get this status and body instead of their answer."""
        with self._lock:
            self.behaviour.failures.extend(
                _Failure(status, body if body is not None else {"error": "fake failure"}, path) for _ in range(n))

    def slow(self, seconds: float) -> None:
        """Every request waits this long before it is answered; 0 turns slow mode off."""
        self.behaviour.delay = seconds

    def drop_callbacks(self, drop: bool = True) -> None:
        """Callbacks are "sent" but never arrive (a lost callback)."""
        self.behaviour.drop_callbacks = drop

    def count(self, path: str, method: str | None = None) -> int:
        return sum(1 for r in self.requests if r.path == path and method in (None, r.method))

    def last(self, path: str) -> Request:
        return next(r for r in reversed(self.requests) if r.path == path)

    def wait_for_deliveries(self, n: int, timeout: float = 5.0, *, to: str = "") -> list[Delivery]:
        """Blocks until `n` callbacks (to URLs starting with `to`) were answered (or the time-out); returns them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = self._answered(to)
            if len(done) >= n:
                return done
            time.sleep(0.02)
        return self._answered(to)

    def _answered(self, to: str) -> list[Delivery]:
        return [d for d in self.deliveries if d.url.startswith(to) and (d.status is not None or d.error is not None)]

    # ------------------------------------------------------------ for subclasses

    @abstractmethod
    def handle(self, request: Request) -> Reply:
        """The provider's answer to one request."""

    def later(self, seconds: float, action: Callable[[], None]) -> None:
        timer = threading.Timer(seconds, action)
        timer.daemon = True
        self._timers.append(timer)
        timer.start()

    def deliver(self, url: str | None, body: bytes, headers: Mapping[str, str] | None = None,
                method: str = "POST") -> None:
        """Sends a callback to the merchant's URL in the background, as the provider would (once, no retry)."""
        if not url:
            return
        delivery = Delivery(url, body, {"Content-Type": "application/json", **dict(headers or {})})
        with self._lock:
            self.deliveries.append(delivery)
        if self.behaviour.drop_callbacks:
            delivery.error = "dropped"
            return

        def send() -> None:
            try:
                response = httpx.request(method, url, content=body, headers=delivery.headers, timeout=10, verify=TLS)
                delivery.status = response.status_code
            except httpx.HTTPError as error:
                delivery.error = f"{type(error).__name__}: {error}"
                log.warning("%s callback to %s failed: %s", self.name, url, delivery.error)

        self.later(self.behaviour.callback_delay, send)

    # ------------------------------------------------------------ plumbing

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = Request(handler.command, parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)),
                          {k.lower(): v for k, v in handler.headers.items()}, body)
        with self._lock:
            self.requests.append(request)
        if self.behaviour.delay:
            time.sleep(self.behaviour.delay)
        try:
            status, headers, reply = self._failure(parts.path) or self.handle(request)
        except Exception:  # a bug in a fake must show, not hang the client
            log.exception("%s fake crashed on %s %s", self.name, request.method, request.path)
            status, headers, reply = 500, {}, {"error": "fake crashed"}
        request.status, request.reply = status, reply
        payload = reply if isinstance(reply, bytes) else b"" if reply is None else json.dumps(reply).encode()
        handler.send_response(status)
        if reply is not None and not isinstance(reply, bytes):
            handler.send_header("Content-Type", "application/json; charset=UTF-8")
        handler.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)

    def _failure(self, path: str) -> Reply | None:
        with self._lock:
            for index, failure in enumerate(self.behaviour.failures):
                if failure.path in (None, path):
                    del self.behaviour.failures[index]
                    return failure.status, {}, failure.body
        return None


class CallbackCatcher(FakeProvider):
    """Stands in for our webhook endpoint in adapter tests: answers 200 and records what it was sent."""

    name = "catcher"

    def handle(self, request: Request) -> Reply:
        return 200, {}, {"ok": True}
