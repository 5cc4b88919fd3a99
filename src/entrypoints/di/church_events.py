"""The church events: repositories, read side and pushes (REQUEST), use cases and queries."""

from __future__ import annotations

from dishka import Provider, Scope, provide, provide_all

from adapters.church_events.pushes import OutboxCancellationPushes
from adapters.sql.church_events import repositories as sql
from adapters.sql.church_events.reads import SqlChurchEventReads
from application.church_events import services
from application.church_events.ports import (
    CancellationPushes,
    ChurchEventReads,
    ChurchEventRepository,
    RegistrationRepository,
)
from application.church_events.queries import ChurchEventQueries


class ChurchEventsPersistence(Provider):
    scope = Scope.REQUEST

    events = provide(sql.SqlChurchEventRepository, provides=ChurchEventRepository)
    registrations = provide(sql.SqlRegistrationRepository, provides=RegistrationRepository)
    reads = provide(SqlChurchEventReads, provides=ChurchEventReads)


class ChurchEventsUseCases(Provider):
    scope = Scope.REQUEST

    pushes = provide(OutboxCancellationPushes, provides=CancellationPushes)
    use_cases = provide_all(
        services.CreateEvent, services.UpdateEvent, services.DeleteEvent, services.Register, services.Unregister,
        services.TellCancelled, ChurchEventQueries,
    )
