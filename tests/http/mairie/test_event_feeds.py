"""Mairie /api/v1/events/feeds/ on PostgreSQL: the town's and the caller's ICS feeds at secret URLs (what a
calendar app reads back equals the agenda's list), regeneration, who sees private events, another town; and the
reminder cron (once per reminder, through notifications)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import icalendar
import pytest
import recurring_ical_events
from dishka import Provider

from adapters.memory.store import FrozenClock
from application.agenda.reminders import SendReminders
from tests.http.conftest import Api, frozen
from tests.http.mairie.helpers import error
from tests.http.mairie.test_events import BASE, Someone, Town, create, town
from tests.http.notification_helpers import queued_notifications

FEEDS = f"{BASE}feeds/"
NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def extra_providers(clock: FrozenClock) -> list[Provider]:
    clock.current = NOW
    return [frozen(clock)]


async def urls(api: Api, who: Someone) -> dict[str, str]:
    answer = await api.client.get(FEEDS, headers=who.headers)
    assert answer.status_code == 200, answer.text
    found: dict[str, str] = answer.json()
    assert set(found) == {"public_url", "personal_url"}
    return found


async def ics(api: Api, url: str) -> icalendar.Calendar:
    answer = await api.client.get(url[url.index("/mairie/"):])
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(answer.content)


def summaries(calendar: icalendar.Calendar) -> set[str]:
    return {str(component["summary"]) for component in calendar.walk("VEVENT")}


async def agenda(api: Api, t: Town) -> dict[str, str]:
    return {
        "series": await create(api, t.maire, title="Permanence", start_datetime="2026-01-06T14:00:00Z",
                               end_datetime="2026-01-06T16:00:00Z", is_recurring=True,
                               rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=10"),
        "private": await create(api, t.maire, title="Bureau municipal", is_public=False,
                                start_datetime="2026-01-20T08:00:00Z", end_datetime="2026-01-20T09:00:00Z",
                                attendees_ids=[t.jean.id]),
        "holiday": await create(api, t.maire, title="Fête de la commune", all_day=True,
                                start_datetime="2026-02-01T00:00:00Z", end_datetime="2026-02-02T00:00:00Z"),
        "elsewhere": await create(api, t.other_mayor, title="Conseil de Lyon",
                                  start_datetime="2026-01-21T18:00:00Z", end_datetime="2026-01-21T20:00:00Z"),
    }


async def test_the_feeds_read_back_as_the_agenda_lists_them(api: Api) -> None:
    t = await town(api)
    made = await agenda(api, t)
    moved = await api.client.put(f"{BASE}{made['series']}_20260113T1400/", headers=t.maire.headers,
                                 json={"start_datetime": "2026-01-14T15:00:00Z",
                                       "end_datetime": "2026-01-14T17:00:00Z", "title": "Permanence (mercredi)"})
    assert moved.status_code == 200, moved.text
    gone = await api.client.delete(f"{BASE}{made['series']}_20260120T1400/", headers=t.maire.headers)
    assert gone.status_code == 204, gone.text

    jean = await urls(api, t.jean)
    public, personal = await ics(api, jean["public_url"]), await ics(api, jean["personal_url"])
    assert summaries(public) == {"Permanence", "Permanence (mercredi)", "Fête de la commune"}
    assert summaries(personal) == summaries(public) | {"Bureau municipal"}  # jean is invited
    assert "Bureau municipal" not in summaries(await ics(api, (await urls(api, t.marie))["personal_url"]))
    assert "Conseil de Lyon" not in summaries(personal)

    # A calendar app expanding the feed finds what the agenda lists for the same range.
    listed = await api.client.get(BASE, params={"start_date": "2026-01-01", "end_date": "2026-03-31"},
                                  headers=t.jean.headers)
    expected = sorted((r["start_datetime"].replace("Z", "+00:00"), r["title"]) for r in listed.json()["results"])
    expanded = recurring_ical_events.of(personal).between(date(2026, 1, 1), date(2026, 4, 1))
    found = sorted((_iso(e.decoded("dtstart")), str(e["summary"])) for e in expanded)
    assert found == expected
    (holiday,) = [e for e in personal.walk("VEVENT") if str(e["summary"]) == "Fête de la commune"]
    assert holiday.decoded("dtstart") == date(2026, 2, 1) and holiday.decoded("dtend") == date(2026, 2, 2)
    (series,) = [e for e in personal.walk("VEVENT") if "RRULE" in e]
    assert [a.decoded("trigger").total_seconds() for a in series.walk("VALARM")] == [-1800, -86400]


def _iso(moment: Any) -> str:
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).isoformat()
    return datetime.combine(moment, datetime.min.time(), UTC).isoformat()


async def test_regenerating_retires_the_old_url(api: Api) -> None:
    t = await town(api)
    before = await urls(api, t.jean)
    assert await urls(api, t.jean) == before  # shown again, the same
    fresh = await api.client.post(f"{FEEDS}regenerate/", headers=t.jean.headers)
    assert fresh.status_code == 200, fresh.text
    after = fresh.json()
    assert after["personal_url"] != before["personal_url"] and after["public_url"] == before["public_url"]
    old = before["personal_url"]
    error(await api.client.get(old[old.index("/mairie/"):]), 404, "NOT_FOUND")
    await ics(api, after["personal_url"])
    # The town's URL: only the mayor and admins make a new one.
    refused = await api.client.post(f"{FEEDS}regenerate/", headers=t.jean.headers, json={"feed": "public"})
    error(refused, 403, "FORBIDDEN")
    renewed = await api.client.post(f"{FEEDS}regenerate/", headers=t.maire.headers, json={"feed": "public"})
    assert renewed.status_code == 200 and renewed.json()["public_url"] != before["public_url"]
    public = before["public_url"]
    error(await api.client.get(public[public.index("/mairie/"):]), 404, "NOT_FOUND")
    assert (await urls(api, t.jean))["public_url"] == renewed.json()["public_url"]


async def test_feeds_refuse_the_anonymous_and_unknown_tokens(api: Api) -> None:
    error(await api.client.get(FEEDS), 401, "UNAUTHORIZED")
    error(await api.client.post(f"{FEEDS}regenerate/"), 401, "UNAUTHORIZED")
    for name in ("nope.ics", "x" * 40 + ".ics", "%00%ff.ics", "a" * 119, "feeds.txt", "..%2F..%2Fetc.ics"):
        error(await api.client.get(f"{FEEDS}{name}"), 404, "NOT_FOUND")
    t = await town(api)
    bad = await api.client.post(f"{FEEDS}regenerate/", headers=t.jean.headers, json={"feed": "everyone"})
    assert bad.status_code in (400, 422), bad.text


async def test_the_other_towns_feed_never_shows_this_towns_events(api: Api) -> None:
    t = await town(api)
    await agenda(api, t)
    lyon = await urls(api, t.other_mayor)
    assert summaries(await ics(api, lyon["public_url"])) == {"Conseil de Lyon"}
    assert summaries(await ics(api, lyon["personal_url"])) == {"Conseil de Lyon"}
    assert lyon["public_url"] != (await urls(api, t.jean))["public_url"]


async def test_reminders_go_once_to_the_organiser_and_the_attendees_who_did_not_decline(
        api: Api, clock: FrozenClock) -> None:
    t = await town(api)
    event = await create(api, t.maire, title="Commission travaux", start_datetime="2026-01-15T10:00:00Z",
                         end_datetime="2026-01-15T11:00:00Z", reminders=[30, 90], is_public=False,
                         attendees_ids=[t.jean.id, t.marie.id])
    declined = await api.client.post(f"{BASE}{event}/respond/", headers=t.marie.headers, json={"status": "declined"})
    assert declined.status_code == 200, declined.text

    async def run() -> int:
        async with api.container() as request:
            sent: int = await (await request.get(SendReminders))()
            return sent

    assert await run() == 1  # 09:00: the 90-minute reminder is due (at 08:30), the 30-minute one is not
    assert await run() == 0
    clock.advance(minutes=29)
    assert await run() == 0
    clock.advance(minutes=1)  # 09:30
    assert await run() == 1
    clock.advance(minutes=31)  # started: nothing more
    assert await run() == 0
    await api.run_jobs()
    reminders = [p for p in queued_notifications(api) if p["kind"] == "AGENDA_REMINDER"]
    assert [sorted(p["user_ids"]) for p in reminders] == [sorted([t.maire.id, t.jean.id])] * 2
    assert reminders[0]["data"]["title"] == "Commission travaux" and reminders[0]["realm"] == "mairie"
    assert "15/01/2026 à 11h00" in reminders[0]["data"]["when"]  # Paris time
