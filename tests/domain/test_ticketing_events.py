"""The Event's rules: its details, the status machine (BROUILLON → EN_ATTENTE → VALIDE | REJETE, ANNULE, TERMINE
derived), edits, and the trending score."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.shared.errors import Conflict, InvalidInput
from domain.shared.money import Money
from domain.ticketing import trending
from domain.ticketing.errors import EventInvalid, EventStarted, InvalidEventTransition
from domain.ticketing.events import EventApproved, EventRejected, EventSubmitted
from domain.ticketing.model import (
    CATEGORIES,
    SHORT_MAX,
    AccessType,
    Event,
    EventDetails,
    EventStatus,
    changed,
    summary_of,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ADMIN = 1
CREATOR = 7


def details(**changes: object) -> EventDetails:
    base = EventDetails(title="Festival de Jazz", description="Un festival annuel de jazz.",
                        starts_at=NOW + timedelta(days=10), ends_at=NOW + timedelta(days=12), venue="Parc Central",
                        category_id=1, access_type=AccessType.PAID, price=Money(5000, "XOF"))
    return replace(base, **changes)  # type: ignore[arg-type]


def event(**changes: object) -> Event:
    return Event.create(CREATOR, details(**changes), NOW)


def test_a_new_event_awaits_validation_unless_kept_as_a_draft() -> None:
    pending = event()
    assert pending.status is EventStatus.PENDING
    assert [type(e) for e in pending.pull_events()] == [EventSubmitted]
    draft = Event.create(CREATOR, details(), NOW, draft=True)
    assert draft.status is EventStatus.DRAFT
    assert draft.pull_events() == []


def test_the_short_description_defaults_to_the_start_of_the_description() -> None:
    long = "mot " * 200
    created = event(description=long)
    assert created.short_description == summary_of(long)
    assert len(created.short_description) <= SHORT_MAX
    assert event(short_description="Court").short_description == "Court"


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": "  "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"venue": ""}, "venue"),
    ({"ends_at": NOW + timedelta(days=10)}, "ends_at"),
    ({"category_id": 999}, "category_id"),
    ({"price": None}, "price"),
    ({"price": Money(0, "XOF")}, "price"),
    ({"price": Money(100, "EUR")}, "price"),
    ({"price": Money(10**9, "XOF")}, "price"),
    ({"access_type": AccessType.FREE, "price": Money(100, "XOF")}, "price"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": 10**7}, "capacity"),
    ({"latitude": 91.0, "longitude": 0.0}, "latitude"),
    ({"latitude": 6.0, "longitude": -180.5}, "longitude"),
    ({"latitude": float("nan"), "longitude": 2.0}, "latitude"),
    ({"latitude": 6.3}, "longitude"),
])
def test_details_that_do_not_hold_together_are_refused_by_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(EventInvalid) as refused:
        event(**changes)
    assert field in refused.value.details


def test_an_event_cannot_start_in_the_past() -> None:
    with pytest.raises(EventInvalid) as refused:
        event(starts_at=NOW - timedelta(minutes=1), ends_at=NOW + timedelta(hours=1))
    assert "starts_at" in refused.value.details


def test_free_and_invitation_events_have_no_price() -> None:
    assert event(access_type=AccessType.FREE, price=None).price is None
    assert event(access_type=AccessType.INVITATION, price=Money(0, "XOF")).price is None
    assert event().price == Money(5000, "XOF")


def test_an_admin_approves_or_rejects_a_pending_event_only() -> None:
    approved = event()
    approved.approve(ADMIN, NOW)
    assert approved.status is EventStatus.VALIDATED and approved.decided_by == ADMIN
    assert EventApproved in [type(e) for e in approved.pull_events()]
    with pytest.raises(InvalidEventTransition):
        approved.approve(ADMIN, NOW)
    with pytest.raises(InvalidEventTransition):
        approved.reject(ADMIN, "non", NOW)
    rejected = event()
    rejected.reject(ADMIN, "  Contenu trompeur ", NOW)
    assert rejected.status is EventStatus.REJECTED and rejected.rejection_reason == "Contenu trompeur"
    assert EventRejected in [type(e) for e in rejected.pull_events()]
    draft = Event.create(CREATOR, details(), NOW, draft=True)
    with pytest.raises(InvalidEventTransition):
        draft.approve(ADMIN, NOW)


def test_a_rejection_needs_a_reason() -> None:
    with pytest.raises(InvalidInput):
        event().reject(ADMIN, "   ", NOW)


def test_a_validated_event_is_shown_finished_once_over() -> None:
    shown = event()
    shown.approve(ADMIN, NOW)
    assert shown.status_at(shown.ends_at - timedelta(seconds=1)) is EventStatus.VALIDATED
    assert shown.status_at(shown.ends_at) is EventStatus.FINISHED
    assert shown.status is EventStatus.VALIDATED  # never stored
    pending = event()
    assert pending.status_at(pending.ends_at + timedelta(days=1)) is EventStatus.PENDING


def test_editing_a_validated_or_rejected_event_sends_it_back_to_validation() -> None:
    for decide in ("approve", "reject"):
        edited = event()
        if decide == "approve":
            edited.approve(ADMIN, NOW)
        else:
            edited.reject(ADMIN, "Flou", NOW)
        edited.pull_events()
        edited.edit(changed(edited.details, title="Nouveau titre"), NOW)
        assert edited.status is EventStatus.PENDING
        assert edited.title == "Nouveau titre" and edited.rejection_reason is None and edited.decided_by is None
        assert [type(e) for e in edited.pull_events()] == [EventSubmitted]


def test_a_draft_stays_a_draft_when_edited_unless_submitted() -> None:
    draft = Event.create(CREATOR, details(), NOW, draft=True)
    draft.edit(changed(draft.details, venue="Salle B"), NOW)
    assert draft.status is EventStatus.DRAFT
    draft.edit(changed(draft.details, venue="Salle C"), NOW, submit=True)
    assert draft.status is EventStatus.PENDING


def test_no_edit_once_started_or_cancelled() -> None:
    started = event()
    with pytest.raises(EventStarted):
        started.edit(changed(started.details, title="Trop tard"), started.starts_at)
    cancelled = event()
    cancelled.cancel(NOW)
    assert cancelled.status is EventStatus.CANCELLED
    with pytest.raises(Conflict):
        cancelled.edit(changed(cancelled.details, title="x"), NOW)
    with pytest.raises(InvalidEventTransition):
        cancelled.cancel(NOW)


def test_an_event_that_is_over_cannot_be_cancelled() -> None:
    over = event()
    over.approve(ADMIN, NOW)
    with pytest.raises(InvalidEventTransition):
        over.cancel(over.ends_at + timedelta(minutes=1))


def test_making_a_paid_event_free_drops_its_price() -> None:
    paid = details()
    assert changed(paid, access_type=AccessType.FREE).price is None
    with pytest.raises(TypeError):
        changed(paid, prix=1)


def test_the_seeded_categories_have_unique_ids() -> None:
    assert len({c.id for c in CATEGORIES}) == len(CATEGORIES)


instants = st.integers(min_value=0, max_value=20 * 24 * 3600).map(lambda s: NOW - timedelta(seconds=s))
kinds = st.sampled_from(list(trending.Signal))


@given(st.lists(st.tuples(kinds, instants), max_size=20), kinds, instants)
def test_one_more_signal_never_lowers_the_score(signals: list[tuple[trending.Signal, datetime]],
                                                kind: trending.Signal, at: datetime) -> None:
    assert trending.score([*signals, (kind, at)], NOW) >= trending.score(signals, NOW)


@given(kinds, st.integers(min_value=0, max_value=14 * 24 * 3600), st.integers(min_value=1, max_value=3600))
def test_an_older_signal_weighs_less(kind: trending.Signal, age: int, more: int) -> None:
    newer = trending.score([(kind, NOW - timedelta(seconds=age))], NOW)
    older = trending.score([(kind, NOW - timedelta(seconds=age + more))], NOW)
    assert older <= newer


def test_a_signal_halves_every_half_life_and_is_forgotten_after_the_window() -> None:
    assert trending.score([(trending.Signal.SHARE, NOW)], NOW) == trending.WEIGHT[trending.Signal.SHARE]
    half = trending.score([(trending.Signal.SHARE, NOW - trending.HALF_LIFE)], NOW)
    assert half == pytest.approx(trending.WEIGHT[trending.Signal.SHARE] / 2)
    assert trending.score([(trending.Signal.GOING, NOW - trending.WINDOW - timedelta(seconds=1))], NOW) == 0
    assert trending.score([], NOW, tickets_sold_recently=2) == 2 * trending.TICKET_WEIGHT
