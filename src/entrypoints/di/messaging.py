"""The conversations: configuration (APP), repositories, read side and accounts (REQUEST), use cases."""

from __future__ import annotations

from dishka import Provider, Scope, provide, provide_all

from adapters.sql.messaging import repositories as sql
from adapters.sql.messaging.reads import SqlMessagingReads
from application.messaging import inbound, services
from application.messaging.config import MessagingConfig
from application.messaging.ports import ConversationRepository, MessageRepository, MessagingReads, People
from application.messaging.queries import MessagingQueries
from entrypoints.settings import Settings


class MessagingAdapters(Provider):
    scope = Scope.APP

    @provide
    def config(self, settings: Settings) -> MessagingConfig:
        return MessagingConfig(reply_domain=settings.messaging_reply_domain,
                               inbound_secret=settings.messaging_inbound_secret)


class MessagingPersistence(Provider):
    scope = Scope.REQUEST

    conversations = provide(sql.SqlConversationRepository, provides=ConversationRepository)
    messages = provide(sql.SqlMessageRepository, provides=MessageRepository)
    people = provide(sql.SqlPeople, provides=People)
    reads = provide(SqlMessagingReads, provides=MessagingReads)


class MessagingUseCases(Provider):
    scope = Scope.REQUEST

    use_cases = provide_all(services.StartConversation, services.Reply, services.UpdateConversation,
                            services.DeleteConversation, MessagingQueries,
                            inbound.ReceiveEmailReply)
