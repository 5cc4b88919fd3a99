"""HTTP fixtures: the real ASGI app on PostgreSQL, with email/SMS captured and jobs run inline."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest
from dishka import AsyncContainer, Provider, Scope

from adapters.memory.store import FrozenClock, InlineJobQueue
from adapters.notify.email_console import ConsoleEmailSender
from adapters.notify.sms_console import ConsoleSmsSender
from application.shared.email import SEND_EMAIL, SEND_SMS, SendEmail, SendSms
from application.shared.outbox import RelayOutbox
from application.shared.ports import Clock, EmailSender, JobQueue, SmsSender
from entrypoints.di.container import make_container
from entrypoints.http.app import create_app
from entrypoints.runtime import Runtime
from entrypoints.settings import Settings


def test_settings(data_dir: Path, database_url: str, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir, "database_url": database_url, "secret_key": "test-secret-key-0123456789abcdef",
        "argon2_time_cost": 1, "argon2_memory_kib": 1024,
    }
    values.update(changes)
    return Settings(**values)


@dataclass
class Api:
    """The app under test, plus what it sent and a way to run its queued jobs."""

    client: httpx.AsyncClient
    container: AsyncContainer
    mailbox: ConsoleEmailSender
    sms: ConsoleSmsSender
    jobs: InlineJobQueue
    settings: Settings
    extra: dict[str, Any] = field(default_factory=dict)

    async def run_jobs(self) -> int:
        """Relays the committed outbox to the (inline) queue, as the worker would."""
        moved = 0
        while True:
            async with self.container() as request:
                relay = await request.get(RelayOutbox)
                count = await relay()
            moved += count
            if count == 0:
                return moved

    async def last_email_to(self, address: str) -> Any:
        await self.run_jobs()
        matching = [m for m in self.mailbox.sent if m.to == address]
        return matching[-1] if matching else None


def totp_code(api: Api, secret: str, *, steps: int = 0) -> str:
    """The TOTP code of the time step the app's clock is in, or of `steps` steps later (earlier if negative)."""
    now = api.container.get_sync(Clock).now()
    return pyotp.TOTP(secret).at(now + timedelta(seconds=30 * steps))


@pytest.fixture
def clock() -> FrozenClock:
    """A clock the test moves by hand; a module puts it in the app with `frozen(clock)` in its extra_providers."""
    return FrozenClock()


def frozen(clock: FrozenClock) -> Provider:
    provider = Provider(scope=Scope.APP)
    provider.provide(lambda: clock, provides=Clock)
    return provider


def make_overrides(mailbox: ConsoleEmailSender, sms: ConsoleSmsSender, jobs: InlineJobQueue) -> Provider:
    provider = Provider(scope=Scope.APP)
    provider.provide(lambda: mailbox, provides=EmailSender)
    provider.provide(lambda: sms, provides=SmsSender)
    provider.provide(lambda: jobs, provides=JobQueue)
    return provider


@pytest.fixture
def extra_providers() -> list[Provider]:
    """Override in a test module to swap more adapters (e.g. the social verifier)."""
    return []


@pytest.fixture
def settings_changes() -> dict[str, Any]:
    return {}


@contextlib.asynccontextmanager
async def running_api(settings: Settings, database_url: str, queue_url: str, extra_providers: list[Provider]
                      ) -> AsyncIterator[Api]:
    """One API process: its own container and app."""
    runtime = Runtime(settings=settings, database_url=database_url, queue_url=queue_url)
    mailbox, sms = ConsoleEmailSender(), ConsoleSmsSender()
    jobs = InlineJobQueue({SEND_EMAIL: SendEmail(mailbox), SEND_SMS: SendSms(sms)})
    container = make_container(runtime, make_overrides(mailbox, sms, jobs), *extra_providers)
    app = create_app(runtime, container=container)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Api(client=client, container=container, mailbox=mailbox, sms=sms, jobs=jobs, settings=settings)
    await container.close()


@pytest.fixture
async def api(data_dir: Path, database_url: str, queue_url: str, clean_database: None,
              extra_providers: list[Provider], settings_changes: dict[str, Any]) -> AsyncIterator[Api]:
    settings = test_settings(data_dir, database_url, **settings_changes)
    async with running_api(settings, database_url, queue_url, extra_providers) as running:
        yield running
