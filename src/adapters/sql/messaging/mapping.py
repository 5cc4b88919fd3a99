"""Imperative mapping of the conversations' entities."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sql.messaging import tables
from domain.messaging.model import Attachment, Conversation, Message


def map_entities(mapper: registry) -> None:
    mapper.map_imperatively(Conversation, tables.conversations)
    mapper.map_imperatively(Message, tables.messages)
    mapper.map_imperatively(Attachment, tables.attachments)
