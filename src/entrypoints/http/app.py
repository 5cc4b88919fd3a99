"""The ASGI application: each face is its own Litestar app (own OpenAPI, envelope, realm) under its prefix."""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from dishka import AsyncContainer, Provider
from dishka.integrations.litestar import setup_dishka
from litestar import Litestar, Response
from litestar.static_files import create_static_files_router
from litestar.types import ASGIApp

from entrypoints.di.container import make_container
from entrypoints.http.faces.common import error_handler
from entrypoints.http.health import create_health_app
from entrypoints.http.live import LiveNotifications
from entrypoints.http.webhooks import PREFIX as WEBHOOKS_PREFIX
from entrypoints.http.webhooks import app as shared_errors
from entrypoints.http.webhooks.app import create_webhooks_app
from entrypoints.logs import ACCESS
from entrypoints.runtime import Runtime

log = logging.getLogger("agora.http")


# Plain ASGI, as any server speaks it (Litestar's typed events do not cover the lifespan this class owns).
RawScope = dict[str, Any]
RawReceive = Callable[[], Awaitable[dict[str, Any]]]
RawSend = Callable[[dict[str, Any]], Awaitable[None]]


class PrefixDispatcher:
    """Sends each request to the app mounted at the longest matching prefix; owns the lifespan."""

    def __init__(self, mounts: dict[str, ASGIApp], exact: dict[str, ASGIApp], container: AsyncContainer, *,
                 owns_container: bool, live: LiveNotifications | None = None) -> None:
        self.mounts = sorted(mounts.items(), key=lambda item: len(item[0]), reverse=True)
        self.exact = exact
        self.container = container
        self.owns_container = owns_container
        self.live = live

    async def __call__(self, scope: RawScope, receive: RawReceive, send: RawSend) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        path = scope.get("path", "/")
        app = self.exact.get(path) or self._mounted(path)
        if scope["type"] != "http":
            if app is not None:
                await app(scope, receive, send)  # type: ignore[arg-type]
            return
        if not ACCESS.isEnabledFor(logging.INFO):
            await (_not_found(send) if app is None else app(scope, receive, send))  # type: ignore[arg-type]
            return
        started, status = time.perf_counter(), 500

        async def send_noting_status(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            if app is None:
                await _not_found(send_noting_status)
            else:
                await app(scope, receive, send_noting_status)  # type: ignore[arg-type]
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            ACCESS.info("%s %s %d %.1fms", scope["method"], path, status, elapsed,
                        extra={"method": scope["method"], "path": path, "status": status, "ms": round(elapsed, 1)})

    def _mounted(self, path: str) -> ASGIApp | None:
        for prefix, app in self.mounts:
            if prefix == "/" or path == prefix or path.startswith(prefix + "/"):
                return app
        return None

    async def _lifespan(self, receive: RawReceive, send: RawSend) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.live is not None:
                    await self.live.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.live is not None:
                    await self.live.stop()
                if self.owns_container:
                    await self.container.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _not_found(send: RawSend) -> None:
    body = b'{"error": "Ressource non trouv\\u00e9e"}'
    await send({"type": "http.response.start", "status": 404,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _no_sniffing(response: Response[Any]) -> Response[Any]:
    """Browsers take a public file for what its extension says, never for what its bytes look like."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def create_app(runtime: Runtime, *overrides: Provider, container: AsyncContainer | None = None) -> PrefixDispatcher:
    """The app closes its container at shutdown only when it made it; a caller that passes one closes it."""
    owns_container = container is None
    container = container or make_container(runtime, *overrides)
    mounts: dict[str, ASGIApp] = {}
    for face, prefix in runtime.settings.faces.items():
        module = importlib.import_module(f"entrypoints.http.faces.{face}.app")
        face_app: Litestar = module.create_face(prefix)
        setup_dishka(container, face_app)
        mounts[prefix] = face_app
    health = create_health_app(container)
    media = Litestar(route_handlers=[create_static_files_router(
        path="/media", directories=[runtime.settings.media_root], send_as_attachment=False,
        after_request=_no_sniffing)], openapi_config=None,
        logging_config=None, exception_handlers={Exception: error_handler(shared_errors.render, shared_errors.POLICY)})
    runtime.settings.media_root.mkdir(parents=True, exist_ok=True)
    mounts["/media"] = media
    webhooks = create_webhooks_app()
    setup_dishka(container, webhooks)
    mounts[WEBHOOKS_PREFIX] = webhooks
    return PrefixDispatcher(mounts, {"/health": health, "/ready": health}, container,
                            owns_container=owns_container, live=LiveNotifications(runtime.database_url, container))


def openapi_document(face: str, prefix: str) -> dict[str, Any]:
    module = importlib.import_module(f"entrypoints.http.faces.{face}.app")
    face_app: Litestar = module.create_face(prefix)
    return face_app.openapi_schema.to_schema()
