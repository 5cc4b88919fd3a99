"""Mairie /api/v1/events/ (spec 4) on PostgreSQL: the agenda's list (series expanded, occurrence ids), create,
detail, edit one occurrence or the series, delete, answers, the calendar; bad input, anonymous, citizens, another
town."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.http.conftest import Api
from tests.http.mairie.helpers import API, account, bearer, error, mayor, user_in_db

BASE = f"{API}/events/"
RANGE = {"start_date": "2026-01-05", "end_date": "2026-01-18"}


@dataclass
class Someone:
    id: int
    headers: dict[str, str]


async def someone(api: Api, email: str, *, code: str = "75001", role: str | None = None,
                  token: str | None = None) -> Someone:
    if role == "mayor":
        body = await mayor(api, email, code=code)
    else:
        body = await account(api, email, code=code, role=role or "citizen", token=token)
    user = await user_in_db(api, email)
    assert user is not None and user.id is not None
    return Someone(user.id, bearer(body["access_token"]))


@dataclass
class Town:
    maire: Someone
    jean: Someone
    marie: Someone
    other_mayor: Someone


async def town(api: Api) -> Town:
    maire = await someone(api, "maire@paris1.fr", role="mayor")
    return Town(maire, await someone(api, "jean@paris1.fr"), await someone(api, "marie@paris1.fr"),
                await someone(api, "maire@lyon.fr", code="69001", role="mayor"))


def body(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": "Réunion de cabinet", "description": "Hebdomadaire", "category": "reunion", "priority": "high",
        "color": "green", "start_datetime": "2026-01-05T09:00:00Z", "end_datetime": "2026-01-05T10:30:00Z",
        "location": {"name": "Mairie", "address": "1 Place de la Mairie"}, "reminders": [30, 1440],
        "notes": "Ordre du jour", "is_public": True}
    base.update(changes)
    return base


async def create(api: Api, who: Someone, **changes: Any) -> str:
    created = await api.client.post(BASE, json=body(**changes), headers=who.headers)
    assert created.status_code == 201, created.text
    answer: dict[str, Any] = created.json()
    assert set(answer) == {"id", "title", "start_datetime", "created_at", "message"}
    return str(answer["id"])


async def listing(api: Api, who: Someone, **params: str) -> list[dict[str, Any]]:
    found = await api.client.get(BASE, params={**RANGE, **params}, headers=who.headers)
    assert found.status_code == 200, found.text
    results: list[dict[str, Any]] = found.json()["results"]
    assert found.json()["count"] == len(results)
    return results


async def test_a_weekly_series_lists_one_entry_per_occurrence(api: Api) -> None:
    t = await town(api)
    series = await create(api, t.maire, is_recurring=True, recurring_pattern="weekly",
                          attendees_ids=[t.jean.id])
    results = await listing(api, t.jean)
    assert [r["id"] for r in results] == [f"{series}_20260105T0900", f"{series}_20260112T0900"]
    first = results[0]
    assert first["series_id"] == series and first["is_recurring"] and first["recurring_pattern"] == "weekly"
    assert first["rrule"] == "FREQ=WEEKLY" and first["start_datetime"] == "2026-01-05T09:00:00Z"
    assert first["attendees"] == [{"id": t.jean.id, "name": "Jean Dupont", "role": "Citoyen", "status": "pending"}]
    assert first["created_by"] == {"id": t.maire.id, "name": "Jean Dupont"}
    assert first["location"] == {"name": "Mairie", "address": "1 Place de la Mairie"}
    assert first["reminders"] == [30, 1440]


async def test_an_occurrence_is_read_changed_and_cancelled_by_its_id(api: Api) -> None:
    t = await town(api)
    series = await create(api, t.maire, is_recurring=True, rrule="FREQ=WEEKLY;BYDAY=MO,WE")
    wednesday = f"{series}_20260107T0900"
    got = await api.client.get(f"{BASE}{wednesday}/", headers=t.jean.headers)
    assert got.status_code == 200 and got.json()["start_datetime"] == "2026-01-07T09:00:00Z", got.text
    changed = await api.client.put(f"{BASE}{wednesday}/", json={
        "title": "Déplacée", "start_datetime": "2026-01-07T14:00:00Z", "end_datetime": "2026-01-07T15:00:00Z"},
        headers=t.maire.headers)
    assert changed.status_code == 200, changed.text
    assert set(changed.json()) == {"id", "updated_at", "message"} and changed.json()["id"] == wednesday
    monday = f"{series}_20260105T0900"
    assert (await api.client.delete(f"{BASE}{monday}/", headers=t.maire.headers)).status_code == 204
    week = await listing(api, t.jean, end_date="2026-01-11")
    assert [(r["id"], r["title"], r["start_datetime"]) for r in week] == [
        (wednesday, "Déplacée", "2026-01-07T14:00:00Z")]
    error(await api.client.get(f"{BASE}{monday}/", headers=t.jean.headers), 404, "NOT_FOUND")
    error(await api.client.get(f"{BASE}{series}_20260106T0900/", headers=t.jean.headers), 404, "NOT_FOUND")
    series_only = await api.client.put(f"{BASE}{wednesday}/", json={"category": "conseil"}, headers=t.maire.headers)
    assert "category" in error(series_only, 422, "VALIDATION_ERROR")["details"]
    whole = await api.client.put(f"{BASE}{wednesday}/", params={"edit_series": "true"},
                                 json={"category": "conseil"}, headers=t.maire.headers)
    assert whole.status_code == 200, whole.text
    assert {r["category"] for r in await listing(api, t.jean)} == {"conseil"}
    gone = await api.client.delete(f"{BASE}{wednesday}/", params={"delete_series": "true"}, headers=t.maire.headers)
    assert gone.status_code == 204
    assert await listing(api, t.jean) == []


async def test_filters_search_and_bad_queries(api: Api) -> None:
    t = await town(api)
    await create(api, t.maire, title="Conseil municipal", category="conseil", priority="urgent")
    await create(api, t.maire)
    assert [r["title"] for r in await listing(api, t.jean, category="conseil")] == ["Conseil municipal"]
    assert [r["title"] for r in await listing(api, t.jean, priority="urgent")] == ["Conseil municipal"]
    assert [r["title"] for r in await listing(api, t.jean, search="cabinet")] == ["Réunion de cabinet"]
    for params in ({"category": "fete"}, {"start_date": "demain"}, {"start_date": "2026-01-01",
                                                                    "end_date": "2027-06-01"},
                   {"start_date": "9999-12-31"}, {"search": "x" * 201}, {"end_date": "2025-01-01"}):
        answer = await api.client.get(BASE, params={**RANGE, **params}, headers=t.jean.headers)
        assert answer.status_code in (400, 422), (params, answer.text)


async def test_bad_bodies_are_refused_by_field(api: Api) -> None:
    t = await town(api)
    for changes, field in (({"title": ""}, "title"), ({"end_datetime": "2026-01-05T08:00:00Z"}, "end_datetime"),
                           ({"is_recurring": True, "rrule": "FREQ=MINUTELY"}, "rrule"),
                           ({"is_recurring": True}, "recurring_pattern"),
                           ({"recurring_pattern": "weekly"}, "is_recurring"),
                           ({"attendees_ids": [t.other_mayor.id]}, "attendees_ids"),
                           ({"reminders": [99999999]}, "reminders")):
        answer = await api.client.post(BASE, json=body(**changes), headers=t.maire.headers)
        found = error(answer, 422, "VALIDATION_ERROR")
        assert field in found["details"], (changes, found)
    for changes in ({"start_datetime": "2026-01-05T09:00:00"}, {"category": "fete"}, {"attendees_ids": [2**63]}):
        error(await api.client.post(BASE, json=body(**changes), headers=t.maire.headers), 422, "VALIDATION_ERROR")


async def test_who_may_do_what(api: Api) -> None:
    t = await town(api)
    event = await create(api, t.maire)
    error(await api.client.get(BASE), 401, "UNAUTHORIZED")
    error(await api.client.post(BASE, json=body()), 401, "UNAUTHORIZED")
    error(await api.client.post(BASE, json=body(), headers=t.jean.headers), 403, "FORBIDDEN")
    error(await api.client.put(f"{BASE}{event}/", json={"title": "x"}, headers=t.jean.headers), 403,
          "FORBIDDEN")
    error(await api.client.delete(f"{BASE}{event}/", headers=t.jean.headers), 403, "FORBIDDEN")
    for call in (api.client.get(f"{BASE}{event}/", headers=t.other_mayor.headers),
                 api.client.put(f"{BASE}{event}/", json={"title": "x"}, headers=t.other_mayor.headers),
                 api.client.delete(f"{BASE}{event}/", headers=t.other_mayor.headers),
                 api.client.post(f"{BASE}{event}/respond/", json={"status": "confirmed"},
                                 headers=t.other_mayor.headers),
                 api.client.get(f"{BASE}evt_abc/", headers=t.maire.headers),
                 api.client.get(f"{BASE}evt_1_20261399T0900/", headers=t.maire.headers)):
        error(await call, 404, "NOT_FOUND")
    assert await listing(api, t.other_mayor) == []


async def test_private_events_and_answers(api: Api) -> None:
    t = await town(api)
    event = await create(api, t.maire, is_public=False, attendees_ids=[t.jean.id])
    assert await listing(api, t.marie) == []
    error(await api.client.get(f"{BASE}{event}/", headers=t.marie.headers), 404, "NOT_FOUND")
    answered = await api.client.post(f"{BASE}{event}/respond/", json={"status": "tentative"}, headers=t.jean.headers)
    assert answered.status_code == 200, answered.text
    assert answered.json() == {"message": "Réponse enregistrée", "status": "tentative"}
    detail = (await api.client.get(f"{BASE}{event}/", headers=t.jean.headers)).json()
    assert detail["attendees"][0]["status"] == "tentative"
    error(await api.client.post(f"{BASE}{event}/respond/", json={"status": "pending"}, headers=t.jean.headers),
          422, "VALIDATION_ERROR")
    public = await create(api, t.maire)
    error(await api.client.post(f"{BASE}{public}/respond/", json={"status": "confirmed"}, headers=t.marie.headers),
          403, "FORBIDDEN")


async def test_the_calendar_week_and_month(api: Api) -> None:
    t = await town(api)
    series = await create(api, t.maire, is_recurring=True, rrule="FREQ=WEEKLY;BYDAY=MO,WE")
    week = await api.client.get(f"{BASE}calendar/", params={"view": "week", "date": "2026-01-08"},
                                headers=t.jean.headers)
    assert week.status_code == 200, week.text
    shown = week.json()
    assert (shown["view"], shown["start_date"], shown["end_date"]) == ("week", "2026-01-05", "2026-01-11")
    assert [d["day_name"] for d in shown["days"]][:3] == ["Lundi", "Mardi", "Mercredi"]
    assert shown["days"][0]["events"] == [{"id": f"{series}_20260105T0900", "title": "Réunion de cabinet",
                                           "start_time": "09:00", "end_time": "10:30", "category": "reunion",
                                           "color": "green"}]
    month = (await api.client.get(f"{BASE}calendar/", params={"view": "month", "date": "2026-02-10"},
                                  headers=t.jean.headers)).json()
    assert (month["start_date"], month["end_date"], len(month["days"])) == ("2026-02-01", "2026-02-28", 28)
    for params in ({"view": "year"}, {"date": "2026-02-30"}, {"date": "9999-12-31"}):
        answer = await api.client.get(f"{BASE}calendar/", params=params, headers=t.jean.headers)
        assert answer.status_code in (400, 422), (params, answer.text)
    error(await api.client.get(f"{BASE}calendar/"), 401, "UNAUTHORIZED")
