"""When each channel tells a person: preferences, critical kinds, digests and quiet hours.

The inbox (IN_APP) stores at once unless the person turned the kind off there. The other channels go out at once,
later (quiet hours, a burst's digest, a daily or weekly summary) or not at all. A critical kind always goes out at
once, on every channel it uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.notifications.model import Channel, Frequency, Kind, Preference

# Quiet hours only hold back what makes a phone ring or buzz.
_INTERRUPTING = frozenset({Channel.PUSH, Channel.SMS})


@dataclass(frozen=True)
class QuietHours:
    """A nightly span in the person's local time (start after end: it crosses midnight)."""

    start: time = time(22, 0)
    end: time = time(7, 0)

    def until(self, now: datetime, zone: ZoneInfo) -> datetime | None:
        """When the quiet span `now` falls in ends (UTC), or None when `now` is not in one."""
        local = now.astimezone(zone)
        clock = local.time().replace(tzinfo=None)
        if self.start == self.end:
            return None
        crosses_midnight = self.start > self.end
        inside = (clock >= self.start or clock < self.end) if crosses_midnight else self.start <= clock < self.end
        if not inside:
            return None
        day = local.date()
        if crosses_midnight and clock >= self.start:
            day += timedelta(days=1)
        return _local_moment(day, self.end, zone)


DIGEST_TIME = time(8, 0)


def next_summary(now: datetime, zone: ZoneInfo, frequency: Frequency) -> datetime:
    """The next daily summary (08:00 local) or weekly one (Monday 08:00 local) strictly after `now`."""
    local = now.astimezone(zone)
    day = local.date()
    if frequency is Frequency.WEEKLY:
        day += timedelta(days=(7 - day.weekday()) % 7)
    candidate = _local_moment(day, DIGEST_TIME, zone)
    step = timedelta(days=7 if frequency is Frequency.WEEKLY else 1)
    while candidate <= now:
        day += step
        candidate = _local_moment(day, DIGEST_TIME, zone)
    return candidate


def _local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


class Timing(StrEnum):
    NOW = "now"
    LATER = "later"
    NEVER = "never"


@dataclass(frozen=True)
class ChannelPlan:
    channel: Channel
    timing: Timing
    due_at: datetime | None = None
    # Pending deliveries with the same group go out together: a digest. None: alone.
    group: str | None = None


def plan(kind: Kind, channel: Channel, preference: Preference | None, *, now: datetime, zone: ZoneInfo,
         quiet: QuietHours, digest_key: str | None = None) -> ChannelPlan:
    """How `channel` tells a person of one happening of `kind`. `preference` is theirs for this kind and channel
    (None: the kind's default, on and immediate); `digest_key` separates one burst from another."""
    if channel not in kind.channels:
        return ChannelPlan(channel, Timing.NEVER)
    if kind.critical:
        return ChannelPlan(channel, Timing.NOW, now)
    if preference is not None and preference.silenced:
        return ChannelPlan(channel, Timing.NEVER)
    if channel is Channel.IN_APP:
        return ChannelPlan(channel, Timing.NOW, now)
    frequency = preference.frequency if preference is not None else Frequency.IMMEDIATE
    due, group = now, None
    if frequency in (Frequency.DAILY, Frequency.WEEKLY):
        due = next_summary(now, zone, frequency)
        group = f"{frequency.value}:{due.isoformat()}"
    elif kind.digest is not None:
        window = kind.digest.window.total_seconds()
        # Bursts are cut on a fixed grid, so every member of one computes the same group and time.
        slot = int(now.timestamp() // window) + 1
        due = datetime.fromtimestamp(slot * window, tz=now.tzinfo)
        group = f"burst:{kind.code}:{digest_key or ''}:{slot}"
    if channel in _INTERRUPTING:
        quiet_end = quiet.until(due, zone)
        if quiet_end is not None:
            due = quiet_end
    if due == now and group is None:
        return ChannelPlan(channel, Timing.NOW, now)
    return ChannelPlan(channel, Timing.LATER, due, group)
