"""The community context in memory."""

from __future__ import annotations

from dishka import Provider, Scope, provide

from adapters.memory.church_directory import MemoryChurchDirectory
from application.shared.church import ChurchDirectory


class CommunityMemory(Provider):
    scope = Scope.REQUEST

    directory = provide(MemoryChurchDirectory, provides=ChurchDirectory)
