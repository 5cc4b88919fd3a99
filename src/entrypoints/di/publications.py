"""The publications context: configuration and read side (APP), repositories (REQUEST), use cases."""

from __future__ import annotations

from collections.abc import Sequence

from dishka import Provider, Scope, provide, provide_all

from adapters.sql.identity.town_accounts import SqlTownAccounts
from adapters.sql.publications import repositories as sql
from adapters.sql.publications.reads import SqlPublicationReads
from application.notifications.requests import notify
from application.publications import services
from application.publications.config import PublicationsConfig
from application.publications.ports import (
    CommentRepository,
    LikeRepository,
    Notices,
    PublicationReads,
    PublicationRepository,
    TownAccounts,
    ViewCounter,
)
from application.publications.queries import PublicationQueries
from application.shared.ports import OutboxMessage
from domain.notifications import kinds


class PublicationNotices:
    """Publications' requests to notifications: the NEW_PUBLICATION notice, to Mairie accounts only."""

    def published(self, user_ids: Sequence[int], publication_id: int, title: str) -> OutboxMessage:
        return notify(kinds.NEW_PUBLICATION.code, user_ids, f"publication:{publication_id}:published",
                      {"title": title, "publication_id": publication_id}, realm="mairie")


class PublicationsAdapters(Provider):
    scope = Scope.APP

    @provide
    def config(self) -> PublicationsConfig:
        return PublicationsConfig()

    reads = provide(SqlPublicationReads, provides=PublicationReads)
    views = provide(sql.SqlViewCounter, provides=ViewCounter)
    queries = provide(PublicationQueries)
    notices = provide(PublicationNotices, provides=Notices)


class PublicationsPersistence(Provider):
    scope = Scope.REQUEST

    publications = provide(sql.SqlPublicationRepository, provides=PublicationRepository)
    comments = provide(sql.SqlCommentRepository, provides=CommentRepository)
    likes = provide(sql.SqlLikeRepository, provides=LikeRepository)
    accounts = provide(SqlTownAccounts, provides=TownAccounts)


class PublicationsUseCases(Provider):
    scope = Scope.REQUEST

    use_cases = provide_all(
        services.CreatePublication, services.UpdatePublication, services.DeletePublication, services.ToggleLike,
        services.AddComment, services.DeleteComment, services.PublishDue, services.TellFollowers,
    )
