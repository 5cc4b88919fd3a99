"""The rota in memory."""

from __future__ import annotations

from dishka import Provider, Scope, provide

from adapters.memory.worship import MemoryWorshipRepository
from application.worship.ports import WorshipRepository


class WorshipMemory(Provider):
    scope = Scope.REQUEST

    rota = provide(MemoryWorshipRepository, provides=WorshipRepository)
