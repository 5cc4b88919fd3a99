"""EEBC events on the wire: the members' list, detail and registrations (capacity, waiting list, promotion with
a push), the staff API (create, change, cancel with a push, delete, registrations), bad input, and who may."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from application.church_events.services import TellCancelled
from application.church_events.topics import TELL_CANCELLED
from tests.http.conftest import Api
from tests.http.eebc.church_event_helpers import (
    EVENTS,
    STAFF,
    add_site,
    create_event,
    headers_of,
    in_days,
    notify_messages,
    user_id,
)
from tests.http.eebc.conftest import assert_error
from tests.payments_support import job_handler

H = dict[str, str]


@pytest.fixture
async def church(api: Api) -> dict[str, Any]:
    """Two sites, an admin, a secretariat of each site, and a member."""
    cab, mac = await add_site(api, "CAB", "Cabassou"), await add_site(api, "MAC", "Macouria")
    return {
        "cab": cab, "mac": mac,
        "admin": await headers_of(api, "admin1", "admin", "CAB"),
        "sec_cab": await headers_of(api, "sec.cab", "secretariat", "CAB"),
        "sec_mac": await headers_of(api, "sec.mac", "secretariat", "MAC"),
        "member": await headers_of(api, "marie", "membre", "CAB"),
    }


async def test_the_list_shows_upcoming_events_with_their_site_and_the_callers_registration(
        api: Api, church: dict[str, Any]) -> None:
    event = await create_event(api, church["admin"], church["cab"], capacity=30)
    await create_event(api, church["admin"], church["mac"], title="Camp de jeunes", start_date=in_days(10))
    await create_event(api, church["admin"], church["cab"], title="Passé", start_date=in_days(-3))
    registered = await api.client.post(f"{EVENTS}{event['id']}/register/", headers=church["member"],
                                       json={"notes": "Je viendrai avec 2 personnes"})
    assert registered.status_code == 201, registered.text
    body = registered.json()
    assert body["success"] is True and body["message"] == "Inscription réussie"
    assert body["data"]["event"] == event["id"] and body["data"]["notes"] == "Je viendrai avec 2 personnes"
    assert body["data"]["user"] == await user_id(api, church["member"])
    assert body["data"]["registered_at"].endswith("Z") and body["data"]["status"] == "registered"

    listed = await api.client.get(EVENTS, headers=church["member"])
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert page["count"] == 2 and page["next"] is None and page["previous"] is None
    first = page["results"][0]
    assert set(first) >= {"id", "title", "description", "start_date", "start_time", "end_date", "end_time",
                          "location", "all_day", "is_cancelled", "color", "site", "is_user_registered",
                          "current_participants"}
    assert first["id"] == event["id"] and first["start_time"] == "09:30:00" and first["color"] == "#0d6efd"
    assert first["site"] == {"id": church["cab"], "code": "CAB", "name": "Cabassou"}
    assert first["is_user_registered"] is True and first["current_participants"] == 1
    assert page["results"][1]["site"]["code"] == "MAC" and page["results"][1]["is_user_registered"] is False

    by_site = (await api.client.get(EVENTS, params={"site": church["mac"]}, headers=church["member"])).json()
    assert [e["title"] for e in by_site["results"]] == ["Camp de jeunes"]
    searched = (await api.client.get(EVENTS, params={"search": "camp"}, headers=church["member"])).json()
    assert [e["title"] for e in searched["results"]] == ["Camp de jeunes"]
    literal = (await api.client.get(EVENTS, params={"search": "c%p"}, headers=church["member"])).json()
    assert literal["count"] == 0 and literal["results"] == []
    dated = (await api.client.get(EVENTS, params={"start_date": in_days(-5), "end_date": in_days(-1)},
                                  headers=church["member"])).json()
    assert [e["title"] for e in dated["results"]] == ["Passé"]

    detail = await api.client.get(f"{EVENTS}{event['id']}/", headers=church["admin"])
    assert detail.status_code == 200 and detail.json()["is_user_registered"] is False
    mine = (await api.client.get(f"{EVENTS}my_registrations/", headers=church["member"])).json()
    assert [e["id"] for e in mine["results"]] == [event["id"]]
    assert mine["results"][0]["registration_status"] == "registered"


async def test_the_list_pages_by_twenty(api: Api, church: dict[str, Any]) -> None:
    for n in range(21):
        await create_event(api, church["admin"], church["cab"], title=f"Réunion {n}", start_date=in_days(n + 1))
    first = (await api.client.get(EVENTS, headers=church["member"])).json()
    assert first["count"] == 21 and len(first["results"]) == 20 and first["previous"] is None
    assert first["next"].endswith("/eebc/api/v1/events/?page=2")
    second = (await api.client.get(first["next"], headers=church["member"])).json()
    assert [e["title"] for e in second["results"]] == ["Réunion 20"] and second["next"] is None
    assert second["previous"].endswith("page=1")


async def test_a_full_event_puts_people_on_the_waiting_list_and_a_freed_place_promotes_the_first(
        api: Api, church: dict[str, Any]) -> None:
    event = await create_event(api, church["sec_cab"], church["cab"], capacity=1)
    url = f"{EVENTS}{event['id']}/register/"
    first, second, third = [await headers_of(api, name) for name in ("paul", "pierre", "priscille")]
    assert (await api.client.post(url, headers=first)).json()["data"]["status"] == "registered"
    waiting = await api.client.post(url, headers=second)
    assert waiting.status_code == 201, waiting.text
    assert waiting.json()["message"] == "Ajouté à la liste d'attente"
    assert waiting.json()["data"]["status"] == "waiting" and waiting.json()["data"]["waiting_position"] == 1
    assert (await api.client.post(url, headers=third)).json()["data"]["waiting_position"] == 2
    again = await api.client.post(url, headers=second)
    assert_error(again, 409)

    assert (await api.client.delete(url, headers=first)).status_code == 200
    promoted_id = await user_id(api, second)
    pushes = await notify_messages(api, "CHURCH_EVENT_PROMOTED")
    assert [p["user_ids"] for p in pushes] == [[promoted_id]]
    assert pushes[0]["data"]["title"] == "Culte dominical"
    card = (await api.client.get(f"{EVENTS}{event['id']}/", headers=second)).json()
    assert card["is_user_registered"] is True and card["current_participants"] == 1

    staff = await api.client.get(f"{STAFF}{event['id']}/registrations/", headers=church["sec_cab"])
    assert staff.status_code == 200, staff.text
    data = staff.json()["data"]
    assert data["registered_count"] == 1 and data["waiting_count"] == 1
    assert [r["username"] for r in data["registrations"]] == ["pierre"]
    assert data["registrations"][0]["promoted_at"] is not None
    assert [(r["username"], r["waiting_position"]) for r in data["waiting_list"]] == [("priscille", 1)]

    assert_error(await api.client.delete(url, headers=first), 404)  # no longer registered
    # A larger capacity lets the waiting in.
    grown = await api.client.put(f"{STAFF}{event['id']}/", json={"capacity": 2}, headers=church["sec_cab"])
    assert grown.status_code == 200 and grown.json()["data"]["current_participants"] == 2


async def test_fifty_concurrent_registrations_on_ten_places_give_ten_registered_and_forty_waiting(
        api: Api, church: dict[str, Any]) -> None:
    event = await create_event(api, church["admin"], church["cab"], capacity=10)
    people = [await headers_of(api, f"fidele{n}") for n in range(50)]
    url = f"{EVENTS}{event['id']}/register/"
    answers = await asyncio.gather(*(api.client.post(url, headers=h) for h in people))
    assert all(a.status_code == 201 for a in answers), [a.text for a in answers if a.status_code != 201]
    statuses = [a.json()["data"]["status"] for a in answers]
    assert statuses.count("registered") == 10 and statuses.count("waiting") == 40
    positions = sorted(a.json()["data"]["waiting_position"] for a in answers
                       if a.json()["data"]["status"] == "waiting")
    assert positions == list(range(1, 41))
    data = (await api.client.get(f"{STAFF}{event['id']}/registrations/", headers=church["admin"])).json()["data"]
    assert data["registered_count"] == 10 and data["waiting_count"] == 40


async def test_cancelling_an_event_tells_the_registered_by_push_and_refuses_registrations(
        api: Api, church: dict[str, Any]) -> None:
    api.jobs.handlers[TELL_CANCELLED] = job_handler(api.container, TellCancelled)
    event = await create_event(api, church["admin"], church["cab"], capacity=1)
    url = f"{EVENTS}{event['id']}/register/"
    someone = await headers_of(api, "paul")
    await api.client.post(url, headers=church["member"])
    await api.client.post(url, headers=someone)  # waiting: not told
    cancelled = await api.client.put(f"{STAFF}{event['id']}/", json={"is_cancelled": True}, headers=church["admin"])
    assert cancelled.status_code == 200 and cancelled.json()["data"]["is_cancelled"] is True
    await api.run_jobs()
    pushes = await notify_messages(api, "CHURCH_EVENT_CANCELLED")
    assert [p["user_ids"] for p in pushes] == [[await user_id(api, church["member"])]]
    assert_error(await api.client.post(url, headers=await headers_of(api, "pierre")), 409)
    listed = (await api.client.get(EVENTS, headers=church["member"])).json()
    assert listed["results"][0]["is_cancelled"] is True  # still shown, flagged


async def test_registering_to_a_past_or_missing_event(api: Api, church: dict[str, Any]) -> None:
    past = await create_event(api, church["admin"], church["cab"], start_date=in_days(-2))
    assert_error(await api.client.post(f"{EVENTS}{past['id']}/register/", headers=church["member"]), 409)
    assert_error(await api.client.post(f"{EVENTS}999999/register/", headers=church["member"]), 404)
    assert_error(await api.client.get(f"{EVENTS}999999/", headers=church["member"]), 404)
    assert_error(await api.client.delete(f"{EVENTS}999999/register/", headers=church["member"]), 404)


async def test_bad_input_is_a_400(api: Api, church: dict[str, Any]) -> None:
    event = await create_event(api, church["admin"], church["cab"])
    member, admin = church["member"], church["admin"]
    for params in ({"page": 0}, {"page": "x"}, {"site": 0}, {"site": 2**63}, {"start_date": "2026-13-01"},
                   {"search": "x" * 101}, {"start_date": in_days(5), "end_date": in_days(1)}):
        assert_error(await api.client.get(EVENTS, params=params, headers=member), 400)
    assert_error(await api.client.post(f"{EVENTS}{event['id']}/register/", json={"notes": "x" * 1001},
                                       headers=member), 400)
    assert_error(await api.client.post(f"{EVENTS}{event['id']}/register/", json={"notes": 3}, headers=member),
                 400)
    assert (await api.client.get(f"{EVENTS}{2**63}/", headers=member)).status_code in {400, 404}
    assert_error(await api.client.post(STAFF, json={}, headers=admin), 400, "title", "start_date", "site")
    for bad in ({"color": "bleu"}, {"capacity": 0}, {"capacity": -1}, {"title": "x" * 201},
                {"end_date": in_days(1), "start_date": in_days(3)}, {"site": 999999}, {"start_time": "25:00"},
                {"unknown": 1}):
        body = {"title": "T", "start_date": in_days(3), "site": church["cab"], **bad}
        assert_error(await api.client.post(STAFF, json=body, headers=admin), 400)
    assert_error(await api.client.put(f"{STAFF}{event['id']}/", json={"title": " "}, headers=admin), 400, "title")
    assert_error(await api.client.put(f"{STAFF}{event['id']}/", json={"end_date": in_days(-30)}, headers=admin),
                 400, "end_date")


async def test_who_may(api: Api, church: dict[str, Any]) -> None:
    event = await create_event(api, church["admin"], church["cab"])
    eid = event["id"]
    for method, path in (("GET", EVENTS), ("GET", f"{EVENTS}{eid}/"), ("GET", f"{EVENTS}my_registrations/"),
                         ("POST", f"{EVENTS}{eid}/register/"), ("DELETE", f"{EVENTS}{eid}/register/"),
                         ("POST", STAFF), ("PUT", f"{STAFF}{eid}/"), ("DELETE", f"{STAFF}{eid}/"),
                         ("GET", f"{STAFF}{eid}/registrations/")):
        assert_error(await api.client.request(method, path), 401)
    member = church["member"]
    body = {"title": "T", "start_date": in_days(3), "site": church["cab"]}
    assert_error(await api.client.post(STAFF, json=body, headers=member), 403)
    assert_error(await api.client.put(f"{STAFF}{eid}/", json={"title": "X"}, headers=member), 403)
    assert_error(await api.client.delete(f"{STAFF}{eid}/", headers=member), 403)
    assert_error(await api.client.get(f"{STAFF}{eid}/registrations/", headers=member), 403)
    for role in ("diacre", "moniteur", "finance", "chauffeur"):
        other = await headers_of(api, f"r.{role}", role)
        assert_error(await api.client.post(STAFF, json=body, headers=other), 403)
    # Another site's staff: cannot create there, and the event is not found for them.
    sec_mac = church["sec_mac"]
    assert_error(await api.client.post(STAFF, json=body, headers=sec_mac), 403)
    assert_error(await api.client.put(f"{STAFF}{eid}/", json={"title": "X"}, headers=sec_mac), 404)
    assert_error(await api.client.get(f"{STAFF}{eid}/registrations/", headers=sec_mac), 404)
    assert_error(await api.client.delete(f"{STAFF}{eid}/", headers=sec_mac), 404)
    # ... and cannot move their own site's event to another site.
    theirs = await create_event(api, sec_mac, church["mac"])
    assert_error(await api.client.put(f"{STAFF}{theirs['id']}/", json={"site": church["cab"]}, headers=sec_mac),
                 403)
    # Every account reads every site's events; pasteur and ancien manage (pasteur everywhere, ancien at home).
    assert (await api.client.get(f"{EVENTS}{eid}/", headers=sec_mac)).status_code == 200
    pasteur = await headers_of(api, "pasteur1", "pasteur", "MAC")
    changed = await api.client.put(f"{STAFF}{eid}/", json={"title": "Culte de Noël"}, headers=pasteur)
    assert changed.status_code == 200 and changed.json()["data"]["title"] == "Culte de Noël"
    ancien = await headers_of(api, "ancien1", "ancien", "CAB")
    assert (await api.client.get(f"{STAFF}{eid}/registrations/", headers=ancien)).status_code == 200


async def test_deleting_an_event(api: Api, church: dict[str, Any]) -> None:
    empty = await create_event(api, church["sec_cab"], church["cab"])
    deleted = await api.client.delete(f"{STAFF}{empty['id']}/", headers=church["sec_cab"])
    assert deleted.status_code == 200 and deleted.json()["success"] is True
    assert_error(await api.client.get(f"{EVENTS}{empty['id']}/", headers=church["member"]), 404)
    taken = await create_event(api, church["sec_cab"], church["cab"])
    await api.client.post(f"{EVENTS}{taken['id']}/register/", headers=church["member"])
    assert_error(await api.client.delete(f"{STAFF}{taken['id']}/", headers=church["sec_cab"]), 409)
