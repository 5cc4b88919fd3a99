"""The events catalogue: configuration, repositories (REQUEST), read side (APP), use cases. What the sales half
tells it (tickets sold, seats left, recent sales for trending) is wired in di/ticketing_sales.py."""

from __future__ import annotations

from dishka import Provider, Scope, provide, provide_all

from adapters.sql.ticketing import repositories as sql
from adapters.sql.ticketing.reads import SqlTicketingReads
from application.ticketing import catalogue
from application.ticketing.config import TicketingConfig
from application.ticketing.ports import (
    EventCreationPolicy,
    EventRepository,
    ParticipationRepository,
    ShareRepository,
    TicketingReads,
    ViewCounter,
)
from application.ticketing.queries import TicketingQueries


class TicketingAdapters(Provider):
    scope = Scope.APP

    @provide
    def config(self) -> TicketingConfig:
        return TicketingConfig()



class TicketingPersistence(Provider):
    scope = Scope.REQUEST

    events = provide(sql.SqlEventRepository, provides=EventRepository)
    participations = provide(sql.SqlParticipationRepository, provides=ParticipationRepository)
    shares = provide(sql.SqlShareRepository, provides=ShareRepository)
    creation_policy = provide(sql.SqlEventCreationPolicy, provides=EventCreationPolicy)


class TicketingReadSide(Provider):
    scope = Scope.APP

    reads = provide(SqlTicketingReads, provides=TicketingReads)
    views = provide(sql.SqlViewCounter, provides=ViewCounter)
    queries = provide(TicketingQueries)
    record_view = provide(catalogue.RecordView)


class TicketingUseCases(Provider):
    scope = Scope.REQUEST

    use_cases = provide_all(
        catalogue.CreateEvent, catalogue.UpdateEvent, catalogue.DeleteEvent, catalogue.ModerateEvents,
        catalogue.Participate, catalogue.CancelParticipation, catalogue.ShareEvent, catalogue.CancelEvent,
    )
