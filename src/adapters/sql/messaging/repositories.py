"""SQL repositories of the conversations (PostgreSQL), and the accounts they show."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.messaging import tables
from application.messaging.ports import Person
from domain.messaging.model import CITIZEN, Attachment, Conversation, Message

_conversations, _messages, _attachments, _accounts = (
    tables.conversations, tables.messages, tables.attachments, tables.accounts)


class SqlConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, conversation: Conversation) -> Conversation:
        self._session.add(conversation)
        await self._session.flush()
        return conversation

    async def get_for_update(self, conversation_id: int) -> Conversation | None:
        result = await self._session.execute(
            select(Conversation).where(_conversations.c.id == conversation_id).with_for_update()
            .execution_options(populate_existing=True))
        return result.scalar_one_or_none()

    async def save(self, conversation: Conversation) -> None:
        self._session.add(conversation)
        await self._session.flush()

    async def by_token_for_update(self, reply_token: str) -> Conversation | None:
        result = await self._session.execute(
            select(Conversation).where(_conversations.c.reply_token == reply_token).with_for_update()
            .execution_options(populate_existing=True))
        return result.scalar_one_or_none()

    async def delete(self, conversation: Conversation) -> list[str]:
        paths = await self._session.scalars(
            select(_attachments.c.path).join(_messages, _messages.c.id == _attachments.c.message_id)
            .where(_messages.c.conversation_id == conversation.id))
        found = list(paths)
        await self._session.execute(delete(_conversations).where(_conversations.c.id == conversation.id))
        self._session.expunge(conversation)
        return found


class SqlMessageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, message: Message, attachments: Sequence[Attachment]) -> Message:
        self._session.add(message)
        await self._session.flush()
        for attachment in attachments:
            attachment.message_id = message.id
        self._session.add_all(list(attachments))
        await self._session.flush()
        return message

    async def has_external(self, external_id: str) -> bool:
        found = await self._session.scalar(select(_messages.c.id).where(_messages.c.external_id == external_id))
        return found is not None

    async def mark_read(self, conversation_id: int, *, from_citizen: bool, now: datetime) -> None:
        side = _messages.c.sender_type == CITIZEN if from_citizen else _messages.c.sender_type != CITIZEN
        await self._session.execute(update(_messages).where(
            _messages.c.conversation_id == conversation_id, side, _messages.c.read_at.is_(None)).values(read_at=now)
            .execution_options(synchronize_session=False))


class SqlPeople:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find(self, user_ids: Sequence[int]) -> dict[int, Person]:
        if not user_ids:
            return {}
        rows = await self._session.execute(select(_accounts).where(_accounts.c.id.in_(sorted(set(user_ids)))))
        return {row.id: Person(id=row.id, name=f"{row.first_name} {row.last_name}".strip() or row.email,
                               email=row.email, avatar_url=row.photo) for row in rows}
