"""The announcements context in memory."""

from __future__ import annotations

from dishka import Provider, Scope, provide

from adapters.memory import announcements as memory
from application.announcements.ports import AnnouncementReads, AnnouncementRepository, AuthorNames, ReadMarks


class AnnouncementsMemory(Provider):
    scope = Scope.REQUEST

    announcements = provide(memory.MemoryAnnouncementRepository, provides=AnnouncementRepository)
    reads = provide(memory.MemoryReadMarks, provides=ReadMarks)
    authors = provide(memory.MemoryAuthorNames, provides=AuthorNames)
    queries_reads = provide(memory.MemoryAnnouncementReads, scope=Scope.APP, provides=AnnouncementReads)
