"""Mairie /api/v1/notifications/ (spec 9): the list with its unread count, marking one or all read."""

from __future__ import annotations

from dataclasses import dataclass

from tests.http.conftest import Api
from tests.http.mairie.helpers import API, account, bearer, error, mayor, user_in_db
from tests.http.notification_helpers import tell

BASE = f"{API}/notifications/"
ITEM = {"id", "type", "title", "message", "data", "is_read", "created_at"}


@dataclass
class Someone:
    id: int
    headers: dict[str, str]


async def someone(api: Api, email: str, *, first: bool = False) -> Someone:
    body = await mayor(api, email) if first else await account(api, email)
    user = await user_in_db(api, email)
    assert user is not None and user.id is not None
    return Someone(user.id, bearer(body["access_token"]))


async def two_people(api: Api) -> tuple[Someone, Someone]:
    return await someone(api, "maire@paris1.fr", first=True), await someone(api, "jean@paris1.fr")


async def test_the_list_counts_unread_filters_and_pages(api: Api) -> None:
    maire, jean = await two_people(api)
    for n in range(3):
        await tell(api, [maire.id], f"k{n}", kind="NEW_MESSAGE", author=f"Marie {n}", conversation_id="conv_001")
    await tell(api, [jean.id], "jean")
    listed = await api.client.get(BASE, headers=maire.headers)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert (body["count"], body["unread_count"], len(body["results"])) == (3, 3, 3)
    first = body["results"][0]
    assert set(first) == ITEM
    assert first["id"].startswith("notif_") and first["type"] == "new_message"
    assert first["message"] == "Marie 2 vous a envoyé un message" and first["title"] == "Nouveau message"
    assert first["data"]["conversation_id"] == "conv_001" and first["is_read"] is False
    read = await api.client.put(f"{BASE}{first['id']}/read/", headers=maire.headers)
    assert read.status_code == 200, read.text
    assert read.json() == {"is_read": True}
    unread = (await api.client.get(BASE, headers=maire.headers, params={"is_read": "false"})).json()
    assert (unread["count"], unread["unread_count"]) == (2, 2)
    assert first["id"] not in {item["id"] for item in unread["results"]}
    only_read = (await api.client.get(BASE, headers=maire.headers, params={"is_read": "true"})).json()
    assert [item["id"] for item in only_read["results"]] == [first["id"]]
    assert (await api.client.get(BASE, headers=maire.headers, params={"page": 2})).json()["results"] == []


async def test_marking_read_accepts_both_spellings_and_is_idempotent(api: Api) -> None:
    maire, _ = await two_people(api)
    await tell(api, [maire.id], "k")
    (item,) = (await api.client.get(BASE, headers=maire.headers)).json()["results"]
    number = int(item["id"].removeprefix("notif_"))
    for spelling in (item["id"], str(number), item["id"]):
        read = await api.client.put(f"{BASE}{spelling}/read/", headers=maire.headers)
        assert read.status_code == 200, read.text
        assert read.json() == {"is_read": True}


async def test_read_all_says_how_many_changed(api: Api) -> None:
    maire, jean = await two_people(api)
    for n in range(2):
        await tell(api, [maire.id], f"k{n}")
    await tell(api, [jean.id], "jean")
    everything = await api.client.put(f"{BASE}read-all/", headers=maire.headers)
    assert everything.status_code == 200, everything.text
    assert everything.json() == {"message": "Toutes les notifications marquées comme lues", "updated_count": 2}
    again = await api.client.put(f"{BASE}read-all/", headers=maire.headers)
    assert again.json()["updated_count"] == 0
    assert (await api.client.get(BASE, headers=jean.headers)).json()["unread_count"] == 1


async def test_another_persons_notification_is_not_found(api: Api) -> None:
    maire, jean = await two_people(api)
    await tell(api, [maire.id], "k")
    (item,) = (await api.client.get(BASE, headers=maire.headers)).json()["results"]
    error(await api.client.put(f"{BASE}{item['id']}/read/", headers=jean.headers), 404, "NOT_FOUND")
    for nothing in ("notif_999999", "notif_abc", "abc", "notif_0", "notif_" + "9" * 30):
        error(await api.client.put(f"{BASE}{nothing}/read/", headers=maire.headers), 404, "NOT_FOUND")
    assert (await api.client.get(BASE, headers=maire.headers)).json()["unread_count"] == 1


async def test_bad_queries_and_anonymous_callers_are_refused(api: Api) -> None:
    maire, _ = await two_people(api)
    error(await api.client.get(BASE, headers=maire.headers, params={"is_read": "peut-être"}), 422,
          "VALIDATION_ERROR")
    error(await api.client.get(BASE, headers=maire.headers, params={"page": 0}), 422, "VALIDATION_ERROR")
    error(await api.client.get(BASE), 401, "UNAUTHORIZED")
    error(await api.client.put(f"{BASE}read-all/"), 401, "UNAUTHORIZED")
    error(await api.client.put(f"{BASE}notif_1/read/"), 401, "UNAUTHORIZED")
