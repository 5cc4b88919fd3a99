"""The worship context: configuration and notices (APP), the repository on SQL (REQUEST), use cases."""

from __future__ import annotations

from dishka import Provider, Scope, provide, provide_all

from adapters.notify.worship_notices import NotifyRotaNotices
from adapters.sql.worship.repositories import SqlWorshipRepository
from application.worship import rota, staff
from application.worship.feeds import FeedConfig, FeedTokens, ReadFeed
from application.worship.notices import RotaNotices
from application.worship.ports import WorshipRepository
from application.worship.reminders import SendReminders
from entrypoints.settings import Settings


class WorshipAdapters(Provider):
    scope = Scope.APP

    notices = provide(NotifyRotaNotices, provides=RotaNotices)

    @provide
    def feeds(self, settings: Settings) -> FeedConfig:
        return FeedConfig(("worship-feed:" + settings.secret_key).encode())


class WorshipPersistence(Provider):
    scope = Scope.REQUEST

    rota = provide(SqlWorshipRepository, provides=WorshipRepository)


class WorshipUseCases(Provider):
    scope = Scope.REQUEST

    use_cases = provide_all(
        rota.ListServices, rota.ServiceDetail, rota.AnswerAssignment, rota.AcceptReplacement,
        staff.ListStaffServices, staff.CreateService, staff.UpdateService, staff.DeleteService, staff.ListAssignments,
        staff.CreateAssignment, staff.UpdateAssignment, staff.DeleteAssignment,
        staff.CreateRole, staff.ListRoles, staff.ServeInRole,
        FeedTokens, ReadFeed, SendReminders,
    )
