"""The agenda's reminder cron on memory adapters: never early, exactly once, caught up after downtime but never
for an occurrence that has started; declined attendees, cancelled and moved occurrences; and feeds' tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.memory.store import MemoryOutbox
from application.agenda import services as s
from application.agenda.feeds import AgendaFeeds, ReadFeed
from application.agenda.ports import FeedKind
from application.agenda.reminders import SendReminders
from application.notifications.topics import NOTIFY
from domain.agenda.model import Rsvp
from domain.agenda.recurrence import Recurrence
from domain.shared.errors import Forbidden, NotFound
from tests.application.scoped import InScope
from tests.application.test_agenda import CITIZEN, FOREIGN_MAYOR, GUEST, MAYOR, MODERATOR, START, Agenda


def reminders(agenda: Agenda) -> list[dict[str, Any]]:
    return [m.payload for m in MemoryOutbox(agenda.store).messages(NOTIFY)
            if m.payload["kind"] == "AGENDA_REMINDER"]


async def run(agenda: Agenda) -> int:
    sent: int = await InScope(agenda.container, SendReminders)()
    return sent


@pytest.fixture
def agenda() -> Agenda:
    found = Agenda()
    found.clock.current = START - timedelta(days=1)
    return found


async def test_a_reminder_goes_at_its_time_once_to_those_who_did_not_decline(agenda: Agenda) -> None:
    event = await agenda.new(attendees=(CITIZEN.user_id, GUEST.user_id), reminders=(60,))
    await agenda.respond(s.RespondCommand(GUEST, event, Rsvp.DECLINED))
    agenda.clock.current = START - timedelta(minutes=61)
    assert await run(agenda) == 0  # early
    agenda.clock.advance(minutes=1)
    assert await run(agenda) == 1
    assert await run(agenda) == 0
    (sent,) = reminders(agenda)
    assert sorted(sent["user_ids"]) == [MAYOR.user_id, CITIZEN.user_id]
    assert sent["data"]["title"] == "Réunion de cabinet" and sent["data"]["location"] == "Mairie"


async def test_after_downtime_due_reminders_go_at_once_but_not_for_what_has_started(agenda: Agenda) -> None:
    await agenda.new(reminders=(30, 1440))
    agenda.clock.current = START - timedelta(minutes=10)  # both were due while the worker was down
    assert await run(agenda) == 2
    agenda.clock.current = START + timedelta(minutes=1)
    later = await agenda.new(starts_at=START - timedelta(minutes=5), ends_at=START + timedelta(hours=1),
                             reminders=(30,), title="Déjà commencé")
    assert later and await run(agenda) == 0
    assert sorted(p["data"]["minutes"] for p in reminders(agenda)) == [30, 1440]


async def test_a_series_reminds_each_occurrence_skipping_cancelled_and_following_moved_ones(agenda: Agenda) -> None:
    event = await agenda.new(recurrence=Recurrence("FREQ=DAILY;COUNT=4"), reminders=(15,))
    await agenda.delete(s.DeleteEventCommand(MAYOR, event, START + timedelta(days=1)))
    await agenda.update(s.UpdateEventCommand(MAYOR, event, {"starts_at": START + timedelta(days=2, hours=3),
                                                            "ends_at": START + timedelta(days=2, hours=4)},
                                             original_start=START + timedelta(days=2)))
    sent_at = []
    agenda.clock.current = START - timedelta(minutes=20)
    for _ in range(4 * 24 * 4):  # every 15 minutes for four days
        if await run(agenda):
            sent_at.append(agenda.clock.now())
        agenda.clock.advance(minutes=15)
    assert [moment - START for moment in sent_at] == [
        timedelta(minutes=-5), timedelta(days=2, hours=2, minutes=55), timedelta(days=3, minutes=-5)]
    assert [p["data"]["occurrence"] for p in reminders(agenda)] == ["20260105T0900", "20260107T0900",
                                                                    "20260108T0900"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=1, max_value=600), min_size=1, max_size=12),
       st.lists(st.sampled_from([5, 30, 60, 120, 1440]), min_size=1, max_size=3, unique=True))
async def test_whatever_the_cron_runs_each_reminder_goes_once_and_never_early(gaps: list[int],
                                                                              minutes: list[int]) -> None:
    agenda = Agenda()
    agenda.clock.current = START - timedelta(days=2)
    await agenda.new(reminders=tuple(minutes))
    sent: list[int] = []
    runs = []
    for gap in gaps:
        agenda.clock.advance(minutes=gap)
        runs.append(agenda.clock.now())
        before = len(reminders(agenda))
        await run(agenda)
        for payload in reminders(agenda)[before:]:
            due = START - timedelta(minutes=payload["data"]["minutes"])
            assert due <= agenda.clock.now() < START  # never early, never after the start
            sent.append(payload["data"]["minutes"])
    assert sorted(sent) == sorted(set(sent))  # once each
    # and every reminder that some run found due (its time come, the event not started) went
    assert set(sent) == {m for m in minutes if any(START - timedelta(minutes=m) <= t < START for t in runs)}


async def test_feed_tokens_find_their_owner_and_nobody_else(agenda: Agenda) -> None:
    private = await agenda.new(is_public=False, attendees=(CITIZEN.user_id,), title="Bureau")
    public = await agenda.new(title="Marché")
    feeds, read = InScope(agenda.container, AgendaFeeds), InScope(agenda.container, ReadFeed)
    citizen, guest, moderator = await feeds.current(CITIZEN), await feeds.current(GUEST), await feeds.current(MODERATOR)
    assert citizen.town == guest.town != citizen.personal
    assert {e.id for e in (await read(citizen.personal)).events} == {private, public}
    assert {e.id for e in (await read(guest.personal)).events} == {public}
    assert {e.id for e in (await read(moderator.personal)).events} == {private, public}  # staff
    town = await read(citizen.town)
    assert town.kind is FeedKind.TOWN and {e.id for e in town.events} == {public}
    assert (await read((await feeds.current(FOREIGN_MAYOR)).town)).events == []
    with pytest.raises(Forbidden):
        await feeds.regenerate(CITIZEN, FeedKind.TOWN)
    renewed = await feeds.regenerate(CITIZEN)
    with pytest.raises(NotFound):
        await read(citizen.personal)
    assert renewed.town == citizen.town and (await read(renewed.personal)).kind is FeedKind.USER
    with pytest.raises(NotFound):
        await read("x")


async def test_a_changed_occurrence_keeps_its_reminder_key(agenda: Agenda) -> None:
    """A moved occurrence is reminded once, under its original start (its id), even if moved again after."""
    event = await agenda.new(recurrence=Recurrence("FREQ=WEEKLY;COUNT=2"), reminders=(60,))
    agenda.clock.current = START - timedelta(minutes=30)
    assert await run(agenda) == 1
    await agenda.update(s.UpdateEventCommand(MAYOR, event, {"starts_at": START + timedelta(minutes=45),
                                                            "ends_at": START + timedelta(hours=2)},
                                             original_start=START))
    assert await run(agenda) == 0
