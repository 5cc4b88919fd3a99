"""The conversations' demo seed: the demo town's citizens write, its staff answer; a second run adds nothing."""

from __future__ import annotations

from entrypoints.seed_mairie import DEMO_PASSWORD
from entrypoints.seed_messaging import DEMO, messaging_demo
from tests.http.conftest import Api
from tests.http.mairie.helpers import API, bearer, login


async def test_the_demo_seed_fills_the_town_once(api: Api) -> None:
    first = await messaging_demo(api.container)
    again = await messaging_demo(api.container)

    assert first == {"conversations": len(DEMO), "replies": 4} and again == {}
    logged = await login(api, "maire@matoury.mairie.demo", DEMO_PASSWORD)
    assert logged.status_code == 200, logged.text
    listed = (await api.client.get(f"{API}/messages/conversations/",
                                   headers=bearer(logged.json()["access_token"]))).json()
    assert listed["count"] == len(DEMO) and listed["unread_count"] == 2
    assert sorted(r["status"] for r in listed["results"]) == ["archived", "archived", "read", "read", "unread",
                                                              "unread"]
    citizen = await login(api, "aline.pierre@matoury.mairie.demo", DEMO_PASSWORD)
    own = (await api.client.get(f"{API}/messages/conversations/",
                                headers=bearer(citizen.json()["access_token"]))).json()
    assert own["count"] == 1 and own["unread_count"] == 1
