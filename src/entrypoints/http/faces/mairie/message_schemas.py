"""Mairie's conversations on the wire (mairie-ecms-api.md section 5): ids "conv_<n>", "msg_<n>", "att_<n>";
the clocks (`first_response_*`, `resolution_*`) are additions of ours, in seconds (docs/messaging.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from application.messaging.ports import ConversationCard, Person
from application.messaging.queries import Shown
from application.messaging.services import Posted
from domain.messaging.model import Attachment, Category, Conversation, ConversationStatus, Message, Priority
from entrypoints.http.faces.mairie.ids import ATTACHMENT_IDS, CONVERSATION_IDS, MESSAGE_IDS

REMOVED = "Compte supprimé"


class StartBody(msgspec.Struct, forbid_unknown_fields=True):
    subject: str
    category: Category
    content: str
    priority: Priority = Priority.NORMAL


class ReplyBody(msgspec.Struct, forbid_unknown_fields=True):
    content: str


class UpdateBody(msgspec.Struct, forbid_unknown_fields=True):
    status: Literal["read", "archived"]


class CitizenOut(msgspec.Struct):
    id: int
    name: str
    email: str
    avatar_url: str | None


class SenderOut(msgspec.Struct):
    id: int
    name: str


class AttachmentOut(msgspec.Struct):
    id: str
    name: str
    url: str
    size: int
    content_type: str


class LastMessageOut(msgspec.Struct):
    id: str
    content: str
    sender_type: str
    created_at: datetime




class ConversationOut(msgspec.Struct):
    id: str
    citizen: CitizenOut
    subject: str
    last_message: LastMessageOut | None
    unread_count: int
    status: ConversationStatus
    priority: Priority
    category: Category
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    first_response_seconds: int | None
    resolved_at: datetime | None
    resolution_seconds: int | None


class ConversationPage(msgspec.Struct):
    count: int
    unread_count: int
    results: list[ConversationOut]


class MessageOut(msgspec.Struct):
    id: str
    content: str
    sender_type: str
    sender: SenderOut | None
    attachments: list[AttachmentOut]
    read_at: datetime | None
    created_at: datetime


class ConversationDetail(msgspec.Struct):
    id: str
    citizen: CitizenOut
    subject: str
    category: Category
    priority: Priority
    status: ConversationStatus
    unread_count: int
    messages: list[MessageOut]
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    first_response_seconds: int | None
    resolved_at: datetime | None
    resolution_seconds: int | None


class ReplyOut(msgspec.Struct):
    id: str
    content: str
    sender_type: str
    attachments: list[AttachmentOut]
    created_at: datetime


class Updated(msgspec.Struct):
    message: str


def conversation_id(text: str) -> int | None:
    return CONVERSATION_IDS.parse(text)


def citizen(person: Person | None, citizen_id: int) -> CitizenOut:
    if person is None:
        return CitizenOut(id=citizen_id, name=REMOVED, email="", avatar_url=None)
    return CitizenOut(id=person.id, name=person.name, email=person.email, avatar_url=person.avatar_url)


def attachment(a: Attachment) -> AttachmentOut:
    assert a.id is not None
    return AttachmentOut(id=ATTACHMENT_IDS.wire(a.id), name=a.name, url=a.path, size=a.size,
                         content_type=a.content_type)


def _wire_id(c: Conversation) -> str:
    assert c.id is not None
    return CONVERSATION_IDS.wire(c.id)


def item(card: ConversationCard, people: dict[int, Person], citizen_view: bool) -> ConversationOut:
    c, last = card.conversation, card.last_message
    return ConversationOut(
        id=_wire_id(c), citizen=citizen(people.get(c.citizen_id), c.citizen_id), subject=c.subject,
        last_message=None if last is None or last.id is None else LastMessageOut(
            id=MESSAGE_IDS.wire(last.id), content=last.content, sender_type=last.sender_type,
            created_at=last.created_at),
        unread_count=c.unread_for(citizen_view), status=c.status_for(citizen_view), priority=c.priority,
        category=c.category, created_at=c.created_at, updated_at=c.updated_at,
        first_response_at=c.first_response_at, first_response_seconds=c.first_response_seconds,
        resolved_at=c.resolved_at, resolution_seconds=c.resolution_seconds)


def _message(m: Message, attachments: list[Attachment], people: dict[int, Person]) -> MessageOut:
    assert m.id is not None
    person = people.get(m.sender_id) if m.sender_id is not None else None
    return MessageOut(id=MESSAGE_IDS.wire(m.id), content=m.content, sender_type=m.sender_type,
                      sender=None if person is None else SenderOut(id=person.id, name=person.name),
                      attachments=[attachment(a) for a in attachments], read_at=m.read_at, created_at=m.created_at)


def detail(shown: Shown) -> ConversationDetail:
    c, people = shown.thread.conversation, shown.people
    return ConversationDetail(
        id=_wire_id(c), citizen=citizen(people.get(c.citizen_id), c.citizen_id), subject=c.subject,
        category=c.category, priority=c.priority, status=c.status_for(shown.citizen_view),
        unread_count=c.unread_for(shown.citizen_view),
        messages=[_message(m, shown.thread.attachments.get(m.id or 0, []), people) for m in shown.thread.messages],
        created_at=c.created_at, updated_at=c.updated_at, first_response_at=c.first_response_at,
        first_response_seconds=c.first_response_seconds, resolved_at=c.resolved_at,
        resolution_seconds=c.resolution_seconds)


def posted(p: Posted) -> ReplyOut:
    assert p.message.id is not None
    return ReplyOut(id=MESSAGE_IDS.wire(p.message.id), content=p.message.content, sender_type=p.message.sender_type,
                    attachments=[attachment(a) for a in p.attachments], created_at=p.message.created_at)
