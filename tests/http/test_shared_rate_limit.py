"""Two API processes on one database enforce one rate limit: the limiter's windows are in PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.http.conftest import Api, running_api
from tests.http.spotvibe.helpers import error, login, register


@pytest.fixture
def settings_changes() -> dict[str, Any]:
    return {"login_limit_per_minute": 3}


@pytest.fixture
async def other_api(api: Api, database_url: str, queue_url: str) -> AsyncIterator[Api]:
    """A second process: its own container, app and engine, on the same database."""
    async with running_api(api.settings, database_url, queue_url, []) as other:
        yield other


async def test_logins_spread_over_two_processes_count_against_one_limit(api: Api, other_api: Api) -> None:
    assert (await register(api)).status_code == 201
    for process in (api, other_api, api):
        error(await login(process, password="Mauvais-mot-2"), 401)
    flooded = await login(other_api)  # the right password, but the 4th try in the minute
    body = error(flooded, 429)
    assert body["error"] == "Trop de tentatives, réessayez plus tard"
    assert 1 <= int(flooded.headers["retry-after"]) <= 61 and body["retry_after"] == int(flooded.headers["retry-after"])
    assert (await login(api)).status_code == 429
