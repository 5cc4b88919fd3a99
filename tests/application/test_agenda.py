"""The agenda's use cases and queries as the service wires them, on memory adapters: who sees and changes what,
series expanded within a range, one occurrence changed or cancelled, answers to invitations, the calendar."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from adapters.memory.store import FrozenClock, MemoryStore
from application.agenda import services as s
from application.agenda.queries import AgendaQueries, EventFilter
from domain.agenda.errors import NotInvited
from domain.agenda.model import Category, EventDetails, Location, Rsvp
from domain.agenda.recurrence import Recurrence
from domain.identity.model import User
from domain.shared.actor import Actor
from domain.shared.errors import Forbidden, InvalidInput, NotFound
from domain.shared.realm import Realm
from entrypoints.di.container import memory_container
from tests.application.scoped import InScope

TOWN, OTHER_TOWN = 1, 2
MAYOR = Actor(1, Realm.MAIRIE, frozenset({"mayor"}), TOWN)
MODERATOR = Actor(2, Realm.MAIRIE, frozenset({"moderator"}), TOWN)
CITIZEN = Actor(3, Realm.MAIRIE, frozenset({"citizen"}), TOWN)
GUEST = Actor(4, Realm.MAIRIE, frozenset({"citizen"}), TOWN)
FOREIGN_MAYOR = Actor(5, Realm.MAIRIE, frozenset({"mayor"}), OTHER_TOWN)
SPOTVIBE = Actor(1, Realm.SPOTVIBE)
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday


@dataclass
class Agenda:
    def __post_init__(self) -> None:
        self.container = memory_container()
        get = self.container.get_sync
        self.store, self.clock = get(MemoryStore), get(FrozenClock)
        for actor, first in ((MAYOR, "Serge"), (MODERATOR, "Yannick"), (CITIZEN, "Aline"), (GUEST, "Bruno"),
                             (FOREIGN_MAYOR, "Paul")):
            role = sorted(actor.roles)[0]
            self.store.table("users")[actor.user_id] = User(
                id=actor.user_id, realm=Realm.MAIRIE, username=first.lower(), email=f"{first}@example.com",
                password_hash=None, created_at=self.clock.now(), first_name=first, last_name="Test", roles=[role],
                municipality_id=actor.municipality_id)
        self.create, self.update = InScope(self.container, s.CreateEvent), InScope(self.container, s.UpdateEvent)
        self.delete, self.respond = InScope(self.container, s.DeleteEvent), InScope(self.container, s.RespondToEvent)
        self.queries: Any = InScope(self.container, AgendaQueries)

    @staticmethod
    def details(**changes: Any) -> EventDetails:
        return replace(EventDetails(title="Réunion de cabinet", starts_at=START, ends_at=START + timedelta(hours=1),
                                    category=Category.MEETING, location=Location("Mairie", "1 place")), **changes)

    async def new(self, actor: Actor = MAYOR, attendees: tuple[int, ...] = (), **changes: Any) -> int:
        event = await self.create(s.CreateEventCommand(actor, self.details(**changes), attendees))
        return int(event.id)

    async def listing(self, actor: Actor = MAYOR, days: int = 31, **filters: Any) -> list[Any]:
        return list(await self.queries.occurrences(actor, EventFilter(START, START + timedelta(days=days),
                                                                      **filters)))


@pytest.fixture
def agenda() -> Agenda:
    return Agenda()


WEEKLY = Recurrence("FREQ=WEEKLY;BYDAY=MO,WE")


async def test_a_weekly_series_is_expanded_within_the_range(agenda: Agenda) -> None:
    await agenda.new(recurrence=WEEKLY)
    found = await agenda.listing(days=14)
    assert [o.starts_at.day for o in found] == [5, 7, 12, 14]
    assert [o.key for o in found][:2] == ["20260105T0900", "20260107T0900"]


async def test_a_pattern_gives_its_rule(agenda: Agenda) -> None:
    assert Recurrence.of_pattern("monthly").rule == "FREQ=MONTHLY"
    await agenda.new(recurrence=Recurrence.of_pattern("monthly"))
    assert [o.starts_at.month for o in await agenda.listing(days=100)] == [1, 2, 3, 4]


async def test_only_mayor_and_admin_create_events(agenda: Agenda) -> None:
    for actor in (CITIZEN, MODERATOR, SPOTVIBE):
        with pytest.raises(Forbidden):
            await agenda.new(actor)


async def test_bad_details_and_rules_are_refused_by_field(agenda: Agenda) -> None:
    with pytest.raises(InvalidInput) as refused:
        await agenda.new(title=" ", ends_at=START, color="not a colour!", reminders=(-1,))
    assert set(refused.value.details) == {"title", "end_datetime", "color", "reminders"}
    for rule in ("FREQ=HOURLY", "FREQ=WEEKLY;BYDAY=XX", "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=31",
                 "FREQ=DAILY;BYSETPOS=1"):
        with pytest.raises(InvalidInput) as refused:
            await agenda.new(recurrence=Recurrence(rule))
        assert set(refused.value.details) == {"rrule"}, rule


async def test_attendees_belong_to_the_town(agenda: Agenda) -> None:
    with pytest.raises(InvalidInput) as refused:
        await agenda.new(attendees=(CITIZEN.user_id, FOREIGN_MAYOR.user_id))
    assert set(refused.value.details) == {"attendees_ids"}


async def test_private_events_show_to_staff_and_attendees_only(agenda: Agenda) -> None:
    event_id = await agenda.new(is_public=False, attendees=(GUEST.user_id,))
    assert len(await agenda.listing(MODERATOR)) == 1
    assert len(await agenda.listing(GUEST)) == 1
    assert await agenda.listing(CITIZEN) == []
    with pytest.raises(NotFound):
        await agenda.queries.occurrence(CITIZEN, event_id, None)


async def test_another_town_sees_nothing_and_changes_nothing(agenda: Agenda) -> None:
    event_id = await agenda.new()
    assert await agenda.listing(FOREIGN_MAYOR) == []
    with pytest.raises(NotFound):
        await agenda.queries.occurrence(FOREIGN_MAYOR, event_id, None)
    with pytest.raises(NotFound):
        await agenda.update(s.UpdateEventCommand(FOREIGN_MAYOR, event_id, {"title": "Piraté"}))
    with pytest.raises(NotFound):
        await agenda.delete(s.DeleteEventCommand(FOREIGN_MAYOR, event_id))


async def test_citizens_may_not_edit_or_delete(agenda: Agenda) -> None:
    event_id = await agenda.new()
    with pytest.raises(Forbidden):
        await agenda.update(s.UpdateEventCommand(CITIZEN, event_id, {"title": "Non"}))
    with pytest.raises(Forbidden):
        await agenda.delete(s.DeleteEventCommand(CITIZEN, event_id))


async def test_one_occurrence_changed_moves_alone(agenda: Agenda) -> None:
    event_id = await agenda.new(recurrence=WEEKLY)
    wednesday = START + timedelta(days=2)
    moved = wednesday + timedelta(hours=5)
    await agenda.update(s.UpdateEventCommand(MAYOR, event_id, {"title": "Déplacée", "starts_at": moved,
                                                               "ends_at": moved + timedelta(hours=2)},
                                             original_start=wednesday))
    found = await agenda.listing(days=7)
    assert [(o.title, o.starts_at, o.key) for o in found] == [
        ("Réunion de cabinet", START, "20260105T0900"), ("Déplacée", moved, "20260107T0900")]
    one = await agenda.queries.occurrence(MAYOR, event_id, wednesday)
    assert one.ends_at == moved + timedelta(hours=2)


async def test_an_occurrence_takes_only_its_own_fields(agenda: Agenda) -> None:
    event_id = await agenda.new(recurrence=WEEKLY)
    with pytest.raises(InvalidInput):
        await agenda.update(s.UpdateEventCommand(MAYOR, event_id, {"category": Category.COUNCIL},
                                                 original_start=START))


async def test_a_time_that_is_not_an_occurrence_names_nothing(agenda: Agenda) -> None:
    event_id = await agenda.new(recurrence=WEEKLY)
    tuesday = START + timedelta(days=1)
    with pytest.raises(NotFound):
        await agenda.queries.occurrence(MAYOR, event_id, tuesday)
    with pytest.raises(NotFound):
        await agenda.delete(s.DeleteEventCommand(MAYOR, event_id, tuesday))


async def test_deleting_one_occurrence_or_the_series(agenda: Agenda) -> None:
    event_id = await agenda.new(recurrence=WEEKLY)
    await agenda.delete(s.DeleteEventCommand(MAYOR, event_id, START))
    assert [o.starts_at.day for o in await agenda.listing(days=7)] == [7]
    with pytest.raises(NotFound):
        await agenda.queries.occurrence(MAYOR, event_id, START)
    await agenda.delete(s.DeleteEventCommand(MAYOR, event_id, START + timedelta(days=2), delete_series=True))
    assert await agenda.listing() == []


async def test_editing_the_series_from_an_occurrence(agenda: Agenda) -> None:
    event_id = await agenda.new(recurrence=WEEKLY)
    await agenda.update(s.UpdateEventCommand(MAYOR, event_id, {"title": "Nouveau nom"}, original_start=START,
                                             whole_series=True))
    assert {o.title for o in await agenda.listing(days=14)} == {"Nouveau nom"}


async def test_invited_accounts_answer(agenda: Agenda) -> None:
    event_id = await agenda.new(attendees=(GUEST.user_id,), is_public=False)
    event = await agenda.respond(s.RespondCommand(GUEST, event_id, Rsvp.TENTATIVE))
    assert event.attendees == {GUEST.user_id: Rsvp.TENTATIVE}
    with pytest.raises(InvalidInput):
        await agenda.respond(s.RespondCommand(GUEST, event_id, Rsvp.PENDING))
    with pytest.raises(NotFound):  # a private event the citizen cannot see
        await agenda.respond(s.RespondCommand(CITIZEN, event_id, Rsvp.CONFIRMED))
    public = await agenda.new()
    with pytest.raises(NotInvited):
        await agenda.respond(s.RespondCommand(CITIZEN, public, Rsvp.CONFIRMED))


async def test_reinviting_keeps_answers(agenda: Agenda) -> None:
    event_id = await agenda.new(attendees=(GUEST.user_id,))
    await agenda.respond(s.RespondCommand(GUEST, event_id, Rsvp.CONFIRMED))
    event = await agenda.update(s.UpdateEventCommand(MAYOR, event_id, {}, attendee_ids=(GUEST.user_id,
                                                                                        CITIZEN.user_id)))
    assert event.attendees == {GUEST.user_id: Rsvp.CONFIRMED, CITIZEN.user_id: Rsvp.PENDING}


async def test_filters_and_range_bounds(agenda: Agenda) -> None:
    await agenda.new(title="Conseil municipal", category=Category.COUNCIL)
    await agenda.new()
    assert [o.title for o in await agenda.listing(category=Category.COUNCIL)] == ["Conseil municipal"]
    assert [o.title for o in await agenda.listing(search="CONSEIL")] == ["Conseil municipal"]
    with pytest.raises(InvalidInput):
        await agenda.listing(days=401)
    with pytest.raises(InvalidInput):
        await agenda.listing(days=0)


async def test_a_rule_with_no_end_stays_within_the_range(agenda: Agenda) -> None:
    await agenda.new(recurrence=Recurrence("FREQ=DAILY"))
    assert len(await agenda.listing(days=400)) == 400


async def test_the_week_calendar_has_french_day_names(agenda: Agenda) -> None:
    await agenda.new(recurrence=WEEKLY)
    week = await agenda.queries.calendar(MAYOR, "week", date(2026, 1, 8))
    assert (week.start, week.end) == (date(2026, 1, 5), date(2026, 1, 11))
    assert [d.name for d in week.days] == ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]
    assert [len(d.occurrences) for d in week.days] == [1, 0, 1, 0, 0, 0, 0]
    month = await agenda.queries.calendar(MAYOR, "month", date(2026, 2, 14))
    assert (month.start, month.end, len(month.days)) == (date(2026, 2, 1), date(2026, 2, 28), 28)
    assert sum(len(d.occurrences) for d in month.days) == 8


async def test_a_month_shows_every_day_and_a_multi_day_event_on_each_of_its_days(agenda: Agenda) -> None:
    # 40 daily series: 1,240 occurrences in January, more than a listing's cap; the month shows them all
    for n in range(40):
        await agenda.new(title=f"Permanence {n}", recurrence=Recurrence("FREQ=DAILY"))
    await agenda.new(title="Fête", starts_at=datetime(2026, 1, 30, 20, tzinfo=UTC),
                     ends_at=datetime(2026, 2, 2, 0, tzinfo=UTC))
    month = await agenda.queries.calendar(MAYOR, "month", date(2026, 1, 20))
    assert [len(d.occurrences) for d in month.days] == [0] * 4 + [40] * 25 + [41, 41]
    assert month.days[-1].occurrences[0].title == "Fête"  # by start: the evening before
    february = await agenda.queries.calendar(MAYOR, "week", date(2026, 2, 2))  # ends at midnight: not on Monday
    assert [o.title for o in february.days[0].occurrences if o.title == "Fête"] == []
    assert [o.title for o in february.days[0].occurrences][:2] == ["Permanence 0", "Permanence 1"]  # by id
