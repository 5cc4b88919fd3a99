"""The RRULE adapter against an independent expansion: recurring-ical-events (over an icalendar VEVENT) gives the
same occurrence starts for random rules and ranges; and the bounds that keep an expansion finite."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import icalendar
import recurring_ical_events
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.recurrence import DateutilRecurrenceRules
from domain.agenda.recurrence import rule_problem

RULES = DateutilRecurrenceRules()
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@st.composite
def rules(draw: st.DrawFn) -> str:
    frequency = draw(st.sampled_from(("DAILY", "WEEKLY", "MONTHLY", "YEARLY")))
    parts = [f"FREQ={frequency}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(1, 4))}")
    if frequency == "WEEKLY" and draw(st.booleans()):
        parts.append("BYDAY=" + ",".join(draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True))))
    if frequency == "MONTHLY" and draw(st.booleans()):
        parts.append(f"BYMONTHDAY={draw(st.integers(1, 28))}")
    end = draw(st.sampled_from(("none", "count", "until")))
    if end == "count":
        parts.append(f"COUNT={draw(st.integers(1, 60))}")
    elif end == "until":
        parts.append(f"UNTIL={draw(st.dates(datetime(2026, 1, 1).date(), datetime(2029, 1, 1).date())):%Y%m%d}"
                     "T235959Z")
    return ";".join(parts)


def reference(rule: str, start: datetime, after: datetime, before: datetime) -> list[datetime]:
    calendar = icalendar.Calendar()
    event = icalendar.Event()
    event.add("uid", "evt_1@agora")
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(hours=1))
    event.add("rrule", icalendar.vRecur.from_ical(rule))
    calendar.add_component(event)
    found = recurring_ical_events.of(icalendar.Calendar.from_ical(calendar.to_ical())).between(after, before)
    return sorted(e["DTSTART"].dt.astimezone(UTC) for e in found)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule=rules(), start_day=st.dates(datetime(2025, 1, 1).date(), datetime(2027, 12, 31).date()),
       offset=st.integers(-100, 800), length=st.integers(1, 400))
def test_the_expansion_is_the_reference_one(rule: str, start_day: object, offset: int, length: int) -> None:
    start = datetime.combine(start_day, datetime.min.time(), UTC).replace(hour=9)  # type: ignore[arg-type]
    assert rule_problem(rule) is None and RULES.problem(rule, start) is None
    after = start.replace(hour=0) + timedelta(days=offset)
    before = after + timedelta(days=length)
    assert RULES.starts(rule, start, after, before, 10_000) == reference(rule, start, after, before)


def test_the_limit_caps_an_endless_rule() -> None:
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    assert len(RULES.starts("FREQ=DAILY", start, start, start + timedelta(days=5000), 1000)) == 1000


def test_rules_that_never_happen_are_refused_quickly() -> None:
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    began = time.perf_counter()
    assert rule_problem("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30") is not None
    assert rule_problem("FREQ=MONTHLY;BYDAY=5MO;BYMONTHDAY=1") is not None
    assert RULES.problem("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", start) is None
    assert RULES.problem("FREQ=WEEKLY;BYDAY=XX", start) is not None
    assert RULES.problem("FREQ=WEEKLY;UNTIL=20260301", start) is not None  # UNTIL in UTC with a UTC start
    assert time.perf_counter() - began < 1
