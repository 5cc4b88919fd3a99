"""The publications context in memory: its repositories, read side and town accounts over the MemoryStore."""

from __future__ import annotations

from dishka import Provider, Scope, provide

from adapters.memory import publications as memory
from application.publications.ports import (
    CommentRepository,
    LikeRepository,
    PublicationReads,
    PublicationRepository,
    TownAccounts,
    ViewCounter,
)


class PublicationsMemory(Provider):
    scope = Scope.REQUEST

    publications = provide(memory.MemoryPublicationRepository, provides=PublicationRepository)
    comments = provide(memory.MemoryCommentRepository, provides=CommentRepository)
    likes = provide(memory.MemoryLikeRepository, provides=LikeRepository)
    accounts = provide(memory.MemoryTownAccounts, provides=TownAccounts)
    views = provide(memory.MemoryViewCounter, scope=Scope.APP, provides=ViewCounter)
    reads = provide(memory.MemoryPublicationReads, scope=Scope.APP, provides=PublicationReads)
