"""The conversations' read side, on the request's session: a page is two statements (the page with its total,
the caller's unread count), a thread two (its messages, their attachments)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from adapters.sql.messaging import tables
from adapters.sql.patterns import any_matches, containing
from application.messaging.ports import ConversationCard, ConversationPage, ConversationSearch, Thread
from domain.messaging.model import Attachment, Conversation, ConversationStatus, Message

_conversations, _messages, _attachments, _accounts = (
    tables.conversations, tables.messages, tables.attachments, tables.accounts)
_ARCHIVED = ConversationStatus.ARCHIVED


def _status(search: ConversationSearch) -> list[ColumnElement[bool]]:
    c = _conversations.c
    if search.status is None:
        return []
    if search.citizen_id is None:
        return [c.status == search.status]
    if search.status is ConversationStatus.UNREAD:
        return [c.citizen_unread > 0]
    if search.status is ConversationStatus.ARCHIVED:
        return [c.citizen_unread == 0, c.status == _ARCHIVED]
    return [c.citizen_unread == 0, c.status != _ARCHIVED]


class SqlMessagingReads:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def conversations(self, search: ConversationSearch) -> ConversationPage:
        c = _conversations.c
        scope: list[ColumnElement[bool]] = [c.municipality_id == search.municipality_id]
        if search.citizen_id is not None:
            scope.append(c.citizen_id == search.citizen_id)
        conditions = [*scope, *_status(search)]
        if search.search:
            name = func.concat(_accounts.c.first_name, " ", _accounts.c.last_name)
            conditions.append(any_matches(containing(search.search), c.subject, name, _accounts.c.email))
        joined = _conversations.join(_accounts, _accounts.c.id == c.citizen_id)
        total = select(func.count()).select_from(joined).where(*conditions).scalar_subquery()
        last = aliased(Message)
        rows = (await self._session.execute(
            select(Conversation, last, total.label("total")).select_from(joined)
            .outerjoin(last, last.id == c.last_message_id).where(*conditions)  # type: ignore[arg-type]
            .order_by(c.updated_at.desc(), c.id.desc()).limit(search.limit).offset(search.offset)
            .execution_options(populate_existing=True))).all()
        if rows:
            count = int(rows[0].total)
        else:
            count = int(await self._session.scalar(select(func.count()).select_from(joined).where(*conditions)) or 0)
        unread_side = (c.citizen_unread > 0 if search.citizen_id is not None
                       else c.status == ConversationStatus.UNREAD)
        unread = int(await self._session.scalar(
            select(func.count()).select_from(_conversations).where(and_(*scope, unread_side))) or 0)
        return ConversationPage(total=count, unread=unread,
                                items=[ConversationCard(row[0], row[1]) for row in rows])

    async def conversation(self, conversation_id: int) -> Conversation | None:
        return await self._session.get(Conversation, conversation_id, populate_existing=True)

    async def thread(self, conversation: Conversation) -> Thread:
        messages = list(await self._session.scalars(
            select(Message).where(_messages.c.conversation_id == conversation.id)
            .order_by(_messages.c.created_at, _messages.c.id)))
        found: dict[int, list[Attachment]] = {}
        if messages:
            for attachment in await self._session.scalars(
                    select(Attachment).where(_attachments.c.message_id.in_([m.id for m in messages]))
                    .order_by(_attachments.c.id)):
                found.setdefault(attachment.message_id or 0, []).append(attachment)
        return Thread(conversation, messages, found)
