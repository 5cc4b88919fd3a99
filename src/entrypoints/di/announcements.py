"""The announcements context: configuration, repositories and read side (REQUEST), use cases."""

from __future__ import annotations

from dishka import Provider, Scope, provide, provide_all

from adapters.sql.announcements import repositories as sql
from adapters.sql.announcements.reads import SqlAnnouncementReads
from application.announcements import services
from application.announcements.config import AnnouncementsConfig
from application.announcements.ports import (
    AnnouncementReads,
    AnnouncementRepository,
    AuthorNames,
    PushRequests,
    ReadMarks,
)
from application.announcements.queries import AnnouncementQueries
from entrypoints.contexts.notification_reactions import AnnouncementPushes


class AnnouncementsAdapters(Provider):
    scope = Scope.APP

    @provide
    def config(self) -> AnnouncementsConfig:
        return AnnouncementsConfig()

    pushes = provide(AnnouncementPushes, provides=PushRequests)
    reads = provide(SqlAnnouncementReads, provides=AnnouncementReads)


class AnnouncementsPersistence(Provider):
    scope = Scope.REQUEST

    announcements = provide(sql.SqlAnnouncementRepository, provides=AnnouncementRepository)
    reads = provide(sql.SqlReadMarks, provides=ReadMarks)
    authors = provide(sql.SqlAuthorNames, provides=AuthorNames)


class AnnouncementsUseCases(Provider):
    scope = Scope.REQUEST

    use_cases = provide_all(
        services.CreateAnnouncement, services.UpdateAnnouncement, services.DeleteAnnouncement, services.MarkRead,
        services.PublishDueAnnouncements, services.PushAnnouncement, AnnouncementQueries,
    )
