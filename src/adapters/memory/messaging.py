"""Memory adapters of the conversations: repositories, read side and accounts over a MemoryStore."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from adapters.memory.store import MemoryStore, detached
from application.messaging.ports import ConversationCard, ConversationPage, ConversationSearch, Person, Thread
from domain.messaging.model import Attachment, Conversation, ConversationStatus, Message

CONVERSATIONS, MESSAGES, ATTACHMENTS = "messaging_conversations", "messaging_messages", "messaging_attachments"


class MemoryConversationRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._rows: dict[int, Conversation] = store.table(CONVERSATIONS)

    async def add(self, conversation: Conversation) -> Conversation:
        conversation.id = self._store.next_id(CONVERSATIONS)
        self._rows[conversation.id] = self._store.keep(conversation)
        return conversation

    async def get_for_update(self, conversation_id: int) -> Conversation | None:
        found = self._rows.get(conversation_id)
        return detached(found) if found else None

    async def save(self, conversation: Conversation) -> None:
        assert conversation.id is not None
        self._rows[conversation.id] = self._store.keep(conversation)

    async def by_token_for_update(self, reply_token: str) -> Conversation | None:
        found = next((c for c in self._rows.values() if c.reply_token == reply_token), None)
        return detached(found) if found else None

    async def delete(self, conversation: Conversation) -> list[str]:
        self._rows.pop(conversation.id or 0, None)
        messages: dict[int, Message] = self._store.table(MESSAGES)
        attachments: dict[int, Attachment] = self._store.table(ATTACHMENTS)
        gone = {key for key, m in messages.items() if m.conversation_id == conversation.id}
        paths = [a.path for a in attachments.values() if a.message_id in gone]
        for key in gone:
            del messages[key]
        for key in [k for k, a in attachments.items() if a.message_id in gone]:
            del attachments[key]
        return paths


class MemoryMessageRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._rows: dict[int, Message] = store.table(MESSAGES)
        self._attachments: dict[int, Attachment] = store.table(ATTACHMENTS)

    async def add(self, message: Message, attachments: Sequence[Attachment]) -> Message:
        message.id = self._store.next_id(MESSAGES)
        self._rows[message.id] = detached(message)
        for attachment in attachments:
            attachment.id, attachment.message_id = self._store.next_id(ATTACHMENTS), message.id
            self._attachments[attachment.id] = detached(attachment)
        return message

    async def has_external(self, external_id: str) -> bool:
        return any(m.external_id == external_id for m in self._rows.values())

    async def mark_read(self, conversation_id: int, *, from_citizen: bool, now: datetime) -> None:
        for message in self._rows.values():
            if message.conversation_id == conversation_id and message.from_citizen == from_citizen \
                    and message.read_at is None:
                message.read_at = now


class MemoryPeople:
    def __init__(self, store: MemoryStore) -> None:
        self._users: dict[int, Any] = store.table("users")

    async def find(self, user_ids: Sequence[int]) -> dict[int, Person]:
        found: dict[int, Person] = {}
        for user_id in user_ids:
            if (user := self._users.get(user_id)) is not None:
                name = f"{user.first_name} {user.last_name}".strip() or user.email
                found[user_id] = Person(id=user_id, name=name, email=user.email, avatar_url=user.photo)
        return found


def _matches(conversation: Conversation, search: ConversationSearch, people: dict[int, Any]) -> bool:
    if conversation.municipality_id != search.municipality_id:
        return False
    if search.citizen_id is not None and conversation.citizen_id != search.citizen_id:
        return False
    if search.status is not None and conversation.status_for(search.citizen_id is not None) is not search.status:
        return False
    if search.search:
        user = people.get(conversation.citizen_id)
        haystack = [conversation.subject]
        if user is not None:
            haystack += [f"{user.first_name} {user.last_name}", user.email]
        return any(search.search.lower() in text.lower() for text in haystack)
    return True


class MemoryMessagingReads:
    def __init__(self, store: MemoryStore) -> None:
        self._conversations: dict[int, Conversation] = store.table(CONVERSATIONS)
        self._messages: dict[int, Message] = store.table(MESSAGES)
        self._attachments: dict[int, Attachment] = store.table(ATTACHMENTS)
        self._users: dict[int, Any] = store.table("users")

    async def conversations(self, search: ConversationSearch) -> ConversationPage:
        citizen_view = search.citizen_id is not None
        chosen = sorted((c for c in self._conversations.values() if _matches(c, search, self._users)),
                        key=lambda c: (c.updated_at, c.id or 0), reverse=True)
        scope = [c for c in self._conversations.values() if c.municipality_id == search.municipality_id
                 and (search.citizen_id is None or c.citizen_id == search.citizen_id)]
        unread = sum(1 for c in scope if c.status_for(citizen_view) is ConversationStatus.UNREAD)
        page = chosen[search.offset:search.offset + search.limit]
        return ConversationPage(total=len(chosen), unread=unread, items=[
            ConversationCard(detached(c), detached(self._messages.get(c.last_message_id or 0))) for c in page])

    async def conversation(self, conversation_id: int) -> Conversation | None:
        found = self._conversations.get(conversation_id)
        return detached(found) if found else None

    async def thread(self, conversation: Conversation) -> Thread:
        messages = sorted((m for m in self._messages.values() if m.conversation_id == conversation.id),
                          key=lambda m: (m.created_at, m.id or 0))
        found: dict[int, list[Attachment]] = {}
        for attachment in sorted(self._attachments.values(), key=lambda a: a.id or 0):
            if any(m.id == attachment.message_id for m in messages):
                found.setdefault(attachment.message_id or 0, []).append(detached(attachment))
        return Thread(detached(conversation), [detached(m) for m in messages], found)
