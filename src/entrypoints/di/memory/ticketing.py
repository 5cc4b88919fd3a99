"""The events catalogue in memory: its repositories and read side over the MemoryStore."""

from __future__ import annotations

from dishka import Provider, Scope, provide

from adapters.memory import ticketing as memory
from application.ticketing.ports import (
    EventCreationPolicy,
    EventRepository,
    ParticipationRepository,
    ShareRepository,
    TicketingReads,
    ViewCounter,
)


class TicketingMemory(Provider):
    scope = Scope.REQUEST

    events = provide(memory.MemoryEventRepository, provides=EventRepository)
    participations = provide(memory.MemoryParticipationRepository, provides=ParticipationRepository)
    shares = provide(memory.MemoryShareRepository, provides=ShareRepository)
    views = provide(memory.MemoryViewCounter, scope=Scope.APP, provides=ViewCounter)
    creation_policy = provide(memory.MemoryEventCreationPolicy, provides=EventCreationPolicy)
    reads = provide(memory.MemoryTicketingReads, scope=Scope.APP, provides=TicketingReads)
