"""/api/v1/messages/conversations/: citizens' conversations with their town hall (spec 5)."""

from __future__ import annotations

from typing import Annotated, Any

from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, delete, get, post, put
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromQuery, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from application.identity.services import Principal
from application.messaging.queries import SEARCH_MAX, MessagingQueries
from application.messaging.services import (
    NOT_FOUND,
    ConversationCommand,
    DeleteConversation,
    Reply,
    ReplyCommand,
    StartConversation,
    StartConversationCommand,
    UpdateConversation,
    UpdateConversationCommand,
)
from application.shared.ports import Upload
from domain.identity.model import Realm
from domain.messaging.model import MAX_ATTACHMENTS, ConversationStatus
from domain.shared.errors import Forbidden, InvalidInput, NotFound, TooLarge
from entrypoints.http.auth import principal_dependency
from entrypoints.http.faces.mairie import message_schemas as wire
from entrypoints.http.openapi import may_raise, reads_body
from entrypoints.http.params import Page
from entrypoints.http.uploads import convert

AUTHENTICATED = {"principal": principal_dependency(Realm.MAIRIE)}
ATTACHMENTS = "attachments"
WireConversationId = Annotated[str, Parameter(max_length=40, description='"conv_12" (or 12)')]
Search = Annotated[str | None, Parameter(max_length=SEARCH_MAX)]


async def read_message(request: Request[Any, Any, Any]) -> tuple[dict[str, Any], list[Upload]]:
    """The fields and the files of a JSON or multipart body; several files may come under `attachments`."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form()
        fields: dict[str, Any] = {}
        files: list[Upload] = []
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                if name in (ATTACHMENTS, f"{ATTACHMENTS}[]"):
                    if len(files) > MAX_ATTACHMENTS:  # read no more than what is refused anyway
                        continue
                    files.append(Upload(filename=value.filename or "piece-jointe",
                                        content_type=value.content_type or "", data=await value.read()))
            elif value != "":
                fields[name] = value
        return fields, files
    if not (await request.body()).strip():
        return {}, []
    decoded = await request.json()
    if not isinstance(decoded, dict):
        raise InvalidInput("Un objet JSON est attendu")
    return decoded, []


def _stored(text: str) -> int:
    stored = wire.conversation_id(text)
    if stored is None:
        raise NotFound(NOT_FOUND)
    return stored


class MessagesController(Controller):
    path = "/api/v1/messages/conversations"
    tags = ("messages",)
    dependencies = AUTHENTICATED

    @get("/", opt=may_raise(InvalidInput, Forbidden))
    async def list_conversations(self, principal: NamedDependency[Principal], queries: FromDishka[MessagingQueries],
                                 status: FromQuery[ConversationStatus | None] = None, search: Search = None,
                                 page: Page = 1) -> wire.ConversationPage:
        """Latest activity first, 20 per page. Staff see their town's conversations, a citizen their own;
        `status` and `unread_count` are the caller's view (docs/messaging.md)."""
        found = await queries.conversations(principal.actor, status=status, search=search, page=page)
        return wire.ConversationPage(
            count=found.page.total, unread_count=found.page.unread,
            results=[wire.item(card, found.people, found.citizen_view) for card in found.page.items])

    @post("/", status_code=HTTP_201_CREATED,
          opt=reads_body(wire.StartBody, files=(ATTACHMENTS,)) | may_raise(InvalidInput, Forbidden, TooLarge))
    async def start(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                    use_case: FromDishka[StartConversation],
                    queries: FromDishka[MessagingQueries]) -> wire.ConversationDetail:
        """A citizen writes to their town hall (JSON, or multipart with `attachments`)."""
        fields, files = await read_message(request)
        body = convert(fields, wire.StartBody)
        conversation, _ = await use_case(StartConversationCommand(
            principal.actor, subject=body.subject, category=body.category, content=body.content,
            priority=body.priority, attachments=files))
        assert conversation.id is not None
        return wire.detail(await queries.conversation(principal.actor, conversation.id))

    @get("/{conversation_id:str}/", opt=may_raise(NotFound))
    async def detail(self, conversation_id: WireConversationId, principal: NamedDependency[Principal],
                     queries: FromDishka[MessagingQueries]) -> wire.ConversationDetail:
        return wire.detail(await queries.conversation(principal.actor, _stored(conversation_id)))

    @put("/{conversation_id:str}/", status_code=HTTP_200_OK,
         opt=reads_body(wire.UpdateBody) | may_raise(InvalidInput, Forbidden, NotFound))
    async def update(self, request: Request[Any, Any, Any], conversation_id: WireConversationId,
                     principal: NamedDependency[Principal], use_case: FromDishka[UpdateConversation]) -> wire.Updated:
        """Staff: "read" or "archived" (resolved). A citizen: "read" (the staff's replies)."""
        stored = _stored(conversation_id)
        fields, _ = await read_message(request)
        body = convert(fields, wire.UpdateBody)
        await use_case(UpdateConversationCommand(principal.actor, stored, ConversationStatus(body.status)))
        return wire.Updated(message="Conversation mise à jour")

    @delete("/{conversation_id:str}/", status_code=HTTP_204_NO_CONTENT, opt=may_raise(Forbidden, NotFound))
    async def remove(self, conversation_id: WireConversationId, principal: NamedDependency[Principal],
                     use_case: FromDishka[DeleteConversation]) -> None:
        await use_case(ConversationCommand(principal.actor, _stored(conversation_id)))

    @post("/{conversation_id:str}/reply/", status_code=HTTP_201_CREATED,
          opt=reads_body(wire.ReplyBody, files=(ATTACHMENTS,)) | may_raise(InvalidInput, NotFound, TooLarge))
    async def reply(self, request: Request[Any, Any, Any], conversation_id: WireConversationId,
                    principal: NamedDependency[Principal], use_case: FromDishka[Reply]) -> wire.ReplyOut:
        """Multipart (`content`, `attachments`) or JSON. A staff reply is emailed to the citizen."""
        stored = _stored(conversation_id)
        fields, files = await read_message(request)
        body = convert(fields, wire.ReplyBody)
        return wire.posted(await use_case(ReplyCommand(principal.actor, stored, body.content, attachments=files)))
