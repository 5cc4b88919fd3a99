"""A scarce resource sold in seats (tickets, church registrations, rota slots): the one rule set for all of them.

availability = capacity − sold − seats of unexpired holds (None when the capacity is unlimited). A hold reserves
seats until a moment; confirming it sells them. A confirmation that comes after its hold expired (a slow payment)
is accepted only if the seats are still free; otherwise it is reported as oversold-late, and the caller keeps the
money, flags it and refunds it. Nothing here ever lets `sold` plus the live holds exceed the capacity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.shared.errors import Conflict, InvalidInput


class QuotaExceeded(Conflict):
    """Not enough seats left for the request."""

    def __init__(self, available: int) -> None:
        super().__init__("Complet" if available == 0 else f"Plus que {available} place(s) disponible(s)")
        self.available = available


class HoldState(StrEnum):
    HELD = "HELD"
    CONFIRMED = "CONFIRMED"
    RELEASED = "RELEASED"  # given up (payment failed, buyer abandoned)
    EXPIRED = "EXPIRED"  # its time ran out before a confirmation
    OVERSOLD = "OVERSOLD"  # confirmed too late, the seats had gone


class Confirmation(StrEnum):
    CONFIRMED = "CONFIRMED"  # within its time: the held seats are sold
    CONFIRMED_LATE = "CONFIRMED_LATE"  # after it expired, but the seats were still free: sold
    OVERSOLD_LATE = "OVERSOLD_LATE"  # after it expired and the seats had gone: nothing sold
    ALREADY_CONFIRMED = "ALREADY_CONFIRMED"  # a repeated confirmation: nothing changes
    UNKNOWN = "UNKNOWN"  # no such hold

    @property
    def sold(self) -> bool:
        return self in {Confirmation.CONFIRMED, Confirmation.CONFIRMED_LATE, Confirmation.ALREADY_CONFIRMED}


@dataclass
class Hold:
    key: str  # chosen by the caller (an order's reference): one hold per key
    seats: int
    until: datetime
    state: HoldState = HoldState.HELD

    def live(self, now: datetime) -> bool:
        return self.state is HoldState.HELD and now < self.until


def check_seats(seats: int) -> None:
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
        raise InvalidInput.on_field("quantity", "Au moins une place")


@dataclass
class Quota:
    capacity: int | None  # None: unlimited
    sold: int = 0
    holds: dict[str, Hold] = field(default_factory=dict)
    id: int | None = None

    def __post_init__(self) -> None:
        if self.capacity is not None and self.capacity < 0:
            raise InvalidInput.on_field("capacity", "Une capacité est positive ou nulle")

    def held(self, now: datetime) -> int:
        return sum(hold.seats for hold in self.holds.values() if hold.live(now))

    def available(self, now: datetime) -> int | None:
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.sold - self.held(now))

    def _room_for(self, seats: int, now: datetime) -> bool:
        available = self.available(now)
        return available is None or available >= seats

    def hold(self, key: str, seats: int, until: datetime, now: datetime) -> Hold:
        """Reserves `seats` until `until`, or raises QuotaExceeded. The same key held again is the same hold."""
        check_seats(seats)
        if until <= now:
            raise InvalidInput("Une réservation dure un moment")
        existing = self.holds.get(key)
        if existing is not None:
            if existing.live(now) and existing.seats == seats:
                return existing
            raise Conflict("Cette réservation existe déjà")
        self.expire(now)
        if not self._room_for(seats, now):
            raise QuotaExceeded(self.available(now) or 0)
        hold = Hold(key, seats, until)
        self.holds[key] = hold
        return hold

    def confirm(self, key: str, now: datetime) -> Confirmation:
        hold = self.holds.get(key)
        if hold is None:
            return Confirmation.UNKNOWN
        if hold.state is HoldState.CONFIRMED:
            return Confirmation.ALREADY_CONFIRMED
        if hold.live(now):
            hold.state = HoldState.CONFIRMED
            self.sold += hold.seats
            return Confirmation.CONFIRMED
        if hold.state is HoldState.HELD:
            hold.state = HoldState.EXPIRED
        # Its seats are no longer counted: the late buyer gets them only if nobody else took them.
        if self._room_for(hold.seats, now):
            hold.state = HoldState.CONFIRMED
            self.sold += hold.seats
            return Confirmation.CONFIRMED_LATE
        hold.state = HoldState.OVERSOLD
        return Confirmation.OVERSOLD_LATE

    def release(self, key: str) -> bool:
        """Gives a held reservation up; False when there was none to give up."""
        hold = self.holds.get(key)
        if hold is None or hold.state is not HoldState.HELD:
            return False
        hold.state = HoldState.RELEASED
        return True

    def expire(self, now: datetime) -> list[Hold]:
        """Marks the holds whose time ran out; their seats were no longer counted already."""
        due = [hold for hold in self.holds.values() if hold.state is HoldState.HELD and now >= hold.until]
        for hold in due:
            hold.state = HoldState.EXPIRED
        return due

    def expire_hold(self, key: str, now: datetime) -> bool:
        hold = self.holds.get(key)
        if hold is None or hold.state is not HoldState.HELD or now < hold.until:
            return False
        hold.state = HoldState.EXPIRED
        return True

    def give_back(self, seats: int) -> None:
        """Seats sold earlier come back (a cancelled or refunded sale)."""
        check_seats(seats)
        if seats > self.sold:
            raise InvalidInput("Plus de places rendues que de places vendues")
        self.sold -= seats

    def resize(self, capacity: int | None) -> None:
        """The organiser changes the capacity. Below what is sold and held, nothing more sells until it frees."""
        if capacity is not None and capacity < 0:
            raise InvalidInput.on_field("capacity", "Une capacité est positive ou nulle")
        self.capacity = capacity
