"""What the conversations need: their storage, the read side, and the accounts of the people writing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.messaging.model import Attachment, Conversation, ConversationStatus, Message

# ---------------------------------------------------------------- storage (unit of work)


class ConversationRepository(Protocol):
    async def add(self, conversation: Conversation) -> Conversation:
        """Stores a new conversation and gives it its id."""
        ...

    async def get_for_update(self, conversation_id: int) -> Conversation | None:
        """Loads the conversation and holds it against concurrent writers until the transaction ends."""
        ...

    async def save(self, conversation: Conversation) -> None: ...

    async def by_token_for_update(self, reply_token: str) -> Conversation | None:
        """The conversation whose reply-to address carries this token, locked."""
        ...

    async def delete(self, conversation: Conversation) -> list[str]:
        """Removes it with its messages and attachments; gives back the attachments' paths (files to delete)."""
        ...


class MessageRepository(Protocol):
    async def add(self, message: Message, attachments: Sequence[Attachment]) -> Message:
        """Stores the message and its attachments, giving them their ids."""
        ...

    async def has_external(self, external_id: str) -> bool:
        """Whether an emailed reply with this provider id is stored already."""
        ...

    async def mark_read(self, conversation_id: int, *, from_citizen: bool, now: datetime) -> None:
        """Sets `read_at` on the messages of one side (the citizen's, or the staff's) not read yet."""
        ...


# ---------------------------------------------------------------- accounts


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str
    avatar_url: str | None


class People(Protocol):
    async def find(self, user_ids: Sequence[int]) -> dict[int, Person]:
        """The accounts among `user_ids` that exist."""
        ...


# ---------------------------------------------------------------- read side


@dataclass(frozen=True)
class ConversationSearch:
    municipality_id: int
    citizen_id: int | None  # a citizen's own conversations; None: the whole town (staff)
    status: ConversationStatus | None = None  # as the caller sees it (see Conversation.status_for)
    search: str | None = None
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class ConversationCard:
    conversation: Conversation
    last_message: Message | None


@dataclass(frozen=True)
class ConversationPage:
    total: int
    unread: int  # conversations unread for the caller, the filter aside
    items: list[ConversationCard]


@dataclass(frozen=True)
class Thread:
    conversation: Conversation
    messages: list[Message]
    attachments: dict[int, list[Attachment]]  # message id -> its attachments


class MessagingReads(Protocol):
    async def conversations(self, search: ConversationSearch) -> ConversationPage: ...

    async def conversation(self, conversation_id: int) -> Conversation | None: ...

    async def thread(self, conversation: Conversation) -> Thread: ...
