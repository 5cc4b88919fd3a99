"""The trending score: recent interest, each signal weighted by kind and halved every HALF_LIFE.

    score = Σ over signals within WINDOW of  WEIGHT[kind] × 0.5 ** (age / HALF_LIFE)
            + TICKET_WEIGHT × tickets sold during the last HALF_LIFE

Signals: a counted view (one per viewer, at the latest time it was counted: see the view debounce), a share, a
participation (PARTICIPE weighs more than INTERESSE; at its last change). Sales come from the sales half as a
count, so they are not decayed but only counted over one half-life. The SQL read side computes the same sum.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

HALF_LIFE = timedelta(hours=48)
WINDOW = timedelta(days=14)


class Signal(StrEnum):
    VIEW = "view"
    SHARE = "share"
    INTERESTED = "interested"
    GOING = "going"


WEIGHT = {Signal.VIEW: 1.0, Signal.SHARE: 3.0, Signal.INTERESTED: 2.0, Signal.GOING: 5.0}
TICKET_WEIGHT = 8.0


def decay(age: timedelta) -> float:
    """1 for a signal of now (or of a clock slightly ahead), halved every HALF_LIFE, 0 beyond WINDOW."""
    if age > WINDOW:
        return 0.0
    return float(0.5 ** (max(age, timedelta(0)) / HALF_LIFE))


def score(signals: Iterable[tuple[Signal, datetime]], now: datetime, tickets_sold_recently: int = 0) -> float:
    interest = sum(WEIGHT[kind] * decay(now - at) for kind, at in signals)
    return interest + TICKET_WEIGHT * max(tickets_sold_recently, 0)
