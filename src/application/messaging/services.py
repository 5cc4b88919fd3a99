"""The conversations' use cases: a citizen opens one; citizen and staff reply; staff mark read, archive, delete."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from application.messaging.config import MessagingConfig
from application.messaging.ports import ConversationRepository, MessageRepository, People
from application.shared.email import queue_email
from application.shared.media import InvalidImage
from application.shared.ports import Clock, EmailMessage, FileStorage, Outbox, UnitOfWork, Upload
from application.shared.uploads import image_extension
from domain.messaging.errors import ConversationInvalid
from domain.messaging.model import (
    ATTACHMENT_NAME_MAX,
    CITIZEN,
    MAX_ATTACHMENTS,
    Attachment,
    Category,
    Conversation,
    ConversationStatus,
    Message,
    Priority,
    check_opening,
    content_problems,
)
from domain.messaging.permissions import DELETE, HANDLE, START
from domain.shared.actor import Actor
from domain.shared.errors import Forbidden, NotFound

NOT_FOUND = "Conversation introuvable"
STAFF_ORDER = ("mayor", "admin", "moderator")
PDF_MAGIC = b"%PDF-"
ATTACHMENT_TYPES = "PDF, JPEG, PNG, GIF ou WebP"
REPLY_EMAIL = "messaging_reply_email"
ATTACHMENTS = "attachments"


def attachment_problems(uploads: Sequence[Upload]) -> dict[str, list[str]]:
    """A quick look at the first bytes (the storage still enforces the size limit: 413 above it)."""
    found: list[str] = []
    if len(uploads) > MAX_ATTACHMENTS:
        found.append(f"Au plus {MAX_ATTACHMENTS} pièces jointes par message")
    for upload in uploads:
        if not upload.data:
            found.append(f"{upload.filename[:ATTACHMENT_NAME_MAX]} : fichier vide")
        elif not upload.data.startswith(PDF_MAGIC) and image_extension(upload.data) is None:
            found.append(f"{upload.filename[:ATTACHMENT_NAME_MAX]} : type refusé (attendu : {ATTACHMENT_TYPES})")
    return {ATTACHMENTS: found} if found else {}


def sees_as_citizen(actor: Actor) -> bool:
    return not HANDLE.allows(actor)


async def reachable(conversations: ConversationRepository, conversation_id: int, actor: Actor) -> Conversation:
    """The conversation, locked, if the actor may see it: staff of its town, or its citizen; else NotFound."""
    conversation = await conversations.get_for_update(conversation_id)
    if conversation is None or not actor.in_municipality(conversation.municipality_id):
        raise NotFound(NOT_FOUND)
    if not (HANDLE.allows(actor) or actor.is_user(conversation.citizen_id)):
        raise NotFound(NOT_FOUND)
    return conversation


def sender_type(actor: Actor) -> str:
    return next((role for role in STAFF_ORDER if role in actor.roles), CITIZEN) if HANDLE.allows(actor) else CITIZEN


@dataclass(frozen=True)
class Posted:
    """A message as it was stored, with its attachments."""

    message: Message
    attachments: list[Attachment]


class _Attachments:
    """Stores uploads as attachments; removes them again when the transaction does not commit."""

    def __init__(self, storage: FileStorage, config: MessagingConfig) -> None:
        self._storage = storage
        self._config = config

    async def store(self, uploads: Sequence[Upload]) -> list[Attachment]:
        stored: list[Attachment] = []
        try:
            for upload in uploads:
                if upload.data.startswith(PDF_MAGIC):
                    path, content_type = await self._storage.save(self._config.attachment_folder, upload), \
                        "application/pdf"
                else:  # re-encoded without its metadata (a phone photo's GPS position)
                    try:
                        image = await self._storage.save_image(self._config.attachment_folder, upload)
                    except InvalidImage as refused:
                        raise ConversationInvalid.on_field(
                            ATTACHMENTS, f"{upload.filename[:ATTACHMENT_NAME_MAX]} : {refused.message}") from None
                    path, content_type = image.path, image.content_type
                stored.append(Attachment(name=(upload.filename or "piece-jointe")[:ATTACHMENT_NAME_MAX], path=path,
                                         size=len(upload.data), content_type=content_type))
        except BaseException:
            await self.discard(stored)
            raise
        return stored

    async def discard(self, stored: Sequence[Attachment]) -> None:
        for attachment in stored:
            await self._storage.delete(attachment.path)


@dataclass(frozen=True)
class StartConversationCommand:
    actor: Actor
    subject: str
    category: Category
    content: str
    priority: Priority = Priority.NORMAL
    attachments: Sequence[Upload] = field(default_factory=tuple)


class StartConversation:
    """A citizen writes to their town hall; the public contact form (later) calls this too."""

    def __init__(self, conversations: ConversationRepository, messages: MessageRepository, storage: FileStorage,
                 uow: UnitOfWork, clock: Clock, config: MessagingConfig) -> None:
        self._conversations = conversations
        self._messages = messages
        self._attachments = _Attachments(storage, config)
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: StartConversationCommand) -> tuple[Conversation, Posted]:
        START.check(cmd.actor)
        if cmd.actor.municipality_id is None:
            raise Forbidden("Votre compte n'est rattaché à aucune commune")
        try:
            check_opening(cmd.subject, cmd.content)
        except ConversationInvalid as error:
            error.details.update(attachment_problems(cmd.attachments))
            raise
        if problems := attachment_problems(cmd.attachments):
            raise ConversationInvalid("Les pièces jointes sont invalides", details=problems)
        now = self._clock.now()
        stored = await self._attachments.store(cmd.attachments)
        try:
            conversation = await self._conversations.add(Conversation.open(
                municipality_id=cmd.actor.municipality_id, citizen_id=cmd.actor.user_id, subject=cmd.subject,
                category=cmd.category, priority=cmd.priority, reply_token=secrets.token_hex(16), now=now))
            assert conversation.id is not None
            message = await self._messages.add(Message(
                conversation_id=conversation.id, sender_id=cmd.actor.user_id, sender_type=CITIZEN,
                content=cmd.content, created_at=now), stored)
            conversation.citizen_wrote(message)
            await self._conversations.save(conversation)
            await self._uow.commit()
        except BaseException:
            await self._attachments.discard(stored)
            raise
        return conversation, Posted(message, stored)


@dataclass(frozen=True)
class ReplyCommand:
    actor: Actor
    conversation_id: int
    content: str
    attachments: Sequence[Upload] = field(default_factory=tuple)


class Reply:
    """A message in an existing conversation, from its citizen or from the staff of its town. A staff reply is
    emailed to the citizen (Reply-To threads their answer back when inbound mail is set up) and told in-app."""

    def __init__(self, conversations: ConversationRepository, messages: MessageRepository, people: People,
                 storage: FileStorage, outbox: Outbox, uow: UnitOfWork, clock: Clock,
                 config: MessagingConfig) -> None:
        self._conversations = conversations
        self._messages = messages
        self._people = people
        self._attachments = _Attachments(storage, config)
        self._outbox = outbox
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self, cmd: ReplyCommand) -> Posted:
        conversation = await reachable(self._conversations, cmd.conversation_id, cmd.actor)
        problems = content_problems(cmd.content) | attachment_problems(cmd.attachments)
        if problems:
            raise ConversationInvalid("Les données du message sont invalides", details=problems)
        assert conversation.id is not None
        now = self._clock.now()
        stored = await self._attachments.store(cmd.attachments)
        try:
            message = await self._messages.add(Message(
                conversation_id=conversation.id, sender_id=cmd.actor.user_id, sender_type=sender_type(cmd.actor),
                content=cmd.content, created_at=now), stored)
            if message.from_citizen:
                conversation.citizen_wrote(message)
            else:
                people = await self._people.find([cmd.actor.user_id, conversation.citizen_id])
                author = people[cmd.actor.user_id].name if cmd.actor.user_id in people else "Votre mairie"
                conversation.staff_replied(message, author)
                await self._messages.mark_read(conversation.id, from_citizen=True, now=now)  # answered: read
                if (citizen := people.get(conversation.citizen_id)) is not None:
                    self._email(conversation, message, citizen.email, author)
            await self._conversations.save(conversation)
            await self._uow.commit()
        except BaseException:
            await self._attachments.discard(stored)
            raise
        return Posted(message, stored)

    def _email(self, conversation: Conversation, message: Message, to: str, author: str) -> None:
        reply_to = self._config.reply_address(conversation.reply_token)
        how = ("Répondez simplement à cet email pour poursuivre la conversation." if reply_to else
               f"Pour répondre, connectez-vous à votre espace citoyen {self._config.app_name}.")
        text = f"{author} vous a répondu :\n\n{message.content}\n\n{how}\n"
        queue_email(self._outbox, EmailMessage(to=to, subject=f"Re : {conversation.subject}", text=text,
                                               headers={"Reply-To": reply_to} if reply_to else {}),
                    key=f"{REPLY_EMAIL}:{message.id}")


@dataclass(frozen=True)
class UpdateConversationCommand:
    actor: Actor
    conversation_id: int
    status: ConversationStatus


class UpdateConversation:
    """Staff mark a conversation read or archive it (resolved); a citizen marks the staff's replies read."""

    def __init__(self, conversations: ConversationRepository, messages: MessageRepository, uow: UnitOfWork,
                 clock: Clock) -> None:
        self._conversations = conversations
        self._messages = messages
        self._uow = uow
        self._clock = clock

    async def __call__(self, cmd: UpdateConversationCommand) -> Conversation:
        conversation = await reachable(self._conversations, cmd.conversation_id, cmd.actor)
        assert conversation.id is not None
        if cmd.status is ConversationStatus.UNREAD:
            raise ConversationInvalid.on_field("status", "Valeurs possibles : read, archived")
        now = self._clock.now()
        if sees_as_citizen(cmd.actor):
            if cmd.status is ConversationStatus.ARCHIVED:
                raise Forbidden(HANDLE.refusal)
            conversation.mark_read_by_citizen(now)
            await self._messages.mark_read(conversation.id, from_citizen=False, now=now)
        else:
            if cmd.status is ConversationStatus.ARCHIVED:
                conversation.archive(now)
            else:
                conversation.mark_read_by_staff(now)
            await self._messages.mark_read(conversation.id, from_citizen=True, now=now)
        await self._conversations.save(conversation)
        await self._uow.commit()
        return conversation


@dataclass(frozen=True)
class ConversationCommand:
    actor: Actor
    conversation_id: int


class DeleteConversation:
    """The mayor or an administrator removes a conversation with its messages and files."""

    def __init__(self, conversations: ConversationRepository, storage: FileStorage, uow: UnitOfWork) -> None:
        self._conversations = conversations
        self._storage = storage
        self._uow = uow

    async def __call__(self, cmd: ConversationCommand) -> None:
        conversation = await reachable(self._conversations, cmd.conversation_id, cmd.actor)
        DELETE.check(cmd.actor)
        paths = await self._conversations.delete(conversation)
        await self._uow.commit()
        for path in paths:
            await self._storage.delete(path)
