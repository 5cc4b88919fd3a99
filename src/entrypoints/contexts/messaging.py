"""Messaging: the Mairie's conversations with its citizens (tables `messaging_*`)."""

from __future__ import annotations

from adapters.sql.messaging import mapping
from application.messaging.announcements import ANNOUNCEMENTS
from entrypoints.contexts.base import BoundedContext
from entrypoints.di.memory.messaging import MessagingMemory
from entrypoints.di.messaging import MessagingAdapters, MessagingPersistence, MessagingUseCases
from entrypoints.http.faces.mairie.controllers import messages as mairie_messages
from entrypoints.http.webhooks.mail import InboundMailWebhook
from entrypoints.seed_messaging import messaging_demo

MESSAGING = BoundedContext(
    name="messaging",
    providers=(MessagingAdapters, MessagingPersistence, MessagingUseCases),
    memory_providers=(MessagingMemory,),
    map_entities=mapping.map_entities,
    announcements=ANNOUNCEMENTS,
    routes={"mairie": (mairie_messages.MessagesController,)},
    webhooks=(InboundMailWebhook,),
    demo_seed=messaging_demo,
)
