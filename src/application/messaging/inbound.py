"""A citizen's answer by email, as an inbound-mail provider hands it over: threaded back into its conversation by
the token of the reply-to address (`conv+<token>@...`), taken once per provider message id."""

from __future__ import annotations

import re
from dataclasses import dataclass

from application.messaging.ports import ConversationRepository, MessageRepository, People
from application.shared.ports import Clock, UnitOfWork
from domain.messaging.errors import ConversationInvalid
from domain.messaging.model import CITIZEN, CONTENT_MAX, Message
from domain.shared.errors import NotFound

TOKEN = re.compile(r"^conv\+([0-9a-f]{32})@", re.IGNORECASE)
QUOTE_HEADER = re.compile(r"^(le .+ a écrit|on .+ wrote)\s*:\s*$", re.IGNORECASE)
UNKNOWN = "Aucune conversation pour cette adresse"


def reply_token(recipient: str) -> str | None:
    found = TOKEN.match(recipient.strip())
    return found.group(1).lower() if found else None


def without_quote(text: str) -> str:
    """The new part of an emailed answer: up to the quoted history ("> ..." lines, "Le ... a écrit :")."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith(">") or QUOTE_HEADER.match(line.strip()):
            break
        kept.append(line)
    return "\n".join(kept).strip()[:CONTENT_MAX]


@dataclass(frozen=True)
class EmailReply:
    external_id: str  # the provider's message id
    sender: str
    recipient: str
    text: str


class ReceiveEmailReply:
    """No actor: the provider's signature (checked by the webhook) vouches for the call, the unguessable token
    names the conversation and the sender must be its citizen's address. True when stored, False when taken
    already (a provider's retry)."""

    def __init__(self, conversations: ConversationRepository, messages: MessageRepository, people: People,
                 uow: UnitOfWork, clock: Clock) -> None:
        self._conversations = conversations
        self._messages = messages
        self._people = people
        self._uow = uow
        self._clock = clock

    async def __call__(self, reply: EmailReply) -> bool:
        token = reply_token(reply.recipient)
        conversation = await self._conversations.by_token_for_update(token) if token else None
        if conversation is None or conversation.id is None:
            raise NotFound(UNKNOWN)
        if await self._messages.has_external(reply.external_id):
            return False
        citizen = (await self._people.find([conversation.citizen_id])).get(conversation.citizen_id)
        if citizen is None or citizen.email.lower() != reply.sender.strip().lower():
            raise NotFound(UNKNOWN)
        content = without_quote(reply.text)
        if not content:
            raise ConversationInvalid.on_field("text", "Message vide")
        message = await self._messages.add(Message(
            conversation_id=conversation.id, sender_id=conversation.citizen_id, sender_type=CITIZEN,
            content=content, created_at=self._clock.now(), external_id=reply.external_id), ())
        conversation.citizen_wrote(message)
        await self._conversations.save(conversation)
        await self._uow.commit()
        return True
