"""The agenda: the RRULE adapter, feed secret, notices and the town's time (APP), repositories (REQUEST), use cases
and queries (REQUEST)."""

from __future__ import annotations

from dishka import Provider, Scope, provide, provide_all

from adapters.notify.agenda_notices import NotifyAgendaNotices
from adapters.recurrence import DateutilRecurrenceRules
from adapters.sql.agenda import repositories as sql
from application.agenda import services
from application.agenda.feeds import AgendaFeeds, FeedConfig, ReadFeed
from application.agenda.notices import AgendaConfig, AgendaNotices
from application.agenda.ports import (
    AccountActors,
    EventRepository,
    FeedStore,
    RecurrenceRules,
    SentReminders,
    TownPeople,
)
from application.agenda.queries import AgendaQueries
from application.agenda.reminders import SendReminders
from application.notifications.config import NotificationsConfig
from domain.shared.realm import Realm
from entrypoints.settings import Settings


class AgendaAdapters(Provider):
    scope = Scope.APP

    rules = provide(DateutilRecurrenceRules, provides=RecurrenceRules)
    notices = provide(NotifyAgendaNotices, provides=AgendaNotices)

    @provide
    def feeds(self, settings: Settings) -> FeedConfig:
        return FeedConfig(("agenda-feed:" + settings.secret_key).encode())

    @provide
    def config(self, notifications: NotificationsConfig) -> AgendaConfig:
        return AgendaConfig(zone=notifications.zones[Realm.MAIRIE])


class AgendaPersistence(Provider):
    scope = Scope.REQUEST

    events = provide(sql.SqlAgendaEvents, provides=EventRepository)
    people = provide(sql.SqlTownPeople, provides=TownPeople)
    feeds = provide(sql.SqlAgendaFeeds, provides=FeedStore)
    sent = provide(sql.SqlSentReminders, provides=SentReminders)
    accounts = provide(sql.SqlAccountActors, provides=AccountActors)


class AgendaUseCases(Provider):
    scope = Scope.REQUEST

    use_cases = provide_all(services.CreateEvent, services.UpdateEvent, services.DeleteEvent,
                            services.RespondToEvent, AgendaQueries, AgendaFeeds, ReadFeed, SendReminders)
