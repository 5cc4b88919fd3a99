"""What the conversations screens read: the caller's list (their own, or their town's) and one thread."""

from __future__ import annotations

from dataclasses import dataclass

from application.messaging.config import MessagingConfig
from application.messaging.ports import ConversationPage, ConversationSearch, MessagingReads, People, Person, Thread
from application.messaging.services import NOT_FOUND, sees_as_citizen
from domain.messaging.model import ConversationStatus
from domain.messaging.permissions import HANDLE
from domain.shared.actor import Actor
from domain.shared.errors import Forbidden, NotFound

SEARCH_MAX = 200


@dataclass(frozen=True)
class Listing:
    page: ConversationPage
    people: dict[int, Person]
    citizen_view: bool


@dataclass(frozen=True)
class Shown:
    thread: Thread
    people: dict[int, Person]
    citizen_view: bool


class MessagingQueries:
    def __init__(self, reads: MessagingReads, people: People, config: MessagingConfig) -> None:
        self._reads = reads
        self._people = people
        self._config = config

    async def conversations(self, actor: Actor, *, status: ConversationStatus | None = None,
                            search: str | None = None, page: int = 1) -> Listing:
        """Newest activity first; staff see their whole town, a citizen their own conversations."""
        if actor.municipality_id is None or not actor.in_municipality(actor.municipality_id):
            raise Forbidden("Votre compte n'est rattaché à aucune commune")
        citizen_view = sees_as_citizen(actor)
        found = await self._reads.conversations(ConversationSearch(
            municipality_id=actor.municipality_id, citizen_id=actor.user_id if citizen_view else None,
            status=status, search=(search or "").strip()[:SEARCH_MAX] or None, limit=self._config.page_size,
            offset=(page - 1) * self._config.page_size))
        ids = {card.conversation.citizen_id for card in found.items}
        return Listing(found, await self._people.find(sorted(ids)), citizen_view)

    async def conversation(self, actor: Actor, conversation_id: int) -> Shown:
        conversation = await self._reads.conversation(conversation_id)
        if conversation is None or not actor.in_municipality(conversation.municipality_id) or not (
                HANDLE.allows(actor) or actor.is_user(conversation.citizen_id)):
            raise NotFound(NOT_FOUND)
        thread = await self._reads.thread(conversation)
        ids = {conversation.citizen_id} | {m.sender_id for m in thread.messages if m.sender_id is not None}
        return Shown(thread, await self._people.find(sorted(ids)), sees_as_citizen(actor))
