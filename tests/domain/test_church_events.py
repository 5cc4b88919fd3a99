"""The church events' rules: what a valid event is, where a new registration goes, when registrations close."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from domain.church_events.errors import EventCancelledError, EventInvalid, EventOver
from domain.church_events.events import ChurchEventCancelled, RegistrationPromoted
from domain.church_events.model import ChurchEvent, EventDetails, Registration, RegistrationStatus

NOW = datetime(2026, 1, 10, 12, tzinfo=UTC)
DAY = date(2026, 1, 12)


def event(**changes: object) -> ChurchEvent:
    details = EventDetails(title="Culte", start_date=DAY, **changes)  # type: ignore[arg-type]
    created = ChurchEvent.create(1, details, 42, NOW)
    created.id = 5
    return created


def test_an_event_names_its_wrong_fields() -> None:
    details = EventDetails(title=" ", start_date=DAY, color="bleu", capacity=0, end_date=date(2026, 1, 11),
                           location="x" * 201)
    assert set(details.problems()) == {"title", "color", "capacity", "end_date", "location"}
    same_day = EventDetails(title="Culte", start_date=DAY, start_time=time(10), end_time=time(9))
    assert set(same_day.problems()) == {"end_time"}
    assert EventDetails(title="Culte", start_date=DAY, start_time=time(22), end_date=date(2026, 1, 13),
                        end_time=time(1)).problems() == {}
    with pytest.raises(EventInvalid):
        ChurchEvent.create(1, details, 42, NOW)


def test_new_registrations_take_a_place_until_the_capacity_then_wait() -> None:
    assert event(capacity=2).status_for_new(1) is RegistrationStatus.REGISTERED
    assert event(capacity=2).status_for_new(2) is RegistrationStatus.WAITING
    assert event().status_for_new(10_000) is RegistrationStatus.REGISTERED  # unlimited
    assert event(capacity=2).free_places(3) == 0 and event().free_places(3) is None


def test_registrations_close_when_cancelled_or_over() -> None:
    open_event = event(end_date=date(2026, 1, 14))
    open_event.check_open(date(2026, 1, 14))
    with pytest.raises(EventOver):
        open_event.check_open(date(2026, 1, 15))
    open_event.cancel(NOW)
    with pytest.raises(EventCancelledError):
        open_event.check_open(date(2026, 1, 1))


def test_cancelling_and_promoting_are_recorded_once() -> None:
    cancelled = event()
    assert cancelled.cancel(NOW) is True and cancelled.cancel(NOW) is False
    assert cancelled.pull_events() == [ChurchEventCancelled(5, "Culte", "2026-01-12", NOW.isoformat())]
    waiting = Registration(event_id=5, user_id=9, status=RegistrationStatus.WAITING, registered_at=NOW, id=3)
    cancelled.promoted(waiting, NOW)
    assert waiting.status is RegistrationStatus.REGISTERED and waiting.promoted_at == NOW
    assert cancelled.pull_events() == [RegistrationPromoted(5, 3, 9, "Culte", "2026-01-12")]


def test_notes_are_bounded() -> None:
    assert Registration.check_notes("  avec 2 personnes ") == "avec 2 personnes"
    with pytest.raises(EventInvalid):
        Registration.check_notes("x" * 1001)
