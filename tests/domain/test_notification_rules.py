"""Notification rules: preferences, critical kinds, digests, quiet hours over many zones and instants (DST included),
delivery backoff, and amounts as people read them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.notifications.delivery import MAX_ATTEMPTS, Delivery, DeliveryStatus
from domain.notifications.kinds import (
    ANNOUNCEMENT,
    EVENT_REMINDER,
    KINDS,
    NEW_COMMENT,
    NEW_MESSAGE,
    PASSWORD_CHANGED,
    WELCOME,
)
from domain.notifications.model import Channel, ChannelText, DigestRule, Frequency, Kind, Preference
from domain.notifications.policies import QuietHours, Timing, next_summary, plan
from domain.shared.money import Money

QUIET = QuietHours()
NO_QUIET = QuietHours(time(0, 0), time(0, 0))
ZONES = sorted(available_timezones() - {"localtime"})
PARIS = ZoneInfo("Europe/Paris")

CRITICAL = [k for k in KINDS if k.critical]
ORDINARY = [k for k in KINDS if not k.critical]
DIGESTED = [k for k in ORDINARY if k.digest is not None]
PLAIN = [k for k in ORDINARY if k.digest is None]
# No kind of the catalogue texts by SMS yet: one that does, to hold SMS to the same rules as push.
SMS_ALERT = Kind("SMS_ALERT", 99, "Alerte", {Channel.IN_APP: ChannelText("Alerte", "{{ message }}")},
                 frozenset({Channel.IN_APP, Channel.SMS, Channel.PUSH, Channel.EMAIL}))

instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC))
zones = st.sampled_from(ZONES).map(ZoneInfo)
frequencies = st.sampled_from(list(Frequency))


def preference(kind: Kind, channel: Channel, *, active: bool = True,
               frequency: Frequency = Frequency.IMMEDIATE) -> Preference:
    return Preference(1, kind.code, channel, active, frequency)


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


def in_quiet_hours(moment: datetime, zone: ZoneInfo) -> bool:
    clock = local(moment, zone).time()
    return clock >= time(22, 0) or clock < time(7, 0)


def at_local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def exists(day: date, clock: time, zone: ZoneInfo) -> bool:
    """False when the wall clock skips `clock` that day (a DST gap)."""
    return local(at_local(day, clock, zone), zone).replace(tzinfo=None) == datetime.combine(day, clock)


# --- preferences and critical kinds ------------------------------------------------------------------------------


@given(kind=st.sampled_from(ORDINARY), now=instants, zone=zones, data=st.data())
def test_a_kind_turned_off_or_never_is_never_sent_on_that_channel(kind: Kind, now: datetime, zone: ZoneInfo,
                                                                  data: st.DataObject) -> None:
    channel = data.draw(st.sampled_from(sorted(kind.channels)))
    silenced = data.draw(st.sampled_from([preference(kind, channel, active=False),
                                          preference(kind, channel, frequency=Frequency.NEVER),
                                          preference(kind, channel, active=False, frequency=Frequency.DAILY)]))
    assert plan(kind, channel, silenced, now=now, zone=zone, quiet=QUIET).timing is Timing.NEVER


@given(kind=st.sampled_from(KINDS), channel=st.sampled_from(list(Channel)), now=instants, zone=zones)
def test_a_channel_the_kind_does_not_use_is_never_planned(kind: Kind, channel: Channel, now: datetime,
                                                          zone: ZoneInfo) -> None:
    assume(channel not in kind.channels)
    on = preference(kind, channel)
    assert plan(kind, channel, on, now=now, zone=zone, quiet=QUIET).timing is Timing.NEVER


@given(kind=st.sampled_from(CRITICAL), now=instants, zone=zones, active=st.booleans(), frequency=frequencies,
       data=st.data())
def test_a_critical_kind_goes_out_at_once_whatever_the_preference_and_the_hour(
        kind: Kind, now: datetime, zone: ZoneInfo, active: bool, frequency: Frequency, data: st.DataObject) -> None:
    channel = data.draw(st.sampled_from(sorted(kind.channels)))
    chosen = data.draw(st.none() | st.just(preference(kind, channel, active=active, frequency=frequency)))
    planned = plan(kind, channel, chosen, now=now, zone=zone, quiet=QUIET)
    assert (planned.timing, planned.due_at, planned.group) == (Timing.NOW, now, None)


def test_a_critical_kind_at_three_in_the_morning_turned_off_still_rings() -> None:
    night = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)  # 03:00 in Paris
    off = preference(PASSWORD_CHANGED, Channel.PUSH, active=False, frequency=Frequency.NEVER)
    assert plan(PASSWORD_CHANGED, Channel.PUSH, off, now=night, zone=PARIS, quiet=QUIET).timing is Timing.NOW
    ordinary = plan(ANNOUNCEMENT, Channel.PUSH, None, now=night, zone=PARIS, quiet=QUIET)
    assert ordinary.timing is Timing.LATER


@given(kind=st.sampled_from(ORDINARY), now=instants, zone=zones,
       frequency=st.sampled_from([Frequency.DAILY, Frequency.WEEKLY]))
def test_the_inbox_stores_at_once_even_for_a_summary(kind: Kind, now: datetime, zone: ZoneInfo,
                                                     frequency: Frequency) -> None:
    chosen = preference(kind, Channel.IN_APP, frequency=frequency)
    assert plan(kind, Channel.IN_APP, chosen, now=now, zone=zone, quiet=QUIET).timing is Timing.NOW


@given(kind=st.sampled_from(ORDINARY), now=instants, zone=zones, data=st.data())
def test_a_daily_summary_is_due_at_the_next_eight_oclock_local(kind: Kind, now: datetime, zone: ZoneInfo,
                                                               data: st.DataObject) -> None:
    channel = data.draw(st.sampled_from(sorted(kind.channels - {Channel.IN_APP})))
    planned = plan(kind, channel, preference(kind, channel, frequency=Frequency.DAILY), now=now, zone=zone,
                   quiet=QUIET)
    assert planned.timing is Timing.LATER and planned.due_at is not None
    due = planned.due_at
    assert due > now
    day = local(due, zone).date()
    assume(exists(day, time(8, 0), zone))
    assert local(due, zone).time() == time(8, 0)
    # No 08:00 local between now and then: the one of the day before had passed.
    assert at_local(day - timedelta(days=1), time(8, 0), zone) <= now
    assert planned.group == f"DAILY:{due.isoformat()}"


@given(kind=st.sampled_from(ORDINARY), now=instants, zone=zones, data=st.data())
def test_a_weekly_summary_is_due_on_the_next_monday_at_eight_local(kind: Kind, now: datetime, zone: ZoneInfo,
                                                                   data: st.DataObject) -> None:
    channel = data.draw(st.sampled_from(sorted(kind.channels - {Channel.IN_APP})))
    planned = plan(kind, channel, preference(kind, channel, frequency=Frequency.WEEKLY), now=now, zone=zone,
                   quiet=QUIET)
    assert planned.timing is Timing.LATER and planned.due_at is not None
    due = planned.due_at
    assert due > now
    day = local(due, zone).date()
    assume(exists(day, time(8, 0), zone))
    assert (day.weekday(), local(due, zone).time()) == (0, time(8, 0))
    assert at_local(day - timedelta(days=7), time(8, 0), zone) <= now


def test_summaries_on_known_dates() -> None:
    tuesday_night = datetime(2026, 6, 2, 21, 30, tzinfo=UTC)  # 23:30 in Paris, a Tuesday
    assert next_summary(tuesday_night, PARIS, Frequency.DAILY) == datetime(2026, 6, 3, 6, 0, tzinfo=UTC)
    assert next_summary(tuesday_night, PARIS, Frequency.WEEKLY) == datetime(2026, 6, 8, 6, 0, tzinfo=UTC)
    monday_early = datetime(2026, 6, 8, 5, 0, tzinfo=UTC)  # 07:00 in Paris, a Monday
    assert next_summary(monday_early, PARIS, Frequency.WEEKLY) == datetime(2026, 6, 8, 6, 0, tzinfo=UTC)
    monday_eight = datetime(2026, 6, 8, 6, 0, tzinfo=UTC)
    assert next_summary(monday_eight, PARIS, Frequency.WEEKLY) == datetime(2026, 6, 15, 6, 0, tzinfo=UTC)


# --- digests -----------------------------------------------------------------------------------------------------


def slot_of(moment: datetime, rule: DigestRule) -> int:
    return int(moment.timestamp() // rule.window.total_seconds())


@given(kind=st.sampled_from(DIGESTED), start=instants, zone=zones, thread=st.text(max_size=8),
       offsets=st.lists(st.floats(0, 1, exclude_max=True), min_size=2, max_size=6), data=st.data())
def test_every_member_of_a_burst_computes_the_same_group_and_time(kind: Kind, start: datetime, zone: ZoneInfo,
                                                                  thread: str, offsets: list[float],
                                                                  data: st.DataObject) -> None:
    assert kind.digest is not None
    window = kind.digest.window
    grid = datetime.fromtimestamp(slot_of(start, kind.digest) * window.total_seconds(), tz=UTC)
    members = [grid + timedelta(microseconds=int(window / timedelta(microseconds=1) * f)) for f in offsets]
    assume(all(slot_of(m, kind.digest) == slot_of(grid, kind.digest) for m in members))
    channel = data.draw(st.sampled_from(sorted(kind.channels - {Channel.IN_APP})))
    plans = [plan(kind, channel, None, now=m, zone=zone, quiet=QUIET, digest_key=thread) for m in members]
    assert len({(p.group, p.due_at) for p in plans}) == 1
    first = plans[0]
    assert first.timing is Timing.LATER and first.group is not None and first.due_at is not None
    assert all(first.due_at > m for m in members)
    if channel is Channel.EMAIL or not in_quiet_hours(grid + window, zone):
        assert first.due_at == grid + window


@given(kind=st.sampled_from(DIGESTED), first=instants, later=st.integers(1, 10_000), zone=zones,
       channel=st.sampled_from([Channel.PUSH, Channel.EMAIL]))
def test_a_later_burst_is_another_group(kind: Kind, first: datetime, later: int, zone: ZoneInfo,
                                        channel: Channel) -> None:
    assert kind.digest is not None
    assume(channel in kind.channels)
    second = first + kind.digest.window * later
    one = plan(kind, channel, None, now=first, zone=zone, quiet=QUIET, digest_key="7")
    two = plan(kind, channel, None, now=second, zone=zone, quiet=QUIET, digest_key="7")
    assert one.group != two.group
    assert one.due_at is not None and two.due_at is not None and two.due_at >= one.due_at


@given(kind=st.sampled_from(DIGESTED), now=instants, zone=zones, keys=st.lists(st.text(max_size=5), min_size=2,
                                                                             max_size=2, unique=True))
def test_bursts_of_two_threads_are_two_groups(kind: Kind, now: datetime, zone: ZoneInfo, keys: list[str]) -> None:
    groups = {plan(kind, Channel.PUSH, None, now=now, zone=zone, quiet=QUIET, digest_key=k).group for k in keys}
    assert len(groups) == 2


def test_a_digest_title_counts() -> None:
    assert NEW_COMMENT.digest is not None and NEW_MESSAGE.digest is not None
    assert NEW_COMMENT.digest.title(1) == "1 nouveau commentaire"
    assert NEW_COMMENT.digest.title(5) == "5 nouveaux commentaires"
    assert NEW_MESSAGE.digest.title(2) == "2 nouveaux messages"


# --- quiet hours -------------------------------------------------------------------------------------------------


def assert_next_seven_local(due: datetime, now: datetime, zone: ZoneInfo) -> None:
    assert due > now
    day = local(due, zone).date()
    if exists(day, time(7, 0), zone):
        assert local(due, zone).time() == time(7, 0)
    # The 07:00 local of the day before was before now: it is the next one.
    assert at_local(day - timedelta(days=1), time(7, 0), zone) <= now


@given(kind=st.sampled_from([*PLAIN, SMS_ALERT]), now=instants, zone=zones,
       channel=st.sampled_from([Channel.PUSH, Channel.SMS]))
def test_a_push_or_sms_at_night_waits_for_seven_local_and_goes_at_once_by_day(kind: Kind, now: datetime,
                                                                              zone: ZoneInfo,
                                                                              channel: Channel) -> None:
    assume(channel in kind.channels)
    planned = plan(kind, channel, None, now=now, zone=zone, quiet=QUIET)
    if in_quiet_hours(now, zone):
        assert planned.timing is Timing.LATER and planned.due_at is not None
        assert_next_seven_local(planned.due_at, now, zone)
        assert planned.group is None
    else:
        assert (planned.timing, planned.due_at) == (Timing.NOW, now)


@given(kind=st.sampled_from([*ORDINARY, SMS_ALERT]), now=instants, zone=zones, start=st.integers(0, 23),
       end=st.integers(0, 23), data=st.data())
def test_a_push_or_sms_is_never_due_inside_quiet_hours_whatever_the_span(kind: Kind, now: datetime, zone: ZoneInfo,
                                                                         start: int, end: int,
                                                                         data: st.DataObject) -> None:
    """Summaries included: a span that covers 08:00 holds back the morning summary's push too."""
    quiet = QuietHours(time(start), time(end))
    channel = data.draw(st.sampled_from(sorted(kind.channels & {Channel.PUSH, Channel.SMS})))
    frequency = data.draw(st.sampled_from([Frequency.IMMEDIATE, Frequency.DAILY, Frequency.WEEKLY]))
    planned = plan(kind, channel, preference(kind, channel, frequency=frequency), now=now, zone=zone, quiet=quiet,
                   digest_key="1")
    assert planned.due_at is not None and planned.due_at >= now
    due = local(planned.due_at, zone)
    assume(exists(due.date(), time(end), zone))
    assert quiet.until(planned.due_at, zone) is None


@given(kind=st.sampled_from([*ORDINARY, SMS_ALERT]), now=instants, zone=zones,
       channel=st.sampled_from([Channel.IN_APP, Channel.EMAIL]))
def test_inbox_and_email_are_never_held_by_quiet_hours(kind: Kind, now: datetime, zone: ZoneInfo,
                                                       channel: Channel) -> None:
    assume(channel in kind.channels)
    quiet = plan(kind, channel, None, now=now, zone=zone, quiet=QUIET, digest_key="1")
    none = plan(kind, channel, None, now=now, zone=zone, quiet=NO_QUIET, digest_key="1")
    assert quiet == none
    if kind.digest is None or channel is Channel.IN_APP:
        assert (quiet.timing, quiet.due_at) == (Timing.NOW, now)


@given(now=instants, zone=zones, start=st.integers(0, 23), end=st.integers(0, 23))
def test_any_quiet_span_ends_after_now_and_outside_itself(now: datetime, zone: ZoneInfo, start: int,
                                                          end: int) -> None:
    quiet = QuietHours(time(start), time(end))
    ends = quiet.until(now, zone)
    if ends is not None:
        assert ends > now
        assert quiet.until(ends, zone) is None or not exists(local(ends, zone).date(), time(end), zone)


def test_quiet_hours_on_known_nights() -> None:
    cotonou = ZoneInfo("Africa/Porto-Novo")  # UTC+1 all year
    late = datetime(2026, 5, 10, 21, 30, tzinfo=UTC)  # 22:30 in Cotonou
    planned = plan(WELCOME, Channel.PUSH, None, now=late, zone=cotonou, quiet=QUIET)
    assert planned.due_at == datetime(2026, 5, 11, 6, 0, tzinfo=UTC)
    early = datetime(2026, 5, 11, 5, 59, tzinfo=UTC)  # 06:59
    assert plan(WELCOME, Channel.PUSH, None, now=early, zone=cotonou, quiet=QUIET).due_at == \
        datetime(2026, 5, 11, 6, 0, tzinfo=UTC)
    day = datetime(2026, 5, 11, 6, 0, tzinfo=UTC)  # 07:00
    assert plan(WELCOME, Channel.PUSH, None, now=day, zone=cotonou, quiet=QUIET).timing is Timing.NOW
    evening = datetime(2026, 5, 11, 20, 59, tzinfo=UTC)  # 21:59
    assert plan(EVENT_REMINDER, Channel.PUSH, None, now=evening, zone=cotonou, quiet=QUIET).timing is Timing.NOW


# --- DST ---------------------------------------------------------------------------------------------------------


def last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


around_dst = st.builds(
    lambda year, month, minutes: datetime.combine(last_sunday(year, month), time(1, 0), tzinfo=UTC)
    + timedelta(minutes=minutes),
    st.integers(2000, 2040), st.sampled_from([3, 10]), st.integers(-3 * 24 * 60, 3 * 24 * 60))


@given(now=around_dst, kind=st.sampled_from([*KINDS, SMS_ALERT]), channel=st.sampled_from(list(Channel)),
       frequency=frequencies, digest_key=st.sampled_from([None, "1"]))
def test_across_paris_dst_nothing_is_due_before_now(now: datetime, kind: Kind, channel: Channel,
                                                    frequency: Frequency, digest_key: str | None) -> None:
    planned = plan(kind, channel, preference(kind, channel, frequency=frequency), now=now, zone=PARIS, quiet=QUIET,
                   digest_key=digest_key)
    if planned.timing is Timing.NEVER:
        return
    assert planned.due_at is not None and planned.due_at >= now
    if planned.timing is Timing.LATER:
        assert planned.due_at > now


@given(now=around_dst)
def test_across_paris_dst_a_night_push_waits_for_seven_local(now: datetime) -> None:
    planned = plan(ANNOUNCEMENT, Channel.PUSH, None, now=now, zone=PARIS, quiet=QUIET)
    if in_quiet_hours(now, PARIS):
        assert planned.due_at is not None
        assert_next_seven_local(planned.due_at, now, PARIS)
        assert local(planned.due_at, PARIS).time() == time(7, 0)
    else:
        assert planned.timing is Timing.NOW


def test_the_nights_clocks_change_in_paris() -> None:
    spring = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET, before the clocks jump to 03:00 CEST
    assert plan(ANNOUNCEMENT, Channel.PUSH, None, now=spring, zone=PARIS, quiet=QUIET).due_at == \
        datetime(2026, 3, 29, 5, 0, tzinfo=UTC)  # 07:00 CEST
    autumn = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST, the first of the two
    assert plan(ANNOUNCEMENT, Channel.PUSH, None, now=autumn, zone=PARIS, quiet=QUIET).due_at == \
        datetime(2026, 10, 25, 6, 0, tzinfo=UTC)  # 07:00 CET
    assert next_summary(autumn, PARIS, Frequency.DAILY) == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)


# --- delivery backoff --------------------------------------------------------------------------------------------


def delivery(now: datetime) -> Delivery:
    return Delivery(key="k:1:PUSH", user_id=1, channel=Channel.PUSH, kind=ANNOUNCEMENT.code, title="t", body="b",
                    due_at=now, created_at=now, group_key="1:PUSH:k")


@given(now=instants, asked=st.lists(st.none() | st.floats(0, 10 * 3600), min_size=MAX_ATTEMPTS,
                                    max_size=MAX_ATTEMPTS))
def test_backoff_grows_honours_the_provider_and_stops_at_max_attempts(now: datetime,
                                                                      asked: list[float | None]) -> None:
    record = delivery(now)
    waits: list[timedelta] = []
    for attempt, after in enumerate(asked, start=1):
        record.retry(now, "503", after)
        assert record.attempts == attempt
        if attempt == MAX_ATTEMPTS:
            assert record.status is DeliveryStatus.FAILED
            break
        assert record.status is DeliveryStatus.PENDING
        wait = record.due_at - now
        if after is not None:
            assert wait >= timedelta(seconds=after)
        waits.append(wait)
    plain = delivery(now)
    own: list[timedelta] = []
    for _ in range(MAX_ATTEMPTS - 1):
        plain.retry(now, "503")
        own.append(plain.due_at - now)
    assert own == sorted(own) and len(set(own)) == len(own)
    assert all(w >= o for w, o in zip(waits, own, strict=True))
    assert own[0] >= timedelta(minutes=1)


def test_a_failed_delivery_is_not_due_again() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    record = delivery(now)
    for _ in range(MAX_ATTEMPTS):
        record.retry(now, "503")
    due = record.due_at
    assert record.status is DeliveryStatus.FAILED and record.attempts == MAX_ATTEMPTS
    record.retry(now + timedelta(hours=1), "503")
    assert record.status is DeliveryStatus.FAILED and record.due_at == due


def test_sent_clears_the_last_error() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    record = delivery(now)
    record.retry(now, "429", 30)
    record.sent(now + timedelta(minutes=2), "ticket-1", "ExponentPushToken[a]")
    assert (record.status, record.attempts, record.last_error, record.target) == \
        (DeliveryStatus.SENT, 2, None, "ExponentPushToken[a]")


# --- amounts as people read them ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("money", "text"), [
    (Money(12500, "XOF"), "12 500 FCFA"), (Money(0, "XOF"), "0 FCFA"), (Money(1_000_000, "XOF"), "1 000 000 FCFA"),
    (Money(123450, "EUR"), "1 234,50 €"), (Money(5, "EUR"), "0,05 €"), (Money(-250, "EUR"), "-2,50 €"),
    (Money(99, "USD"), "0,99 $"), (Money(-1500, "XOF"), "-1 500 FCFA"),
])
def test_amounts_read_as_french_readers_write_them(money: Money, text: str) -> None:
    assert money.for_people() == text


@given(minor=st.integers(-10**15, 10**15), currency=st.sampled_from(["XOF", "EUR", "USD"]))
def test_an_amount_for_people_reads_back_to_the_same_amount(minor: int, currency: str) -> None:
    text = Money(minor, currency).for_people()
    number, _, symbol = text.rpartition(" ")
    assert symbol in {"FCFA", "€", "$"}
    digits = number.removeprefix("-").split(",")[0]
    groups = digits.split(" ")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3
    assert Money.parse(number.replace(" ", "").replace(",", "."), currency) == Money(minor, currency)
