"""Password logins on PostgreSQL through the real app: nothing held while argon2 runs, failures counted exactly."""

from __future__ import annotations

import asyncio

import pytest
from dishka import Provider, Scope
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.auth.argon2_hasher import Argon2PasswordHasher
from application.identity.ports import PasswordHasher
from tests.http.conftest import Api

PASSWORD = "Sup3r-secret!"


class WatchingHasher:
    """argon2 at the tests' cost; each verification first notes how many of the app's database connections are
    checked out, and whether another transaction could lock the account's row at that moment."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._argon = Argon2PasswordHasher(time_cost=1, memory_cost=1024, workers=2)
        self._engine = engine
        self.seen: list[tuple[int, bool]] = []

    async def hash(self, password: str) -> str:
        return await self._argon.hash(password)

    async def verify(self, password_hash: str, password: str) -> bool:
        checked_out = self._engine.pool.checkedout()  # type: ignore[attr-defined]
        try:
            async with self._engine.begin() as connection:
                await connection.execute(
                    text("SELECT id FROM identity_users WHERE password_hash = :h FOR UPDATE NOWAIT"),
                    {"h": password_hash})
            lockable = True
        except DBAPIError:
            lockable = False
        self.seen.append((checked_out, lockable))
        return await self._argon.verify(password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self._argon.needs_rehash(password_hash)

    async def burn(self, password: str) -> None:
        await self._argon.burn(password)


def as_port(hasher: WatchingHasher) -> PasswordHasher:
    return hasher


@pytest.fixture
def extra_providers() -> list[Provider]:
    provider = Provider(scope=Scope.APP)
    provider.provide(WatchingHasher)
    provider.provide(as_port)
    return [provider]


async def register(api: Api) -> None:
    response = await api.client.post("/api/users/register/", json={"username": "awa", "email": "awa@example.com",
                                                                   "password": PASSWORD})
    assert response.status_code == 201


async def log_in(api: Api, password: str) -> tuple[int, bool]:
    response = await api.client.post("/api/users/login/", json={"email": "awa@example.com", "password": password})
    return response.status_code, bool(response.status_code == 401 and response.json().get("locked"))


async def test_a_password_is_checked_with_no_connection_checked_out_and_the_row_unlocked(api: Api) -> None:
    await register(api)
    assert await log_in(api, PASSWORD) == (200, False)
    assert await log_in(api, "wrong") == (401, False)
    watcher = await api.container.get(WatchingHasher)
    assert watcher.seen == [(0, True), (0, True)]


async def test_simultaneous_right_passwords_of_one_account_all_log_in(api: Api) -> None:
    await register(api)
    results = await asyncio.gather(*(log_in(api, PASSWORD) for _ in range(10)))
    assert results == [(200, False)] * 10


async def test_simultaneous_wrong_passwords_below_the_threshold_each_count(api: Api) -> None:
    await register(api)
    results = await asyncio.gather(*(log_in(api, "wrong") for _ in range(4)))
    assert results == [(401, False)] * 4
    assert await log_in(api, "wrong") == (401, True)


async def test_a_password_change_checks_the_old_one_with_nothing_held(api: Api) -> None:
    await register(api)
    response = await api.client.post("/api/users/login/", json={"email": "awa@example.com", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {response.json()['access']}"}
    watcher = await api.container.get(WatchingHasher)
    watcher.seen.clear()
    changed = await api.client.post("/api/users/change-password/", headers=headers, json={
        "old_password": PASSWORD, "new_password": "An0ther-s3cret!", "confirm_password": "An0ther-s3cret!"})
    assert changed.status_code == 200, changed.text
    assert watcher.seen == [(0, True)]
    assert (await log_in(api, "An0ther-s3cret!"))[0] == 200
