"""The reminder cron (every minute): for each occurrence whose reminder time has come (start - minutes <= now <
start), a notice to its organiser and to the attendees who did not decline, exactly once per (event, occurrence,
minutes): the claim is recorded in the transaction that puts the notice in the outbox. After downtime, reminders
whose time passed are sent at once, as long as the occurrence has not started; never before their time."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from application.agenda.notices import AgendaConfig, AgendaNotices
from application.agenda.ports import EventRepository, RecurrenceRules, SentReminders
from application.agenda.queries import expand
from application.shared.ports import Clock, Outbox, UnitOfWork
from domain.agenda.model import MAX_REMINDER_MINUTES, Event, Occurrence, Rsvp

HORIZON = timedelta(minutes=MAX_REMINDER_MINUTES)
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def recipients(event: Event) -> list[int]:
    invited = [user for user, answer in event.attendees.items() if answer is not Rsvp.DECLINED]
    return sorted({event.organiser_id, *invited})


def due(event: Event, occurrence: Occurrence, now: datetime) -> list[int]:
    """The reminders (minutes before) of this occurrence whose time has come, if it has not started."""
    if occurrence.starts_at <= now:
        return []
    return [minutes for minutes in event.reminders if occurrence.starts_at - timedelta(minutes=minutes) <= now]


class SendReminders:
    def __init__(self, events: EventRepository, rules: RecurrenceRules, sent: SentReminders, notices: AgendaNotices,
                 outbox: Outbox, uow: UnitOfWork, clock: Clock, config: AgendaConfig) -> None:
        self._events, self._rules, self._sent, self._notices = events, rules, sent, notices
        self._outbox, self._uow, self._clock = outbox, uow, clock
        self._zone = ZoneInfo(config.zone)

    async def __call__(self) -> int:
        """One transaction per reminder sent; returns how many were."""
        now = self._clock.now()
        events = await self._events.with_reminders(now, now + HORIZON)
        await self._uow.commit()
        sent = 0
        for event in events:
            assert event.id is not None
            for occurrence in expand(event, self._rules, now, now + HORIZON):
                for minutes in due(event, occurrence, now):
                    if not await self._sent.claim(event.id, occurrence.key or "", minutes, now):
                        await self._uow.rollback()
                        continue
                    self._outbox.add(self._notices.reminder(
                        f"agenda:reminder:{event.id}:{occurrence.key or ''}:{minutes}", recipients(event),
                        self._data(event, occurrence, minutes)))
                    await self._uow.commit()
                    sent += 1
        return sent

    def _data(self, event: Event, occurrence: Occurrence, minutes: int) -> dict[str, object]:
        local = occurrence.starts_at.astimezone(self._zone)
        when = f"le {DAYS[local.weekday()]} {local:%d/%m/%Y}" + ("" if event.all_day else f" à {local:%Hh%M}")
        return {"event_id": event.id, "occurrence": occurrence.key, "title": occurrence.title, "when": when,
                "starts_at": occurrence.starts_at.isoformat(), "minutes": minutes,
                "location": occurrence.location.name}
