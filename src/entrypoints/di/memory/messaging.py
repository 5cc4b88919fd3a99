"""The conversations in memory: repositories, read side and accounts over the MemoryStore."""

from __future__ import annotations

from dishka import Provider, Scope, provide

from adapters.memory import messaging as memory
from application.messaging.ports import ConversationRepository, MessageRepository, MessagingReads, People


class MessagingMemory(Provider):
    scope = Scope.REQUEST

    conversations = provide(memory.MemoryConversationRepository, provides=ConversationRepository)
    messages = provide(memory.MemoryMessageRepository, provides=MessageRepository)
    people = provide(memory.MemoryPeople, provides=People)
    reads = provide(memory.MemoryMessagingReads, provides=MessagingReads)
