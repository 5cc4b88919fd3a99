"""The conversations' use cases and queries as the service wires them (the real container), on memory adapters:
who sees and changes what (own, town, other town), the two unread counters, the clocks, the reply email and the
in-app notice, attachments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from adapters.memory.ports import MemoryFileStorage
from adapters.memory.store import FrozenClock, MemoryStore
from application.messaging import services as s
from application.messaging.queries import MessagingQueries
from application.notifications.topics import NOTIFY
from application.shared.email import SEND_EMAIL
from application.shared.ports import Upload
from domain.identity.model import User
from domain.messaging.errors import ConversationInvalid
from domain.messaging.model import Category, ConversationStatus
from domain.shared.actor import Actor
from domain.shared.errors import Forbidden, NotFound
from domain.shared.realm import Realm
from entrypoints.di.container import memory_container
from tests.application.scoped import InScope
from tests.http.mairie.helpers import PNG

TOWN, OTHER_TOWN = 10, 20
CITIZEN = Actor(1, Realm.MAIRIE, frozenset({"citizen"}), municipality_id=TOWN)
NEIGHBOUR = Actor(2, Realm.MAIRIE, frozenset({"citizen"}), municipality_id=TOWN)
MAYOR = Actor(3, Realm.MAIRIE, frozenset({"mayor"}), municipality_id=TOWN)
MODERATOR = Actor(4, Realm.MAIRIE, frozenset({"moderator"}), municipality_id=TOWN)
FOREIGN_MAYOR = Actor(5, Realm.MAIRIE, frozenset({"mayor"}), municipality_id=OTHER_TOWN)
SPOTVIBE = Actor(1, Realm.SPOTVIBE)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Town:
    def __post_init__(self) -> None:
        self.container = memory_container()
        get = self.container.get_sync
        self.store, self.clock, self.files = get(MemoryStore), get(FrozenClock), get(MemoryFileStorage)
        for actor, first in ((CITIZEN, "Marie"), (NEIGHBOUR, "Paul"), (MAYOR, "Jean"), (MODERATOR, "Lucie"),
                             (FOREIGN_MAYOR, "Autre")):
            self.store.table("users")[actor.user_id] = User(
                id=actor.user_id, realm=Realm.MAIRIE, username=first.lower(), email=f"{first.lower()}@example.fr",
                password_hash=None, created_at=self.clock.now(), first_name=first, last_name="Martin")

        def use(use_case: type[Any]) -> Any:
            return InScope(self.container, use_case)

        self.start, self.reply = use(s.StartConversation), use(s.Reply)
        self.update, self.delete = use(s.UpdateConversation), use(s.DeleteConversation)
        self.queries = use(MessagingQueries)

    async def opened(self, actor: Actor = CITIZEN, subject: str = "Déchetterie", **kwargs: Any) -> int:
        conversation, _ = await self.start(s.StartConversationCommand(
            actor, subject=subject, category=Category.SERVICES, content="Quels horaires ?", **kwargs))
        assert conversation.id is not None
        return int(conversation.id)

    def outbox(self, topic: str) -> list[dict[str, Any]]:
        return [m.payload for _, m, _ in self.store.outbox if m.topic == topic]


@pytest.fixture
def town() -> Town:
    return Town()


async def test_a_citizen_opens_a_conversation_the_staff_see_it_unread(town: Town) -> None:
    conversation_id = await town.opened()

    staff = await town.queries.conversations(MAYOR)
    own = await town.queries.conversations(CITIZEN)

    assert staff.page.total == 1 and staff.page.unread == 1 and not staff.citizen_view
    card = staff.page.items[0]
    assert card.conversation.id == conversation_id and card.conversation.status is ConversationStatus.UNREAD
    assert card.conversation.staff_unread == 1 and card.last_message is not None
    assert card.last_message.content == "Quels horaires ?" and staff.people[CITIZEN.user_id].name == "Marie Martin"
    assert own.page.total == 1 and own.page.unread == 0 and own.citizen_view
    assert own.page.items[0].conversation.status_for(True) is ConversationStatus.READ


async def test_scope_own_town_other_citizen_other_town(town: Town) -> None:
    conversation_id = await town.opened()
    await town.opened(NEIGHBOUR, subject="Voirie")

    assert (await town.queries.conversations(NEIGHBOUR)).page.total == 1
    assert (await town.queries.conversations(FOREIGN_MAYOR)).page.total == 0
    for stranger in (NEIGHBOUR, FOREIGN_MAYOR, SPOTVIBE):
        with pytest.raises(NotFound):
            await town.queries.conversation(stranger, conversation_id)
        with pytest.raises(NotFound):
            await town.reply(s.ReplyCommand(stranger, conversation_id, "Moi aussi"))
        with pytest.raises(NotFound):
            await town.update(s.UpdateConversationCommand(stranger, conversation_id, ConversationStatus.READ))
        with pytest.raises(NotFound):
            await town.delete(s.ConversationCommand(stranger, conversation_id))
    assert (await town.queries.conversation(MODERATOR, conversation_id)).thread.conversation.id == conversation_id


async def test_only_citizens_of_a_town_open_conversations(town: Town) -> None:
    for actor in (MAYOR, SPOTVIBE, Actor(9, Realm.MAIRIE, frozenset({"citizen"}))):
        with pytest.raises(Forbidden):
            await town.opened(actor)
    assert not town.store.table("messaging_conversations")


async def test_bad_input_is_refused_with_every_field(town: Town) -> None:
    with pytest.raises(ConversationInvalid) as refused:
        await town.start(s.StartConversationCommand(CITIZEN, subject=" ", category=Category.OTHER, content="",
                                                    attachments=[Upload("x.txt", "text/plain", b"hello")]))
    assert set(refused.value.details) == {"subject", "content", "attachments"}
    with pytest.raises(ConversationInvalid) as long:
        await town.opened(subject="x" * 201)
    assert set(long.value.details) == {"subject"}
    conversation_id = await town.opened()
    with pytest.raises(ConversationInvalid) as too_many:
        await town.reply(s.ReplyCommand(CITIZEN, conversation_id, "Voici", [Upload("a.pdf", "", PDF)] * 6))
    assert set(too_many.value.details) == {"attachments"}
    assert not town.files.files


async def test_a_staff_reply_is_emailed_notified_and_starts_the_first_response_clock(town: Town) -> None:
    conversation_id = await town.opened()
    town.clock.advance(minutes=90)

    posted = await town.reply(s.ReplyCommand(MAYOR, conversation_id, "Ouvert de 8 h à 17 h."))

    assert posted.message.sender_type == "mayor"
    shown = await town.queries.conversation(CITIZEN, conversation_id)
    conversation = shown.thread.conversation
    assert conversation.first_response_seconds == 90 * 60 and conversation.resolution_seconds is None
    assert conversation.status is ConversationStatus.READ and conversation.staff_unread == 0
    assert conversation.status_for(True) is ConversationStatus.UNREAD and conversation.unread_for(True) == 1
    [email] = town.outbox(SEND_EMAIL)
    assert email["to"] == "marie@example.fr" and "Ouvert de 8 h à 17 h." in email["text"]
    assert email["subject"] == "Re : Déchetterie"
    [notice] = town.outbox(NOTIFY)
    assert notice["kind"] == "NEW_MESSAGE" and notice["user_ids"] == [CITIZEN.user_id]
    assert notice["data"] == {"author": "Jean Martin", "conversation_id": conversation_id}

    town.clock.advance(minutes=30)
    await town.reply(s.ReplyCommand(MODERATOR, conversation_id, "Précision : fermé le lundi."))
    again = (await town.queries.conversation(MAYOR, conversation_id)).thread.conversation
    assert again.first_response_seconds == 90 * 60 and again.citizen_unread == 2


async def test_the_citizen_answers_and_the_conversation_is_unread_for_staff_again(town: Town) -> None:
    conversation_id = await town.opened()
    await town.update(s.UpdateConversationCommand(MAYOR, conversation_id, ConversationStatus.READ))
    assert (await town.queries.conversations(MAYOR)).page.unread == 0

    await town.reply(s.ReplyCommand(CITIZEN, conversation_id, "Et le dimanche ?"))

    staff = await town.queries.conversations(MAYOR, status=ConversationStatus.UNREAD)
    assert staff.page.total == 1 and staff.page.items[0].conversation.staff_unread == 1
    assert not town.outbox(SEND_EMAIL) and not town.outbox(NOTIFY)


async def test_read_marks_the_other_sides_messages(town: Town) -> None:
    conversation_id = await town.opened()
    await town.reply(s.ReplyCommand(MAYOR, conversation_id, "Réponse"))
    town.clock.advance(minutes=5)

    await town.update(s.UpdateConversationCommand(CITIZEN, conversation_id, ConversationStatus.READ))

    shown = await town.queries.conversation(CITIZEN, conversation_id)
    first, reply = shown.thread.messages
    assert reply.read_at == town.clock.now() and first.read_at is not None  # read by replying
    assert shown.thread.conversation.citizen_unread == 0


async def test_archiving_stops_the_resolution_clock_and_a_citizen_may_not_archive(town: Town) -> None:
    conversation_id = await town.opened()
    with pytest.raises(Forbidden):
        await town.update(s.UpdateConversationCommand(CITIZEN, conversation_id, ConversationStatus.ARCHIVED))
    with pytest.raises(ConversationInvalid):
        await town.update(s.UpdateConversationCommand(MAYOR, conversation_id, ConversationStatus.UNREAD))
    town.clock.advance(hours=2)

    await town.update(s.UpdateConversationCommand(MODERATOR, conversation_id, ConversationStatus.ARCHIVED))
    town.clock.advance(hours=1)
    await town.update(s.UpdateConversationCommand(MAYOR, conversation_id, ConversationStatus.ARCHIVED))

    archived = await town.queries.conversations(MAYOR, status=ConversationStatus.ARCHIVED)
    assert archived.page.total == 1 and archived.page.items[0].conversation.resolution_seconds == 2 * 3600
    await town.reply(s.ReplyCommand(CITIZEN, conversation_id, "Ce n'est pas réglé"))
    reopened = (await town.queries.conversation(MAYOR, conversation_id)).thread.conversation
    assert reopened.status is ConversationStatus.UNREAD and reopened.resolved_at is None


async def test_attachments_are_stored_and_deleted_with_the_conversation(town: Town) -> None:
    conversation_id = await town.opened(attachments=[Upload("plan.pdf", "application/pdf", PDF),
                                                     Upload("photo.png", "image/png", PNG)])
    shown = await town.queries.conversation(MAYOR, conversation_id)
    [message] = shown.thread.messages
    pdf, image = shown.thread.attachments[message.id or 0]
    assert (pdf.name, pdf.content_type, pdf.size) == ("plan.pdf", "application/pdf", len(PDF))
    assert image.content_type == "image/png" and image.path in town.files.files
    with pytest.raises(Forbidden):
        await town.delete(s.ConversationCommand(MODERATOR, conversation_id))
    with pytest.raises(Forbidden):
        await town.delete(s.ConversationCommand(CITIZEN, conversation_id))

    await town.delete(s.ConversationCommand(MAYOR, conversation_id))

    assert pdf.path not in town.files.files and image.path not in town.files.files
    with pytest.raises(NotFound):
        await town.queries.conversation(MAYOR, conversation_id)
    assert not town.store.table("messaging_messages") and not town.store.table("messaging_attachments")


async def test_search_and_pages(town: Town) -> None:
    for n in range(23):
        await town.opened(subject=f"Sujet {n}")
        town.clock.advance(seconds=1)
    await town.opened(NEIGHBOUR, subject="Autre chose")

    first = await town.queries.conversations(MAYOR)
    second = await town.queries.conversations(MAYOR, page=2)
    found = await town.queries.conversations(MAYOR, search="paul")
    subject = await town.queries.conversations(MAYOR, search="SUJET 2")

    assert first.page.total == 24 and len(first.page.items) == 20 and len(second.page.items) == 4
    assert first.page.items[0].conversation.subject == "Autre chose"
    assert [c.conversation.subject for c in found.page.items] == ["Autre chose"]
    assert {c.conversation.subject for c in subject.page.items} == {"Sujet 2", "Sujet 20", "Sujet 21", "Sujet 22"}


async def test_a_corrupt_image_is_refused_on_its_field_and_nothing_stays(town: Town) -> None:
    broken = PNG[:30]
    with pytest.raises(ConversationInvalid) as refused:
        await town.opened(attachments=[Upload("plan.pdf", "application/pdf", PDF), Upload("x.png", "", broken)])
    assert set(refused.value.details) == {"attachments"}
    assert not town.files.files and not town.store.table("messaging_conversations")


def test_an_emailed_answer_keeps_only_its_new_part() -> None:
    from application.messaging.inbound import reply_token, without_quote

    assert without_quote("Merci !\r\n\r\nLe 5 déc. 2025 à 10:00, Mairie a écrit :\r\n> Bonjour") == "Merci !"
    assert without_quote("Thanks\nOn Fri, Dec 5, 2025 Mairie wrote:\n> Hi") == "Thanks"
    assert without_quote("> only a quote") == ""
    assert reply_token("conv+" + "A" * 32 + "@reponses.test") == "a" * 32
    assert reply_token("mairie@reponses.test") is None and reply_token("conv+123@x") is None
