"""GET .../notifications/stream/ on the three faces: server-sent events fed by PostgreSQL LISTEN/NOTIFY. The
notifications are stored by the notify job on a connection of its own, as the worker process does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import pytest

from adapters.live.hub import LiveHub
from adapters.sql.database import libpq_url
from adapters.sql.notifications.listener import InboxListener
from application.notifications.ports import NotificationRepository
from entrypoints.http import live
from entrypoints.http.app import PrefixDispatcher
from tests.http.conftest import Api
from tests.http.eebc.conftest import create_user
from tests.http.eebc.conftest import log_in as eebc_log_in
from tests.http.mairie.test_notifications import someone
from tests.http.notification_helpers import WITHIN, live_app, open_stream, tell
from tests.http.spotvibe.event_helpers import person

Caller = tuple[int, str]  # user id, access token


async def spotvibe(api: Api, name: str) -> Caller:
    found = await person(api, name)
    return found.id, found.headers["Authorization"].removeprefix("Bearer ")


async def mairie(api: Api, name: str) -> Caller:
    found = await someone(api, f"{name}@paris1.fr", first=name == "awa")
    return found.id, found.headers["Authorization"].removeprefix("Bearer ")


async def eebc(api: Api, name: str) -> Caller:
    user = await create_user(api, f"{name}.eebc", f"{name}@example.com")
    assert user.id is not None
    return user.id, (await eebc_log_in(api, f"{name}.eebc"))["access"]


FACES: dict[str, tuple[str, Callable[[Api, str], Awaitable[Caller]], Callable[[int], object]]] = {
    "spotvibe": ("/api/notifications/stream/", spotvibe, int),
    "mairie": ("/mairie/api/v1/notifications/stream/", mairie, lambda n: f"notif_{n:03d}"),
    "eebc": ("/eebc/api/v1/notifications/stream/", eebc, int),
}


async def newest_id(api: Api, user_id: int) -> int:
    async with api.container() as request:
        page = await (await request.get(NotificationRepository)).page(user_id, is_read=None, offset=0, limit=1)
    (newest,) = page.items
    assert newest.id is not None
    return newest.id


@pytest.mark.parametrize("face", list(FACES))
async def test_a_new_notification_reaches_the_open_stream_of_its_person_only(api: Api, face: str) -> None:
    path, caller, wire_id = FACES[face]
    (me, token), (other, _) = await caller(api, "awa"), await caller(api, "kofi")
    async with live_app(api) as app, open_stream(app, path, token) as stream:
        assert stream.status == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert stream.headers["cache-control"] == "no-cache"
        hello = await stream.next_event()
        assert hello.comments == ["connected"] and hello.event is None
        await tell(api, [other], "for-kofi")
        await tell(api, [me], "for-awa")
        event = await stream.next_event(within=1.0)
        assert event.event == "notification"
        assert event.json() == {"id": wire_id(await newest_id(api, me))}


@pytest.mark.parametrize("face", list(FACES))
async def test_anonymous_callers_get_no_stream(api: Api, face: str) -> None:
    path, _, _ = FACES[face]
    async with live_app(api) as app, open_stream(app, path, None) as stream:
        assert stream.status == 401
        assert stream.headers["content-type"].startswith("application/json")
        await stream.read_all()
    async with live_app(api) as app, open_stream(app, path, "not-a-token") as stream:
        assert stream.status == 401


async def test_the_stream_ends_when_the_client_leaves(api: Api) -> None:
    _, token = await spotvibe(api, "awa")
    hub = await api.container.get(LiveHub)
    async with live_app(api) as app:
        async with open_stream(app, FACES["spotvibe"][0], token) as stream:
            await stream.next_event()
            assert hub.listeners() == 1
        assert hub.listeners() == 0


async def test_a_quiet_stream_is_pinged(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live, "PING_SECONDS", 0.01)
    _, token = await spotvibe(api, "awa")
    async with live_app(api) as app, open_stream(app, FACES["spotvibe"][0], token) as stream:
        await stream.next_event()
        ping = await stream.next_event()
        assert ping.comments == ["ping"] and ping.event is None and ping.data is None


async def test_the_listener_connects_again_when_its_connection_drops(api: Api, database_url: str) -> None:
    me, token = await spotvibe(api, "awa")
    async with live_app(api) as app:
        listener = listener_of(app)
        killer = await asyncpg.connect(libpq_url(database_url))
        try:
            assert await killer.fetchval("SELECT pg_terminate_backend($1)", listener.server_pid)
        finally:
            await killer.close()
        assert await listener.wait_listening(1, within=WITHIN) == 2
        async with open_stream(app, FACES["spotvibe"][0], token) as stream:
            await stream.next_event()
            await tell(api, [me], "after-the-drop")
            event = await stream.next_event(within=1.0)
            assert event.json() == {"id": await newest_id(api, me)}


def listener_of(app: PrefixDispatcher) -> InboxListener:
    assert app.live is not None and app.live.listener is not None
    return app.live.listener
