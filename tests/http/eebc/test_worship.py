"""EEBC /api/v1/worship/ and /api/v1/staff/worship/ ("Cultes (Worship)") on PostgreSQL: the rota, answers and
their deadline, the replacement race, conflict warnings, the ICS feed; bad input, anonymous, roles, sites."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import icalendar
import pytest
from dishka import Provider

from adapters.memory.store import FrozenClock
from application.notifications.sending import NotifyUsers
from domain.identity.model import User
from tests.http.conftest import Api, frozen
from tests.http.eebc.conftest import assert_error, bearer, create_user, log_in
from tests.http.eebc.worship_fixtures import NOW, add_member, add_site
from tests.http.notification_helpers import queued_notifications

BASE = "/eebc/api/v1/worship"
STAFF = "/eebc/api/v1/staff/worship"


@pytest.fixture
def extra_providers(clock: FrozenClock) -> list[Provider]:
    clock.current = NOW
    return [frozen(clock)]


@dataclass
class Church:
    cab: int
    mac: int
    pastor: dict[str, str]
    deacon: dict[str, str]  # diacre of CAB
    users: dict[str, User]
    members: dict[str, int]
    headers: dict[str, dict[str, str]]


async def account(api: Api, username: str, role: str = "membre", site: str = "CAB") -> tuple[User, dict[str, str]]:
    user = await create_user(api, username, f"{username}@example.com", role=role, site_code=site)
    return user, bearer((await log_in(api, username))["access"])


@pytest.fixture
async def church(api: Api) -> Church:
    cab, mac = await add_site(api, "CAB", "Cabassou"), await add_site(api, "MAC", "Macouria")
    _, pastor = await account(api, "pasteur.paul", "pasteur")
    _, deacon = await account(api, "diacre.denis", "diacre")
    users, members, headers = {}, {}, {}
    for name, site_id, site in (("jean", cab, "CAB"), ("marie", cab, "CAB"), ("luc", mac, "MAC")):
        user, auth = await account(api, name, site=site)
        users[name], headers[name] = user, auth
        members[name] = await add_member(api, site_id, name.capitalize(), "Membre", user.id)
    return Church(cab, mac, pastor, deacon, users, members, headers)


async def service(api: Api, church: Church, date: str = "2026-01-25", start: str = "09:30", site: int | None = None,
                  headers: dict[str, str] | None = None) -> dict[str, Any]:
    created = await api.client.post(f"{STAFF}/services/", headers=headers or church.pastor, json={
        "site": site or church.cab, "date": date, "start_time": start, "service_type": "culte_dominical",
        "theme": "La foi qui déplace les montagnes", "is_confirmed": True})
    assert created.status_code == 201, created.text
    data: dict[str, Any] = created.json()["data"]
    return data


async def role(api: Api, church: Church, code: str = "choriste", *members: str) -> int:
    created = await api.client.post(f"{STAFF}/roles/", headers=church.pastor, json={"code": code, "name": "Choriste"})
    assert created.status_code == 201, created.text
    role_id: int = created.json()["data"]["id"]
    for name in members:
        added = await api.client.post(f"{STAFF}/roles/{role_id}/members/", headers=church.pastor,
                                      json={"member_id": church.members[name]})
        assert added.status_code == 200, added.text
    return role_id


async def assign(api: Api, church: Church, service_id: int, role_id: int, name: str,
                 headers: dict[str, str] | None = None) -> dict[str, Any]:
    created = await api.client.post(f"{STAFF}/services/{service_id}/assignments/", headers=headers or church.pastor,
                                    json={"role": role_id, "member": church.members[name]})
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


async def test_the_list_shows_the_spec_shape_and_its_assignment_id_is_the_one_confirm_takes(
        api: Api, church: Church) -> None:
    created = await service(api, church)
    assert (created["date"], created["start_time"]) == ("2026-01-25", "09:30:00")
    role_id = await role(api, church)
    await assign(api, church, created["id"], role_id, "jean")
    listed = await api.client.get(f"{BASE}/services/", headers=church.headers["jean"])
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    shown = body["results"][0]
    assert shown["site"] == {"id": church.cab, "code": "CAB", "name": "Cabassou"}
    assert (shown["date"], shown["start_time"], shown["service_type"]) == ("2026-01-25", "09:30:00",
                                                                           "culte_dominical")
    (mine,) = shown["user_assignments"]
    assert mine["role"] == "choriste" and mine["role_display"] == "Choriste" and mine["is_current_user"] is True
    assert mine["member"] == {"id": church.members["jean"], "first_name": "Jean", "last_name": "Membre"}
    assert mine["status"] == "en_attente"
    done = await api.client.post(f"{BASE}/confirm/", headers=church.headers["jean"],
                                 json={"assignment_id": mine["id"], "action": "confirm"})
    assert done.status_code == 200, done.text
    assert done.json()["data"]["status"] == "confirme"
    detail = await api.client.get(f"{BASE}/services/{created['id']}/", headers=church.headers["marie"])
    assert detail.json()["user_assignments"][0]["status"] == "confirme"
    assert detail.json()["user_assignments"][0]["is_current_user"] is False
    mine_list = await api.client.get(f"{BASE}/services/my_assignments/", headers=church.headers["jean"])
    assert mine_list.json()["count"] == 1
    assert (await api.client.get(f"{BASE}/services/my_assignments/", headers=church.headers["marie"])
            ).json()["count"] == 0
    by_site = await api.client.get(f"{BASE}/services/", headers=church.headers["luc"], params={"site": church.mac})
    assert by_site.json()["count"] == 0


async def test_history_shows_the_last_three_months(api: Api, church: Church) -> None:
    old = await service(api, church, date="2026-01-04")
    await service(api, church, date="2025-09-01")
    await service(api, church, date="2026-02-01")
    history = await api.client.get(f"{BASE}/services/history/", headers=church.headers["jean"])
    assert [s["id"] for s in history.json()["results"]] == [old["id"]]


async def test_a_decline_closes_48_hours_before_and_bad_answers_are_refused(api: Api, church: Church,
                                                                           clock: FrozenClock) -> None:
    created = await service(api, church, date="2026-01-18", start="09:30")  # 12:30 UTC
    role_id = await role(api, church)
    assignment = (await assign(api, church, created["id"], role_id, "jean"))["data"]["id"]
    jean = church.headers["jean"]
    for body, field in (({"assignment_id": assignment, "action": "maybe"}, "action"),
                        ({"assignment_id": 0, "action": "confirm"}, "assignment_id"),
                        ({"assignment_id": 2**70, "action": "confirm"}, "assignment_id"),
                        ({"assignment_id": assignment, "action": "decline", "decline_reason": "x" * 501},
                         "decline_reason")):
        assert_error(await api.client.post(f"{BASE}/confirm/", headers=jean, json=body), 400, field)
    assert_error(await api.client.post(f"{BASE}/confirm/", headers=church.headers["marie"],
                                       json={"assignment_id": assignment, "action": "confirm"}), 404)
    assert_error(await api.client.post(f"{BASE}/confirm/", headers=church.pastor,
                                       json={"assignment_id": assignment, "action": "confirm"}), 403)
    clock.advance(hours=3 * 24 + 3.5 - 48)  # 48 h before the service
    jean, pastor = bearer((await log_in(api, "jean"))["access"]), bearer((await log_in(api, "pasteur.paul"))["access"])
    closed = assert_error(await api.client.post(f"{BASE}/confirm/", headers=jean, json={
        "assignment_id": assignment, "action": "decline", "decline_reason": "Absent"}), 409)
    assert "48 heures" in closed["error"]["message"]
    changed = await api.client.put(f"{STAFF}/services/{created['id']}/assignments/{assignment}/",
                                   headers=pastor, json={"role": role_id, "member": church.members["jean"],
                                                                "status": "decline", "decline_reason": "Malade"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["status"] == "decline"


async def test_ten_concurrent_accepts_of_a_declined_slot_have_one_winner(api: Api, church: Church) -> None:
    created = await service(api, church)
    names = [f"choriste{i}" for i in range(10)]
    for name in names:
        user, auth = await account(api, name)
        church.headers[name] = auth
        church.members[name] = await add_member(api, church.cab, name, "Membre", user.id)
    role_id = await role(api, church, "choriste", "jean", *names)
    assignment = (await assign(api, church, created["id"], role_id, "jean"))["data"]["id"]
    declined = await api.client.post(f"{BASE}/confirm/", headers=church.headers["jean"], json={
        "assignment_id": assignment, "action": "decline", "decline_reason": "Je serai absent ce jour-là"})
    assert declined.status_code == 200, declined.text
    await api.run_jobs()
    answers = await asyncio.gather(*(api.client.post(f"{BASE}/replacements/{assignment}/accept/",
                                                     headers=church.headers[name]) for name in names))
    assert sorted(a.status_code for a in answers) == [200] + [409] * 9, [a.text for a in answers]
    for answer in answers:
        if answer.status_code == 409:
            assert_error(answer, 409)
    assert_error(await api.client.post(f"{BASE}/replacements/{assignment}/accept/", headers=church.headers["luc"]),
                 409)
    detail = (await api.client.get(f"{BASE}/services/{created['id']}/", headers=church.headers["jean"])).json()
    assert sorted(a["status"] for a in detail["user_assignments"]) == ["confirme", "remplace"]


async def test_staff_warnings_roles_and_sites(api: Api, church: Church) -> None:
    role_id = await role(api, church)
    here = await service(api, church)
    there = await service(api, church, site=church.mac)
    assert (await assign(api, church, here["id"], role_id, "jean"))["warnings"] == []
    warned = await assign(api, church, there["id"], role_id, "jean")
    assert len(warned["warnings"]) == 1 and "Cabassou" in warned["warnings"][0]["message"]
    assert_error(await api.client.post(f"{STAFF}/services/{here['id']}/assignments/", headers=church.pastor,
                                       json={"role": role_id, "member": church.members["jean"]}), 400)
    # the deacon of CAB: their site only; another site's service is not found
    mine = await service(api, church, date="2026-01-26", headers=church.deacon)
    await assign(api, church, mine["id"], role_id, "marie", headers=church.deacon)
    assert_error(await api.client.post(f"{STAFF}/services/{there['id']}/assignments/", headers=church.deacon,
                                       json={"role": role_id, "member": church.members["luc"]}), 404)
    assert_error(await api.client.post(f"{STAFF}/services/", headers=church.deacon, json={
        "site": church.mac, "date": "2026-01-25", "start_time": "09:30", "service_type": "culte_dominical"}), 404)
    assert_error(await api.client.delete(f"{STAFF}/services/{there['id']}/", headers=church.deacon), 404)
    assert_error(await api.client.post(f"{STAFF}/roles/", headers=church.deacon,
                                       json={"code": "lecteur", "name": "Lecteur"}), 403)
    # a member: no staff API at all
    jean = church.headers["jean"]
    assert_error(await api.client.post(f"{STAFF}/services/", headers=jean, json={
        "site": church.cab, "date": "2026-01-25", "start_time": "09:30", "service_type": "culte_dominical"}), 403)
    assert_error(await api.client.get(f"{STAFF}/roles/", headers=jean), 403)
    assert_error(await api.client.get(f"{STAFF}/services/{here['id']}/assignments/", headers=jean), 403)
    managed = await api.client.get(f"{STAFF}/services/", headers=church.deacon)
    assert {s["site"] for s in managed.json()["data"]["results"]} == {church.cab}
    assert (await api.client.get(f"{STAFF}/services/", headers=church.deacon, params={"site": church.mac})
            ).json()["data"]["count"] == 0
    assert (await api.client.get(f"{STAFF}/services/", headers=church.pastor)).json()["data"]["count"] == 3
    assert_error(await api.client.get(f"{STAFF}/services/", headers=jean), 403)
    listed = await api.client.get(f"{STAFF}/services/{here['id']}/assignments/", headers=church.pastor)
    assert [a["member"] for a in listed.json()["data"]] == [church.members["jean"]]
    roles = (await api.client.get(f"{STAFF}/roles/", headers=church.deacon)).json()["data"]
    assert roles[0]["code"] == "choriste"
    updated = await api.client.put(f"{STAFF}/services/{here['id']}/", headers=church.pastor, json={
        "site": church.cab, "date": "2026-01-25", "start_time": "18:00", "service_type": "culte_priere"})
    assert updated.json()["data"]["start_time"] == "18:00:00"
    gone = await api.client.delete(f"{STAFF}/services/{here['id']}/", headers=church.pastor)
    assert gone.status_code == 200, gone.text
    assert_error(await api.client.get(f"{BASE}/services/{here['id']}/", headers=jean), 404)


async def test_bad_staff_bodies_are_400_with_the_fields(api: Api, church: Church) -> None:
    good = {"site": church.cab, "date": "2026-01-25", "start_time": "09:30", "service_type": "culte_dominical"}
    for change, field in (({"date": "25/01/2026"}, "date"), ({"date": "9999-12-31"}, "date"),
                          ({"start_time": "25:00"}, "start_time"), ({"service_type": "messe"}, "service_type"),
                          ({"theme": "x" * 201}, "theme"), ({"site": 2**63}, "site")):
        assert_error(await api.client.post(f"{STAFF}/services/", headers=church.pastor, json=good | change), 400,
                     field)
    assert_error(await api.client.post(f"{STAFF}/services/", headers=church.pastor, json=good | {"site": 999}),
                 400, "site")
    created = await service(api, church)
    for body, field in (({"role": 999, "member": church.members["jean"]}, "role"),
                        ({"role": 1, "member": 999}, "member"),
                        ({"role": 1, "member": church.members["jean"], "status": "peut-etre"}, "status")):
        assert_error(await api.client.post(f"{STAFF}/services/{created['id']}/assignments/", headers=church.pastor,
                                           json=body), 400, field)
    assert_error(await api.client.post(f"{STAFF}/roles/", headers=church.pastor, json={"code": "a b", "name": "X"}),
                 400, "code")
    assert_error(await api.client.get(f"{BASE}/services/", headers=church.headers["jean"],
                                      params={"page_size": 101}), 400)
    assert_error(await api.client.get(f"{BASE}/services/{2**64}/", headers=church.headers["jean"]), 404)


async def test_anonymous_callers_are_refused(api: Api) -> None:
    for path in ("/services/", "/services/1/", "/services/my_assignments/", "/services/history/", "/feeds/"):
        assert_error(await api.client.get(BASE + path), 401)
    assert_error(await api.client.post(f"{BASE}/confirm/", json={"assignment_id": 1, "action": "confirm"}), 401)
    assert_error(await api.client.post(f"{BASE}/replacements/1/accept/"), 401)
    assert_error(await api.client.post(f"{STAFF}/roles/", json={"code": "x", "name": "X"}), 401)
    assert_error(await api.client.get(f"{STAFF}/roles/"), 401)


async def test_the_ics_feed_lists_ones_assignments_at_a_secret_url(api: Api, church: Church) -> None:
    created = await service(api, church)
    role_id = await role(api, church)
    await assign(api, church, created["id"], role_id, "jean")
    feed = await api.client.get(f"{BASE}/feeds/", headers=church.headers["jean"])
    assert feed.status_code == 200, feed.text
    url = feed.json()["data"]["url"]
    assert "/eebc/api/v1/worship/feeds/" in url and url.endswith(".ics")
    path = url[url.index("/eebc/"):]
    ics = await api.client.get(path)
    assert ics.status_code == 200, ics.text
    assert ics.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(ics.content)
    (event,) = calendar.walk("VEVENT")
    assert "Choriste" in str(event["summary"]) and str(event["location"]) == "Cabassou"
    assert event.decoded("dtstart").isoformat() == "2026-01-25T12:30:00+00:00"
    fresh = await api.client.post(f"{BASE}/feeds/regenerate/", headers=church.headers["jean"])
    assert fresh.json()["data"]["url"] != url
    assert_error(await api.client.get(path), 404)
    assert_error(await api.client.get(f"{BASE}/feeds/not-a-token.ics"), 404)
    assert_error(await api.client.get(f"{BASE}/feeds/", headers=church.pastor), 403)  # no member behind it


async def test_the_reminder_cron_tells_each_assignee_once_by_push_and_email(api: Api, church: Church) -> None:
    from application.worship.reminders import SendReminders

    soon = await service(api, church, date="2026-01-16", start="18:00")  # in 30 h
    later = await service(api, church, date="2026-01-25")
    role_id = await role(api, church)
    await assign(api, church, soon["id"], role_id, "jean")
    await assign(api, church, later["id"], role_id, "marie")
    async with api.container() as request:
        assert await (await request.get(SendReminders))() == 1
    async with api.container() as request:
        assert await (await request.get(SendReminders))() == 0
    await api.run_jobs()
    reminders = [p for p in queued_notifications(api) if p["kind"] == "WORSHIP_REMINDER"]
    assert [p["user_ids"] for p in reminders] == [[church.users["jean"].id]]
    async with api.container() as request:  # the notify job, as the worker runs it: an email and a push
        await (await request.get(NotifyUsers))(reminders[0])
    email = await api.last_email_to("jean@example.com")
    assert email is not None and "Choriste" in email.text and "vendredi 16/01/2026 à 18h00" in email.text
