"""The church events in memory."""

from __future__ import annotations

from dishka import Provider, Scope, provide

from adapters.memory import church_events as memory
from application.church_events.ports import ChurchEventReads, ChurchEventRepository, RegistrationRepository


class ChurchEventsMemory(Provider):
    scope = Scope.REQUEST

    events = provide(memory.MemoryChurchEventRepository, provides=ChurchEventRepository)
    registrations = provide(memory.MemoryRegistrationRepository, provides=RegistrationRepository)
    reads = provide(memory.MemoryChurchEventReads, provides=ChurchEventReads)
