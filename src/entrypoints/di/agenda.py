"""The agenda: the RRULE adapter (APP), repositories (REQUEST), use cases and queries (REQUEST)."""

from __future__ import annotations

from dishka import Provider, Scope, provide, provide_all

from adapters.recurrence import DateutilRecurrenceRules
from adapters.sql.agenda import repositories as sql
from application.agenda import services
from application.agenda.ports import EventRepository, RecurrenceRules, TownPeople
from application.agenda.queries import AgendaQueries


class AgendaAdapters(Provider):
    scope = Scope.APP

    rules = provide(DateutilRecurrenceRules, provides=RecurrenceRules)


class AgendaPersistence(Provider):
    scope = Scope.REQUEST

    events = provide(sql.SqlAgendaEvents, provides=EventRepository)
    people = provide(sql.SqlTownPeople, provides=TownPeople)


class AgendaUseCases(Provider):
    scope = Scope.REQUEST

    use_cases = provide_all(services.CreateEvent, services.UpdateEvent, services.DeleteEvent,
                            services.RespondToEvent, AgendaQueries)
