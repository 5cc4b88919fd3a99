"""/eebc/api/v1/announcements/ and /eebc/api/v1/staff/announcements/ on PostgreSQL: success, bad input,
anonymous, member, each staff role, another site; the push when one becomes active."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from dishka import Provider
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.memory.store import FrozenClock
from adapters.sql.community.tables import members, sites
from adapters.sql.shared.tables import outbox
from application.announcements.services import PublishDueAnnouncements, PushAnnouncement
from application.announcements.topics import PUSH_ANNOUNCEMENT
from application.notifications.topics import NOTIFY
from entrypoints.seed_announcements import announcements_demo
from tests.http.conftest import Api, frozen
from tests.http.eebc.conftest import assert_error, bearer, create_user, log_in

LIST = "/eebc/api/v1/announcements/"
STAFF = "/eebc/api/v1/staff/announcements/"


@pytest.fixture
def extra_providers(clock: FrozenClock) -> list[Provider]:
    return [frozen(clock)]


@dataclass
class Church:
    api: Api
    clock: FrozenClock
    cab: int
    mac: int
    headers: dict[str, dict[str, str]]
    user_ids: dict[str, int]

    async def post(self, who: str, **body: Any) -> dict[str, Any]:
        fields = {"title": "Assemblée générale", "content": "L'assemblée générale annuelle aura lieu dimanche."}
        response = await self.api.client.post(STAFF, json={**fields, **body}, headers=self.headers[who])
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    async def outbox(self, topic: str) -> list[Any]:
        async with self.api.container() as request:
            session = await request.get(AsyncSession)
            rows = await session.execute(select(outbox.c.payload, outbox.c.key).where(outbox.c.topic == topic)
                                         .order_by(outbox.c.created_at))
            return list(rows)

    async def run(self, use_case: type[Any], *args: Any) -> Any:
        async with self.api.container() as request:
            return await (await request.get(use_case))(*args)


ACCOUNTS = {  # name: (role, site)
    "admin": ("admin", "CAB"), "pasteur": ("pasteur", "MAC"), "secretariat": ("secretariat", "CAB"),
    "secretariat_mac": ("secretariat", "MAC"), "diacre": ("diacre", "CAB"), "member": ("membre", "CAB"),
    "member_mac": ("membre", "MAC"),
}


@pytest.fixture
async def church(api: Api, clock: FrozenClock) -> Church:
    now = clock.now()
    async with api.container() as request:
        session = await request.get(AsyncSession)
        ids = []
        for code, name in (("CAB", "Cabassou"), ("MAC", "Macouria")):
            ids.append(await session.scalar(insert(sites).values(code=code, name=name, address="", city="",
                                                                 is_active=True, next_member_number=1,
                                                                 created_at=now).returning(sites.c.id)))
        await session.commit()
    headers, user_ids = {}, {}
    for name, (role, site) in ACCOUNTS.items():
        user = await create_user(api, name, f"{name}@example.com", role=role, site_code=site,
                                 first_name=name.capitalize(), last_name="Test")
        headers[name] = bearer((await log_in(api, name))["access"])
        user_ids[name] = int(user.id or 0)
    async with api.container() as request:
        session = await request.get(AsyncSession)
        for n, (name, site_id) in enumerate((("member", ids[0]), ("member_mac", ids[1]), ("secretariat", ids[0]))):
            await session.execute(insert(members).values(
                member_code=f"EEBC-T-{n:04d}", site_id=site_id, user_id=user_ids[name], first_name=name,
                last_name="Test", created_at=now, updated_at=now))
        await session.commit()
    return Church(api, clock, int(ids[0]), int(ids[1]), headers, user_ids)


async def test_staff_publish_and_members_read_pinned_first_and_mark_read(church: Church) -> None:
    api = church.api
    low = await church.post("admin", site_id=church.cab, priority="low")
    pinned = await church.post("pasteur", is_pinned=True, priority="high")
    await church.post("secretariat_mac")
    assert low["site"] == {"id": church.cab, "code": "CAB", "name": "Cabassou"} and low["author"] == "Admin Test"
    assert pinned["site"] is None and pinned["is_active"] and pinned["announced"]
    response = await api.client.get(LIST, headers=church.headers["member"])
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["count"] == 2 and page["next"] is None and page["previous"] is None
    assert [r["id"] for r in page["results"]] == [pinned["id"], low["id"]]
    assert set(page["results"][0]) == {"id", "title", "excerpt", "is_pinned", "priority", "start_date", "author",
                                       "is_read"}
    assert page["results"][0]["is_pinned"] and page["results"][0]["priority"] == "high"
    assert page["results"][0]["is_read"] is False and page["results"][0]["start_date"].endswith("Z")
    for _ in range(2):
        marked = await api.client.post(f"{LIST}{low['id']}/mark_read/", headers=church.headers["member"])
        assert marked.status_code == 200 and marked.json()["success"] is True, marked.text
    detail = (await api.client.get(f"{LIST}{low['id']}/", headers=church.headers["member"])).json()
    assert detail["is_read"] is True and detail["content"].startswith("L'assemblée")
    unread = (await api.client.get(LIST, params={"is_read": "false"}, headers=church.headers["member"])).json()
    assert [r["id"] for r in unread["results"]] == [pinned["id"]]
    found = (await api.client.get(LIST, params={"search": "ANNUELLE", "page_size": 1},
                                  headers=church.headers["member"])).json()
    assert found["count"] == 2 and found["next"] is not None and "page=2" in found["next"]
    second = (await api.client.get(found["next"], headers=church.headers["member"])).json()
    assert [r["id"] for r in second["results"]] == [low["id"]] and second["previous"] is not None
    other_site = (await api.client.get(LIST, headers=church.headers["member_mac"])).json()
    assert other_site["count"] == 2 and other_site["results"][1]["is_read"] is False


async def test_the_window_hides_future_and_ended_ones_until_the_cron_announces_them(church: Church) -> None:
    now = church.clock.now()
    future = await church.post("admin", start_date=(now + timedelta(minutes=10)).isoformat())
    ended = await church.post("admin", start_date=(now - timedelta(days=2)).isoformat(),
                              end_date=(now - timedelta(days=1)).isoformat())
    assert not future["is_active"] and not future["announced"]
    for hidden in (future, ended):
        response = await church.api.client.get(f"{LIST}{hidden['id']}/", headers=church.headers["member"])
        assert_error(response, 404)
    assert (await church.api.client.get(LIST, headers=church.headers["member"])).json()["count"] == 0
    staff = (await church.api.client.get(STAFF, headers=church.headers["admin"])).json()
    assert staff["count"] == 2
    assert await church.outbox(PUSH_ANNOUNCEMENT) == []
    church.clock.advance(minutes=10)
    marked = await asyncio.gather(*(church.run(PublishDueAnnouncements) for _ in range(3)))
    assert sorted(marked) == [0, 0, 1]
    pushes = await church.outbox(PUSH_ANNOUNCEMENT)
    assert [p.payload for p in pushes] == [{"announcement_id": future["id"]}]
    assert (await church.api.client.get(LIST, headers=church.headers["member"])).json()["count"] == 1


async def test_an_active_announcement_is_pushed_to_its_sites_member_accounts(church: Church) -> None:
    cab = await church.post("admin", site_id=church.cab)
    everywhere = await church.post("admin")
    pushes = await church.outbox(PUSH_ANNOUNCEMENT)
    assert [p.payload["announcement_id"] for p in pushes] == [cab["id"], everywhere["id"]]
    assert await church.run(PushAnnouncement, {"announcement_id": cab["id"]}) == 2
    assert await church.run(PushAnnouncement, {"announcement_id": everywhere["id"]}) == 3
    notes = [n for n in await church.outbox(NOTIFY) if n.payload["kind"] == "ANNOUNCEMENT"]
    assert len(notes) == 2
    cab_ids = sorted([church.user_ids["member"], church.user_ids["secretariat"]])
    assert notes[0].payload["user_ids"] == cab_ids and notes[0].payload["kind"] == "ANNOUNCEMENT"
    assert sorted(notes[1].payload["user_ids"]) == sorted([*cab_ids, church.user_ids["member_mac"]])
    assert notes[0].payload["data"]["title"] == "Assemblée générale"


async def test_staff_edit_and_delete_within_their_scope(church: Church) -> None:
    api, h = church.api, church.headers
    cab = await church.post("secretariat")
    assert cab["site"]["code"] == "CAB"
    everywhere = await church.post("admin")
    body = {"title": "Culte de Noël", "content": "Le culte aura lieu à 10h.", "priority": "urgent"}
    edited = await api.client.put(f"{STAFF}{cab['id']}/", json=body, headers=h["secretariat"])
    assert edited.status_code == 200, edited.text
    assert edited.json()["data"]["title"] == "Culte de Noël" and edited.json()["data"]["priority"] == "urgent"
    assert edited.json()["data"]["site"]["code"] == "CAB"
    assert_error(await api.client.put(f"{STAFF}{cab['id']}/", json=body, headers=h["secretariat_mac"]), 404)
    assert_error(await api.client.put(f"{STAFF}{everywhere['id']}/", json=body, headers=h["secretariat"]), 403)
    assert_error(await api.client.delete(f"{STAFF}{cab['id']}/", headers=h["secretariat_mac"]), 404)
    assert_error(await api.client.put(f"{STAFF}999999/", json=body, headers=h["admin"]), 404)
    moved = await api.client.put(f"{STAFF}{cab['id']}/", json={**body, "site_id": church.mac}, headers=h["pasteur"])
    assert moved.status_code == 200 and moved.json()["data"]["site"]["code"] == "MAC"
    mac_staff = (await api.client.get(STAFF, headers=h["secretariat_mac"])).json()
    assert {r["id"] for r in mac_staff["results"]} == {cab["id"], everywhere["id"]}
    deleted = await api.client.delete(f"{STAFF}{cab['id']}/", headers=h["secretariat_mac"])
    assert deleted.status_code == 200 and deleted.json()["success"] is True, deleted.text
    assert_error(await api.client.get(f"{LIST}{cab['id']}/", headers=h["member_mac"]), 404)
    assert_error(await api.client.delete(f"{STAFF}{cab['id']}/", headers=h["admin"]), 404)


async def test_who_may_publish(church: Church) -> None:
    api, h = church.api, church.headers
    body = {"title": "Titre", "content": "Texte"}
    for who in ("member", "diacre"):
        assert_error(await api.client.post(STAFF, json=body, headers=h[who]), 403)
        assert_error(await api.client.get(STAFF, headers=h[who]), 403)
    assert_error(await api.client.post(STAFF, json={**body, "site_id": church.mac}, headers=h["secretariat"]), 403)
    mac = await church.post("pasteur", site_id=church.mac)
    for who in ("member", "diacre"):
        assert_error(await api.client.put(f"{STAFF}{mac['id']}/", json=body, headers=h[who]), 403)
        assert_error(await api.client.delete(f"{STAFF}{mac['id']}/", headers=h[who]), 403)
    assert_error(await api.client.get(f"{LIST}{mac['id']}/", headers=h["member"]), 404)
    assert_error(await api.client.post(f"{LIST}{mac['id']}/mark_read/", headers=h["member"]), 404)
    assert (await api.client.get(f"{LIST}{mac['id']}/", headers=h["member_mac"])).status_code == 200


async def test_anonymous_and_other_realms_are_refused(church: Church) -> None:
    api = church.api
    mine = await church.post("admin")
    for method, url in (("GET", LIST), ("GET", f"{LIST}{mine['id']}/"), ("POST", f"{LIST}{mine['id']}/mark_read/"),
                        ("GET", STAFF), ("POST", STAFF), ("PUT", f"{STAFF}{mine['id']}/"),
                        ("DELETE", f"{STAFF}{mine['id']}/")):
        assert_error(await api.client.request(method, url, json={"title": "t", "content": "c"}), 401)
        assert_error(await api.client.request(method, url, headers={"Authorization": "Bearer nope"}), 401)


@pytest.mark.parametrize("body, fields", [
    ({"content": "Texte"}, ()),
    ({"title": "", "content": " "}, ("title", "content")),
    ({"title": "t" * 201, "content": "Texte"}, ("title",)),
    ({"title": "Titre", "content": "Texte", "priority": "critique"}, ()),
    ({"title": "Titre", "content": "Texte", "site_id": 0}, ()),
    ({"title": "Titre", "content": "Texte", "site_id": 2**63}, ()),
    ({"title": "Titre", "content": "Texte", "site_id": 987654}, ("site_id",)),
    ({"title": "Titre", "content": "Texte", "start_date": "demain"}, ()),
    ({"title": "Titre", "content": "Texte", "start_date": "2026-01-05T00:00:00"}, ("start_date",)),
    ({"title": "Titre", "content": "Texte", "start_date": "2026-01-05T00:00:00Z",
      "end_date": "2026-01-04T00:00:00Z"}, ("end_date",)),
    ({"title": "Titre", "content": "Texte", "is_pinned": "oui"}, ()),
    ({"title": "Titre", "content": "Texte", "inconnu": 1}, ()),
])
async def test_bad_bodies_are_400s(church: Church, body: dict[str, Any], fields: tuple[str, ...]) -> None:
    assert_error(await church.api.client.post(STAFF, json=body, headers=church.headers["admin"]), 400, *fields)
    mine = await church.post("admin")
    put = await church.api.client.put(f"{STAFF}{mine['id']}/", json=body, headers=church.headers["admin"])
    assert_error(put, 400, *fields)


async def test_bad_queries_and_ids_are_400s(church: Church) -> None:
    api, h = church.api, church.headers["member"]
    for params in ({"page": 0}, {"page_size": 101}, {"is_read": "peut-être"}, {"search": "x" * 201},
                   {"search": "a\x00b"}, {"page": "un"}):
        assert_error(await api.client.get(LIST, params=params, headers=h), 400)
    for url in (f"{LIST}0/", f"{LIST}{2**63}/", f"{LIST}{2**63}/mark_read/"):
        response = await api.client.request("POST" if url.endswith("mark_read/") else "GET", url, headers=h)
        assert response.status_code in (400, 404), response.text
    assert (await api.client.get(LIST, params={"page": 50}, headers=h)).json()["results"] == []


async def test_the_demo_seed_adds_announcements_once_and_nothing_without_sites(api: Api, clock: FrozenClock) -> None:
    assert await announcements_demo(api.container) == {}
    async with api.container() as request:
        session = await request.get(AsyncSession)
        for code, name in (("CAB", "Cabassou"), ("MAC", "Macouria")):
            await session.execute(insert(sites).values(code=code, name=name, address="", city="", is_active=True,
                                                       next_member_number=1, created_at=clock.now()))
        await session.commit()
    assert await announcements_demo(api.container) == {"announcements": 8}
    assert await announcements_demo(api.container) == {}
    await create_user(api, "lecteur", "lecteur@example.com", role="membre", site_code="MAC")
    headers = bearer((await log_in(api, "lecteur"))["access"])
    page = (await api.client.get(LIST, headers=headers)).json()
    assert page["count"] == 4 and page["results"][0]["author"] == "Pasteur Martin"
    assert page["results"][0]["is_pinned"] and page["results"][0]["priority"] == "urgent"
