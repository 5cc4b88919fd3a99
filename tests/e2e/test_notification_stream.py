"""The live stream across processes, as deployed: two API processes (`agora serve --workers 1 --no-worker`, apart)
on one PostgreSQL, a stream open on each, and a notification stored by a third process (this test, running the
notify job on its own container and connection, as the worker does). Both streams hear it within a second,
through PostgreSQL LISTEN/NOTIFY; nothing in the API processes polls."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest

from adapters.sql import migrate
from adapters.sql.database import EmbeddedPostgres
from application.notifications.requests import notify
from application.notifications.sending import NotifyUsers
from entrypoints.di.container import make_container
from entrypoints.runtime import Runtime
from tests.e2e.test_scale_out import Process, Service, start, wait_until_healthy
from tests.e2e.test_serve import PASSWORD, free_port
from tests.http.conftest import test_settings as settings_for

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-stream")]

STREAM = "/api/notifications/stream/"


@pytest.fixture(scope="module")
def service() -> Iterator[tuple[Service, str]]:
    folder = Path(tempfile.mkdtemp(prefix="agora-st-", dir="/tmp"))  # short: the pg socket lives here
    postgres = EmbeddedPostgres(folder / "pg")
    url = postgres.start()
    try:
        migrate.upgrade(url)
        env = {key: value for key, value in os.environ.items()
               if key not in {"AGORA_QUEUE_URL", "AGORA_FACES", "AGORA_MIGRATE_ON_START", "AGORA_PAYMENTS"}}
        env.update(DATABASE_URL=url, AGORA_DATA_DIR=str(folder / "data"),
                   AGORA_SECRET_KEY="e2e-secret-key-0123456789abcdef", AGORA_ARGON2_TIME_COST="1",
                   AGORA_ARGON2_MEMORY_KIB="1024", AGORA_LOG_LEVEL="INFO", PYTHONUNBUFFERED="1")
        data_dir = folder / "data"
        data_dir.mkdir()
        started: list[Process] = []
        try:
            for name in ("api-a", "api-b"):
                port = free_port()
                started.append(start(env, data_dir, name, "serve", "--workers", "1", "--no-worker", "--port",
                                     str(port), base_url=f"http://127.0.0.1:{port}"))
            for process in started:
                wait_until_healthy(process)
            yield Service(env, data_dir, *started), url
        finally:
            for process in started:
                if process.process.poll() is None:
                    process.process.kill()
                    process.process.wait(10)
    finally:
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def access_token(base_url: str, email: str) -> tuple[int, str]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        created = await client.post("/api/users/register/", json={
            "username": email.split("@")[0], "email": email, "password": PASSWORD, "password_confirm": PASSWORD})
        assert created.status_code == 201, created.text
        login = await client.post("/api/users/login/", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        token: str = login.json()["access"]
        profile = await client.get("/api/users/profile/", headers={"Authorization": f"Bearer {token}"})
        return int(profile.json()["id"]), token


async def opened(stack: AsyncExitStack, base_url: str, token: str) -> AsyncIterator[str]:
    """The stream's lines, once it said it is subscribed."""
    client = await stack.enter_async_context(httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(30)))
    response = await stack.enter_async_context(
        client.stream("GET", STREAM, headers={"Authorization": f"Bearer {token}"}))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    lines = response.aiter_lines()
    assert await asyncio.wait_for(next_event(lines), 10) == [": connected", "retry: 3000"]
    return lines


async def next_event(lines: AsyncIterator[str]) -> list[str]:
    block: list[str] = []
    async for line in lines:
        if line == "":
            if block:
                return block
            continue
        block.append(line)
    raise AssertionError(f"the stream ended after {block}")


async def test_a_notification_stored_by_another_process_reaches_both_api_processes_streams(
        service: tuple[Service, str], tmp_path: Path) -> None:
    served, url = service
    assert served.a.base_url is not None and served.b.base_url is not None
    user_id, token = await access_token(served.a.base_url, "awa@spotvibe.test")
    worker = make_container(Runtime(settings=settings_for(tmp_path, url), database_url=url, queue_url=url))
    try:
        async with AsyncExitStack() as stack:
            on_a = await opened(stack, served.a.base_url, token)
            on_b = await opened(stack, served.b.base_url, token)
            payload = notify("ANNOUNCEMENT", [user_id], "e2e-stream", {"title": "Fête", "message": "Samedi"})
            async with worker() as request:
                assert await (await request.get(NotifyUsers))(payload.payload) == 1
            async with asyncio.timeout(1.0):
                heard = await asyncio.gather(next_event(on_a), next_event(on_b))
    finally:
        await worker.close()
    for block in heard:
        assert block[0] == "event: notification", heard
        assert block[1].startswith('data: {"id":'), heard
    async with httpx.AsyncClient(base_url=served.b.base_url, timeout=30) as client:
        listed = (await client.get("/api/notifications/", headers={"Authorization": f"Bearer {token}"})).json()
    assert [f'data: {{"id":{item["id"]}}}' for item in listed if item["titre"] == "Fête"] == [heard[0][1]]
    for process in (served.a, served.b):
        assert "Traceback" not in process.output(), process.output()
