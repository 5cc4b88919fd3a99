"""RRULE expansion with python-dateutil (application/agenda/ports.py::RecurrenceRules).

Per RFC 5545 the series start is always its first occurrence.
Bounded: the domain refuses rules that never yield a date (domain/agenda/recurrence.py::rule_problem), this
adapter refuses those without a date within thirty years, and every expansion stops at the end of the asked range
(the rule's UNTIL is lowered to it): no rule scans on to the year 9999.
An expansion is a pure function of the rule, the series start and the range, so it is kept (LRU, per process): a
month view read again costs no rule walk, and a series changed is a new key (its rule or start changed).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import islice

from dateutil.rrule import rrule, rruleset, rrulestr

FIRST_WITHIN = timedelta(days=30 * 366)
KEPT_RULES, KEPT_EXPANSIONS = 2048, 16384


@lru_cache(maxsize=KEPT_RULES)
def _parse(rule: str, start: datetime) -> rrule:
    parsed = rrulestr(rule.removeprefix("RRULE:"), dtstart=start.astimezone(UTC).replace(second=0, microsecond=0))
    assert isinstance(parsed, rrule)
    return parsed


def _until(parsed: rrule, end: datetime) -> rrule:
    """The same rule, ending by `end` at the latest (COUNT rules are left as they are: COUNT bounds them)."""
    if vars(parsed)["_count"] is not None:  # dateutil has no public accessor
        return parsed
    until = vars(parsed)["_until"]
    return parsed.replace(until=end if until is None else min(until, end))


class DateutilRecurrenceRules:
    def problem(self, rule: str, start: datetime) -> str | None:
        try:
            parsed = _parse(rule, start)
        except (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError):
            return "Règle de récurrence illisible (RFC 5545, ex. FREQ=WEEKLY;BYDAY=MO)"
        # the pattern itself (without its COUNT or UNTIL) must match a date within thirty years: one that never
        # does would scan on to the year 9999 at every expansion
        probe = parsed.replace(count=None, until=start + FIRST_WITHIN)
        if probe.after(start - timedelta(seconds=1)) is None:
            return "Cette règle ne produit aucune date dans les trente ans"
        return None

    def starts(self, rule: str, series_start: datetime, after: datetime, before: datetime,
               limit: int) -> list[datetime]:
        return list(_starts(rule, series_start, after, before, limit))


@lru_cache(maxsize=KEPT_EXPANSIONS)
def _starts(rule: str, series_start: datetime, after: datetime, before: datetime, limit: int) -> tuple[datetime, ...]:
    rule_as_written = _parse(rule, series_start)
    parsed = _until(rule_as_written, before)
    series = rruleset()
    series.rrule(parsed)
    first, until = vars(parsed)["_dtstart"], vars(rule_as_written)["_until"]
    if until is None or until >= first:  # RFC 5545: the start is the first occurrence, unless UNTIL ends it before
        series.rdate(first)
    taken: list[datetime] = []
    for moment in islice(series.xafter(after, inc=True), limit):
        if moment >= before:
            break
        taken.append(moment)
    return tuple(taken)
