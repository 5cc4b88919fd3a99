"""The ASGI application: each face is its own Litestar app (own OpenAPI, envelope, realm) under its prefix."""

from __future__ import annotations

import importlib
import logging
from typing import Any

from dishka import AsyncContainer, Provider
from dishka.integrations.litestar import setup_dishka
from litestar import Litestar
from litestar.static_files import create_static_files_router
from litestar.types import ASGIApp, Receive, Scope, Send

from entrypoints.di.container import make_container
from entrypoints.http.faces.common import error_handler
from entrypoints.http.faces.spotvibe import errors as spotvibe_errors
from entrypoints.http.health import create_health_app
from entrypoints.http.webhooks import PREFIX as WEBHOOKS_PREFIX
from entrypoints.http.webhooks import create_webhooks_app
from entrypoints.runtime import Runtime

log = logging.getLogger("agora.http")


class PrefixDispatcher:
    """Sends each request to the app mounted at the longest matching prefix; owns the lifespan."""

    def __init__(self, mounts: dict[str, ASGIApp], exact: dict[str, ASGIApp], container: AsyncContainer, *,
                 owns_container: bool) -> None:
        self.mounts = sorted(mounts.items(), key=lambda item: len(item[0]), reverse=True)
        self.exact = exact
        self.container = container
        self.owns_container = owns_container

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        path = scope.get("path", "/")
        app = self.exact.get(path) or self._mounted(path)
        if app is None:
            await _not_found(send)
            return
        await app(scope, receive, send)

    def _mounted(self, path: str) -> ASGIApp | None:
        for prefix, app in self.mounts:
            if prefix == "/" or path == prefix or path.startswith(prefix + "/"):
                return app
        return None

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})  # type: ignore[typeddict-item]
            elif message["type"] == "lifespan.shutdown":
                if self.owns_container:
                    await self.container.close()
                await send({"type": "lifespan.shutdown.complete"})  # type: ignore[typeddict-item]
                return


async def _not_found(send: Send) -> None:
    body = b'{"error": "Ressource non trouv\\u00e9e"}'
    await send({"type": "http.response.start", "status": 404,  # type: ignore[typeddict-item]
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})  # type: ignore[typeddict-item]


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
        path="/media", directories=[runtime.settings.media_root], send_as_attachment=False)], openapi_config=None,
        exception_handlers={Exception: error_handler(spotvibe_errors.render, spotvibe_errors.POLICY)})
    runtime.settings.media_root.mkdir(parents=True, exist_ok=True)
    mounts["/media"] = media
    webhooks = create_webhooks_app()
    setup_dishka(container, webhooks)
    mounts[WEBHOOKS_PREFIX] = webhooks
    return PrefixDispatcher(mounts, {"/health": health, "/ready": health}, container,
                            owns_container=owns_container)


def openapi_document(face: str, prefix: str) -> dict[str, Any]:
    module = importlib.import_module(f"entrypoints.http.faces.{face}.app")
    face_app: Litestar = module.create_face(prefix)
    return face_app.openapi_schema.to_schema()
