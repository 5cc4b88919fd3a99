"""Liveness and readiness, outside every face."""

from __future__ import annotations

import asyncio

from dishka import AsyncContainer
from litestar import Litestar, Response, get
from saq import Queue
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


def create_health_app(container: AsyncContainer) -> Litestar:
    @get("/health", sync_to_thread=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @get("/ready")
    async def ready() -> Response[dict[str, str]]:
        checks = {"database": "ok", "queue": "ok"}
        try:
            engine = await container.get(AsyncEngine)
            async with engine.connect() as connection:
                await asyncio.wait_for(connection.execute(text("SELECT 1")), timeout=3)
        except Exception as error:  # readiness reports any failure instead of raising it
            checks["database"] = f"error: {type(error).__name__}"
        try:
            queue = await container.get(Queue)
            await asyncio.wait_for(queue.count("queued"), timeout=3)
        except Exception as error:
            checks["queue"] = f"error: {type(error).__name__}"
        ok = all(value == "ok" for value in checks.values())
        return Response({"status": "ready" if ok else "unavailable", **checks}, status_code=200 if ok else 503)

    return Litestar(route_handlers=[health, ready], openapi_config=None, logging_config=None)
