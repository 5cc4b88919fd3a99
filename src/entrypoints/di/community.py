"""The community context: the church directory that the other church contexts read."""

from __future__ import annotations

from dishka import Provider, Scope, provide

from adapters.sql.community.directory import SqlChurchDirectory
from application.shared.church import ChurchDirectory


class CommunityPersistence(Provider):
    scope = Scope.REQUEST

    directory = provide(SqlChurchDirectory, provides=ChurchDirectory)
