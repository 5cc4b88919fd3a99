"""The quota primitive: never negative, never oversold, whatever the order of holds, payments and expiries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from domain.shared.errors import Conflict, InvalidInput
from domain.shared.quota import Confirmation, HoldState, Quota, QuotaExceeded

NOW = datetime(2026, 6, 1, 20, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=15)


def test_availability_is_capacity_minus_sold_minus_unexpired_holds() -> None:
    quota = Quota(10)
    quota.hold("a", 3, LATER, NOW)
    quota.hold("b", 2, NOW + timedelta(minutes=1), NOW)
    assert quota.confirm("a", NOW) is Confirmation.CONFIRMED
    assert (quota.sold, quota.available(NOW)) == (3, 5)
    assert quota.available(NOW + timedelta(minutes=1)) == 7  # b's time ran out: its seats count no more
    assert Quota(None).available(NOW) is None


def test_a_hold_beyond_what_is_left_is_refused_with_what_is_left() -> None:
    quota = Quota(4)
    quota.hold("a", 3, LATER, NOW)
    with pytest.raises(QuotaExceeded) as refused:
        quota.hold("b", 2, LATER, NOW)
    assert refused.value.available == 1
    quota.hold("b", 1, LATER, NOW)
    with pytest.raises(QuotaExceeded, match="Complet"):
        quota.hold("c", 1, LATER, NOW)


def test_an_expired_hold_frees_its_seats_for_the_next_buyer() -> None:
    quota = Quota(2)
    quota.hold("a", 2, NOW + timedelta(seconds=1), NOW)
    quota.hold("b", 2, LATER, NOW + timedelta(seconds=1))
    assert quota.holds["a"].state is HoldState.EXPIRED


def test_a_late_confirmation_sells_only_seats_still_free() -> None:
    quota = Quota(2)
    quota.hold("slow", 2, NOW + timedelta(seconds=1), NOW)
    after = NOW + timedelta(minutes=1)
    quota.hold("quick", 1, LATER, after)
    assert quota.confirm("slow", after) is Confirmation.OVERSOLD_LATE
    assert quota.sold == 0 and quota.holds["slow"].state is HoldState.OVERSOLD

    roomy = Quota(5)
    roomy.hold("slow", 2, NOW + timedelta(seconds=1), NOW)
    roomy.hold("quick", 3, LATER, after)
    assert roomy.confirm("slow", after) is Confirmation.CONFIRMED_LATE
    assert roomy.sold == 2 and roomy.available(after) == 0


def test_a_confirmation_counts_once_and_a_released_hold_frees_its_seats() -> None:
    quota = Quota(3)
    quota.hold("a", 2, LATER, NOW)
    assert quota.confirm("a", NOW) is Confirmation.CONFIRMED
    assert quota.confirm("a", NOW) is Confirmation.ALREADY_CONFIRMED
    assert quota.sold == 2
    quota.hold("b", 1, LATER, NOW)
    assert quota.release("b") and not quota.release("b")
    assert quota.available(NOW) == 1
    assert quota.confirm("nobody", NOW) is Confirmation.UNKNOWN


def test_the_same_key_is_the_same_hold_and_bad_requests_are_refused() -> None:
    quota = Quota(3)
    first = quota.hold("a", 2, LATER, NOW)
    assert quota.hold("a", 2, LATER, NOW) is first and quota.available(NOW) == 1
    with pytest.raises(Conflict):
        quota.hold("a", 1, LATER, NOW)
    with pytest.raises(InvalidInput):
        quota.hold("z", 0, LATER, NOW)
    with pytest.raises(InvalidInput):
        quota.hold("z", 1, NOW, NOW)
    with pytest.raises(InvalidInput):
        Quota(-1)
    with pytest.raises(InvalidInput):
        quota.give_back(1)  # nothing sold yet


def test_seats_given_back_sell_again() -> None:
    quota = Quota(1)
    quota.hold("a", 1, LATER, NOW)
    quota.confirm("a", NOW)
    with pytest.raises(QuotaExceeded):
        quota.hold("b", 1, LATER, NOW)
    quota.give_back(1)
    quota.hold("b", 1, LATER, NOW)


def test_a_shrunk_capacity_stops_sales_until_seats_free() -> None:
    quota = Quota(5)
    quota.hold("a", 3, LATER, NOW)
    quota.confirm("a", NOW)
    quota.resize(2)
    assert quota.available(NOW) == 0
    with pytest.raises(QuotaExceeded):
        quota.hold("b", 1, LATER, NOW)


class QuotaMachine(RuleBasedStateMachine):
    """Random interleavings of holds, confirmations in and out of time, releases, expiries, refunds."""

    def __init__(self) -> None:
        super().__init__()
        self.capacity = 6
        self.quota = Quota(self.capacity)
        self.now = NOW
        self.keys = 0
        self.paid: dict[str, int] = {}  # key -> seats sold and not given back

    @rule(seats=st.integers(1, 4), minutes=st.integers(1, 10))
    def hold(self, seats: int, minutes: int) -> None:
        self.keys += 1
        available = self.quota.available(self.now)
        assert available is not None
        try:
            self.quota.hold(f"k{self.keys}", seats, self.now + timedelta(minutes=minutes), self.now)
        except QuotaExceeded:
            assert available < seats
        else:
            assert available >= seats

    @precondition(lambda self: self.quota.holds)
    @rule(data=st.data())
    def confirm(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(self.quota.holds)))
        hold = self.quota.holds[key]
        live, before = hold.live(self.now), self.quota.sold
        outcome = self.quota.confirm(key, self.now)
        if live:
            assert outcome is Confirmation.CONFIRMED
        if outcome in {Confirmation.CONFIRMED, Confirmation.CONFIRMED_LATE}:
            assert self.quota.sold == before + hold.seats
            self.paid[key] = hold.seats
        else:
            assert self.quota.sold == before

    @precondition(lambda self: self.quota.holds)
    @rule(data=st.data())
    def release(self, data: st.DataObject) -> None:
        self.quota.release(data.draw(st.sampled_from(sorted(self.quota.holds))))

    @precondition(lambda self: self.paid)
    @rule(data=st.data())
    def refund(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(self.paid)))
        self.quota.give_back(self.paid.pop(key))

    @rule(minutes=st.integers(0, 6))
    def time_passes(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    @rule()
    def expire(self) -> None:
        before = self.quota.available(self.now)
        self.quota.expire(self.now)
        assert self.quota.available(self.now) == before  # expired seats had stopped counting already

    @invariant()
    def never_negative_never_oversold(self) -> None:
        available = self.quota.available(self.now)
        assert available is not None and available >= 0
        assert self.quota.sold == sum(self.paid.values())
        assert 0 <= self.quota.sold + self.quota.held(self.now) <= self.capacity
        assert self.quota.sold + available + self.quota.held(self.now) == self.capacity


QuotaMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestQuotaInterleavings = QuotaMachine.TestCase
