"""The agenda in memory: its events, feeds, reminders sent and the town's accounts over the MemoryStore."""

from __future__ import annotations

from dishka import Provider, Scope, provide

from adapters.memory import agenda as memory
from application.agenda.ports import AccountActors, EventRepository, FeedStore, SentReminders, TownPeople


class AgendaMemory(Provider):
    scope = Scope.REQUEST

    events = provide(memory.MemoryAgendaEvents, provides=EventRepository)
    people = provide(memory.MemoryTownPeople, provides=TownPeople)
    feeds = provide(memory.MemoryAgendaFeeds, provides=FeedStore)
    sent = provide(memory.MemorySentReminders, provides=SentReminders)
    accounts = provide(memory.MemoryAccountActors, provides=AccountActors)
