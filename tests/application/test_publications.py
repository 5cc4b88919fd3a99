"""The publications' use cases, queries, cron and job as the service wires them (the real container), on memory
adapters: who sees and changes what in which town, scheduling (never early, never twice, catching up), likes,
comment threads and their moderation, views, the notice to the town."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.memory.ports import MemoryFileStorage
from adapters.memory.store import FrozenClock, MemoryStore
from application.notifications.topics import NOTIFY
from application.publications import services as s
from application.publications.config import PublicationsConfig
from application.publications.ports import SortKey
from application.publications.queries import ListFilters, PublicationQueries
from application.publications.topics import TELL_FOLLOWERS
from application.shared.ports import OutboxMessage, Upload
from domain.identity.model import User
from domain.publications.errors import CommentsClosed, PublicationInvalid
from domain.publications.model import (
    Priority,
    Publication,
    PublicationDetails,
    PublicationStatus,
    PublicationType,
)
from domain.shared.actor import Actor
from domain.shared.errors import Forbidden, NotFound
from domain.shared.realm import Realm
from entrypoints.di.container import memory_container
from tests.application.scoped import InScope
from tests.http.mairie.helpers import PNG

TOWN, OTHER_TOWN = 10, 20
MAYOR = Actor(1, Realm.MAIRIE, frozenset({"mayor"}), municipality_id=TOWN)
ADMIN = Actor(2, Realm.MAIRIE, frozenset({"admin"}), municipality_id=TOWN)
MODERATOR = Actor(3, Realm.MAIRIE, frozenset({"moderator"}), municipality_id=TOWN)
CITIZEN = Actor(4, Realm.MAIRIE, frozenset({"citizen"}), municipality_id=TOWN)
NEIGHBOUR = Actor(5, Realm.MAIRIE, frozenset({"citizen"}), municipality_id=TOWN)
STRANGER = Actor(6, Realm.MAIRIE, frozenset({"mayor"}), municipality_id=OTHER_TOWN)
SPOTVIBE = Actor(7, Realm.SPOTVIBE, frozenset({"admin"}))



@dataclass
class Town:
    def __post_init__(self) -> None:
        self.container = memory_container()
        get = self.container.get_sync
        self.store, self.clock, self.files = get(MemoryStore), get(FrozenClock), get(MemoryFileStorage)
        for actor, first in ((MAYOR, "Jean"), (ADMIN, "Nadia"), (MODERATOR, "Yannick"), (CITIZEN, "Aline"),
                             (NEIGHBOUR, "Bruno"), (STRANGER, "Autre")):
            self.store.table("users")[actor.user_id] = User(
                id=actor.user_id, realm=actor.realm, username=first.lower(), email=f"{first}@example.com",
                password_hash=None, created_at=self.clock.now(), first_name=first, last_name="Dupont",
                roles=sorted(actor.roles), municipality_id=actor.municipality_id)

        def use(use_case: type[Any]) -> Any:
            return InScope(self.container, use_case)

        self.create, self.update, self.delete = use(s.CreatePublication), use(s.UpdatePublication), use(
            s.DeletePublication)
        self.like, self.comment, self.delete_comment = use(s.ToggleLike), use(s.AddComment), use(s.DeleteComment)
        self.publish_due, self.tell = use(s.PublishDue), use(s.TellFollowers)
        self.queries = use(PublicationQueries)

    def details(self, **changes: Any) -> PublicationDetails:
        base = PublicationDetails(type=PublicationType.POST, title="Inauguration du parc",
                                  content="Nous avons le plaisir de vous annoncer l'ouverture du parc.",
                                  category="actualites", tags=("parc", "loisirs"))
        return replace(base, **changes)

    async def new(self, status: PublicationStatus = PublicationStatus.PUBLISHED, actor: Actor = MAYOR,
                  **changes: Any) -> int:
        card = await self.create(s.CreatePublicationCommand(actor, self.details(**changes), status))
        assert card.publication.id is not None
        return int(card.publication.id)

    def stored(self, publication_id: int) -> Publication:
        found: Publication = self.store.table("publications_publications")[publication_id]
        return found

    def messages(self, topic: str) -> list[OutboxMessage]:
        return [message for _, message, _ in self.store.outbox if message.topic == topic]


@pytest.fixture
def town() -> Town:
    return Town()


async def test_the_mayor_and_admins_write_publications_the_others_may_not(town: Town) -> None:
    assert (await town.create(s.CreatePublicationCommand(MAYOR, town.details(), PublicationStatus.DRAFT))
            ).author.name == "Jean Dupont"
    await town.new(actor=ADMIN)
    for actor in (MODERATOR, CITIZEN, SPOTVIBE):
        with pytest.raises(Forbidden):
            await town.new(actor=actor)


async def test_invalid_fields_are_all_reported_and_nothing_is_stored(town: Town) -> None:
    with pytest.raises(PublicationInvalid) as caught:
        await town.create(s.CreatePublicationCommand(MAYOR, town.details(
            title=" ", tags=tuple(f"t{i}" for i in range(11)), priority=Priority.HIGH,
            expires_at=town.clock.now() - timedelta(hours=1)), PublicationStatus.SCHEDULED,
            images=(Upload("x.png", "image/png", b"not an image"),)))
    assert set(caught.value.details) == {"title", "tags", "priority", "scheduled_at", "expires_at", "images"}
    assert town.store.table("publications_publications") == {}
    with pytest.raises(PublicationInvalid) as caught:
        await town.new(PublicationStatus.ARCHIVED)
    assert set(caught.value.details) == {"status"}


async def test_a_new_publication_keeps_its_images_and_an_excerpt(town: Town) -> None:
    card = await town.create(s.CreatePublicationCommand(
        MAYOR, town.details(content="mot " * 100), PublicationStatus.PUBLISHED,
        cover=Upload("c.png", "image/png", PNG), images=(Upload("a.png", "image/png", PNG),
                                                         Upload("b.png", "image/png", PNG))))
    publication = card.publication
    assert publication.cover_image and len(publication.images) == 2
    assert publication.excerpt.endswith("…") and len(publication.excerpt) <= 201
    assert publication.published_at == town.clock.now()


async def test_citizens_see_the_published_ones_not_expired_the_staff_all_another_town_nothing(town: Town) -> None:
    draft = await town.new(PublicationStatus.DRAFT, title="Brouillon")
    live = await town.new(title="En ligne")
    ending = await town.new(title="Bientôt expiré", expires_at=town.clock.now() + timedelta(hours=1))
    await town.new(PublicationStatus.SCHEDULED, title="Plus tard", scheduled_at=town.clock.now() + timedelta(days=1))
    town.clock.advance(hours=2)
    citizen_sees, total = await town.queries.page(CITIZEN, ListFilters())
    assert [c.publication.id for c in citizen_sees] == [live] and total == 1
    staff_sees, total = await town.queries.page(MODERATOR, ListFilters())
    assert total == 4 and {c.publication.id for c in staff_sees} >= {draft, ending}
    assert (await town.queries.page(STRANGER, ListFilters())) == ([], 0)
    with pytest.raises(Forbidden):
        await town.queries.page(SPOTVIBE, ListFilters())
    for actor, publication_id in ((CITIZEN, draft), (CITIZEN, ending), (STRANGER, live)):
        with pytest.raises(NotFound):
            await town.queries.detail(actor, publication_id)
    assert (await town.queries.detail(MODERATOR, draft)).card.publication.title == "Brouillon"


async def test_the_list_filters_searches_sorts_and_puts_pinned_ones_first(town: Town) -> None:
    first = await town.new(title="Travaux rue Victor Hugo")
    town.clock.advance(minutes=1)
    pinned = await town.new(title="Alerte météo", type=PublicationType.COMMUNIQUE, is_pinned=True)
    town.clock.advance(minutes=1)
    last = await town.new(title="Marché de Noël", content="Place de la mairie, 100% local")
    order, _ = await town.queries.page(CITIZEN, ListFilters())
    assert [c.publication.id for c in order] == [pinned, last, first]
    oldest, _ = await town.queries.page(CITIZEN, ListFilters(sort=SortKey.CREATED_AT, descending=False))
    assert [c.publication.id for c in oldest] == [pinned, first, last]
    found, total = await town.queries.page(CITIZEN, ListFilters(search="100%"))
    assert [c.publication.id for c in found] == [last] and total == 1
    found, _ = await town.queries.page(CITIZEN, ListFilters(type=PublicationType.COMMUNIQUE))
    assert [c.publication.id for c in found] == [pinned]
    page_two, total = await town.queries.page(CITIZEN, ListFilters(page=2, limit=2))
    assert [c.publication.id for c in page_two] == [first] and total == 3


async def test_editing_moves_the_status_and_publishing_tells_the_town_once(town: Town) -> None:
    draft = await town.new(PublicationStatus.DRAFT)
    assert town.messages(TELL_FOLLOWERS) == []
    await town.update(s.UpdatePublicationCommand(MAYOR, draft, {"title": "Nouveau titre"},
                                                 status=PublicationStatus.PUBLISHED))
    await town.update(s.UpdatePublicationCommand(ADMIN, draft, status=PublicationStatus.ARCHIVED))
    await town.update(s.UpdatePublicationCommand(ADMIN, draft, status=PublicationStatus.PUBLISHED))
    told = town.messages(TELL_FOLLOWERS)
    assert len(told) == 1 and told[0].payload["title"] == "Nouveau titre"
    with pytest.raises(Forbidden):
        await town.update(s.UpdatePublicationCommand(MODERATOR, draft, {"title": "Non"}))
    for actor in (STRANGER, SPOTVIBE):
        with pytest.raises(NotFound):
            await town.update(s.UpdatePublicationCommand(actor, draft, {"title": "Non"}))
    with pytest.raises(PublicationInvalid):
        await town.update(s.UpdatePublicationCommand(MAYOR, draft, {"content": ""}))


async def test_images_are_removed_by_name_and_their_files_go(town: Town) -> None:
    card = await town.create(s.CreatePublicationCommand(MAYOR, town.details(), PublicationStatus.PUBLISHED,
                                                        images=(Upload("a.png", "image/png", PNG),)))
    publication_id, [path] = card.publication.id, card.publication.images
    with pytest.raises(PublicationInvalid) as caught:
        await town.update(s.UpdatePublicationCommand(MAYOR, publication_id, remove_images=("inconnue.png",)))
    assert set(caught.value.details) == {"remove_images"}
    updated = await town.update(s.UpdatePublicationCommand(
        MAYOR, publication_id, remove_images=(path.rsplit("/", 1)[-1],),
        new_images=(Upload("b.png", "image/png", PNG),)))
    assert len(updated.images) == 1 and updated.images[0] != path
    assert path not in town.files.files


async def test_deleting_takes_its_comments_likes_and_files(town: Town) -> None:
    card = await town.create(s.CreatePublicationCommand(MAYOR, town.details(), PublicationStatus.PUBLISHED,
                                                        cover=Upload("c.png", "image/png", PNG)))
    publication_id = card.publication.id
    await town.like(s.PublicationCommand(CITIZEN, publication_id))
    await town.comment(s.AddCommentCommand(CITIZEN, publication_id, "Bravo"))
    for actor in (CITIZEN, MODERATOR):
        with pytest.raises(Forbidden):
            await town.delete(s.PublicationCommand(actor, publication_id))
    with pytest.raises(NotFound):
        await town.delete(s.PublicationCommand(STRANGER, publication_id))
    await town.delete(s.PublicationCommand(ADMIN, publication_id))
    assert town.store.table("publications_publications") == {}
    assert town.store.table("publications_comments") == {} and town.store.table("publications_likes") == {}
    assert card.publication.cover_image and card.publication.cover_image not in town.files.files


async def test_a_like_is_one_per_account_and_toggles(town: Town) -> None:
    publication_id = await town.new()
    assert await town.like(s.PublicationCommand(CITIZEN, publication_id)) == (True, 1)
    assert await town.like(s.PublicationCommand(NEIGHBOUR, publication_id)) == (True, 2)
    assert await town.like(s.PublicationCommand(CITIZEN, publication_id)) == (False, 1)
    assert (await town.queries.detail(NEIGHBOUR, publication_id)).liked_by_me
    assert not (await town.queries.detail(CITIZEN, publication_id)).liked_by_me
    draft = await town.new(PublicationStatus.DRAFT)
    for actor, target in ((STRANGER, publication_id), (CITIZEN, draft), (MAYOR, draft)):
        with pytest.raises(NotFound):
            await town.like(s.PublicationCommand(actor, target))


async def test_comments_thread_and_their_moderation(town: Town) -> None:
    publication_id = await town.new()
    top = (await town.comment(s.AddCommentCommand(CITIZEN, publication_id, " Excellent projet ! "))).comment
    assert top.content == "Excellent projet !"
    reply = (await town.comment(s.AddCommentCommand(NEIGHBOUR, publication_id, "D'accord", parent_id=top.id))
             ).comment
    await town.comment(s.AddCommentCommand(CITIZEN, publication_id, "Merci", parent_id=reply.id))
    other = (await town.comment(s.AddCommentCommand(NEIGHBOUR, publication_id, "Et le parking ?"))).comment
    detail = await town.queries.detail(CITIZEN, publication_id)
    assert [t.comment.comment.content for t in detail.threads] == ["Excellent projet !", "Et le parking ?"]
    assert detail.threads[0].replies[0].replies[0].comment.comment.content == "Merci"
    assert detail.comments_count == 4 == town.stored(publication_id).comments_count
    with pytest.raises(PublicationInvalid):
        await town.comment(s.AddCommentCommand(CITIZEN, publication_id, "   "))
    with pytest.raises(PublicationInvalid):
        await town.comment(s.AddCommentCommand(CITIZEN, publication_id, "Oui", parent_id=999))
    with pytest.raises(Forbidden):  # a citizen cannot take down another's comment
        await town.delete_comment(s.CommentCommand(CITIZEN, publication_id, other.id))
    await town.delete_comment(s.CommentCommand(MODERATOR, publication_id, reply.id))  # hidden, with its reply
    assert town.stored(publication_id).comments_count == 2
    with pytest.raises(NotFound):  # a hidden comment is gone for the others
        await town.delete_comment(s.CommentCommand(CITIZEN, publication_id, reply.id))
    await town.delete_comment(s.CommentCommand(NEIGHBOUR, publication_id, other.id))  # its author deletes it
    detail = await town.queries.detail(CITIZEN, publication_id)
    assert [t.comment.comment.content for t in detail.threads] == ["Excellent projet !"]
    assert detail.threads[0].replies == () and detail.comments_count == 1
    assert town.stored(publication_id).comments_count == 1
    with pytest.raises(NotFound):
        await town.delete_comment(s.CommentCommand(STRANGER, publication_id, top.id))
    closed = await town.new(allow_comments=False)
    with pytest.raises(CommentsClosed):
        await town.comment(s.AddCommentCommand(CITIZEN, closed, "Bonjour"))


async def test_a_view_counts_once_per_account_within_the_window_and_not_the_authors(town: Town) -> None:
    publication_id = await town.new()
    assert (await town.queries.detail(CITIZEN, publication_id)).card.publication.views == 1
    assert (await town.queries.detail(CITIZEN, publication_id)).card.publication.views == 1
    assert (await town.queries.detail(MAYOR, publication_id)).card.publication.views == 1
    town.clock.advance(minutes=31)
    assert (await town.queries.detail(CITIZEN, publication_id)).card.publication.views == 2
    assert town.stored(publication_id).views == 2


async def test_the_cron_publishes_on_time_tells_the_town_and_archives_the_expired(
        town: Town, caplog: pytest.LogCaptureFixture) -> None:
    now = town.clock.now()
    later = await town.new(PublicationStatus.SCHEDULED, scheduled_at=now + timedelta(minutes=5),
                           expires_at=now + timedelta(hours=1))
    assert await town.publish_due() == 0
    town.clock.advance(minutes=5)
    assert await town.publish_due() == 1
    assert await town.publish_due() == 0
    assert town.stored(later).status is PublicationStatus.PUBLISHED
    assert town.stored(later).published_at == town.clock.now()
    [told] = town.messages(TELL_FOLLOWERS)
    assert told.key == f"{TELL_FOLLOWERS}:{later}"
    assert await town.tell(told.payload) == 4  # the town's accounts but the author; not the other town's
    [notice] = town.messages(NOTIFY)
    assert notice.payload["user_ids"] == [2, 3, 4, 5]  # MAYOR (1) wrote it; STRANGER (6) lives elsewhere
    town.clock.advance(hours=1)
    with caplog.at_level(logging.INFO, "agora.publications"):
        await town.publish_due()
    assert town.stored(later).status is PublicationStatus.ARCHIVED
    assert "1 archived" in caplog.text


async def test_after_downtime_the_overdue_ones_go_at_once_and_the_log_says_so(
        town: Town, caplog: pytest.LogCaptureFixture) -> None:
    now = town.clock.now()
    ids = [await town.new(PublicationStatus.SCHEDULED, scheduled_at=now + timedelta(minutes=m)) for m in (1, 2, 3)]
    town.clock.advance(hours=3)
    with caplog.at_level(logging.WARNING, "agora.publications"):
        assert await town.publish_due() == 3
    assert "3 scheduled publication(s) overdue" in caplog.text
    assert all(town.stored(i).status is PublicationStatus.PUBLISHED for i in ids)


async def test_the_notice_goes_in_batches_and_a_second_run_asks_the_same(town: Town) -> None:
    for user_id in range(100, 130):
        town.store.table("users")[user_id] = User(
            id=user_id, realm=Realm.MAIRIE, username=f"u{user_id}", email=f"u{user_id}@example.com",
            password_hash=None, created_at=town.clock.now(), municipality_id=TOWN)
    publication_id = await town.new()
    [told] = town.messages(TELL_FOLLOWERS)
    async with town.container() as request:
        job = await request.get(s.TellFollowers)
        job._config = PublicationsConfig(notify_batch=7)
        assert await job(told.payload) == 34
    first = [m.key for m in town.messages(NOTIFY)]
    assert len(first) == 5 and len(set(first)) == 5
    async with town.container() as request:
        job = await request.get(s.TellFollowers)
        job._config = PublicationsConfig(notify_batch=7)
        await job(told.payload)
    assert [m.key for m in town.messages(NOTIFY)][5:] == first  # same keys: notifications tells nobody twice
    assert publication_id


MINUTE = timedelta(minutes=1)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offsets=st.lists(st.integers(1, 240), min_size=1, max_size=6),
       runs=st.lists(st.integers(0, 300), max_size=12))
async def test_scheduled_publishing_is_never_early_never_twice_and_catches_up(offsets: list[int],
                                                                             runs: list[int]) -> None:
    """Whatever minutes the cron runs (gaps are downtime), a scheduled publication is published by the first run
    at or after its time, not before, and announced once."""
    town = Town()
    start = town.clock.now()
    ids = {await town.new(PublicationStatus.SCHEDULED, scheduled_at=start + offset * MINUTE): offset
           for offset in offsets}
    for minute in sorted(set(runs)):
        town.clock.current = start + minute * MINUTE
        await town.publish_due()
        for publication_id, offset in ids.items():
            publication = town.stored(publication_id)
            assert (publication.status is PublicationStatus.PUBLISHED) == (offset <= minute)
            if publication.published_at is not None:
                assert publication.scheduled_at is not None and publication.published_at >= publication.scheduled_at
    told = [m.payload["publication_id"] for m in town.messages(TELL_FOLLOWERS)]
    assert len(told) == len(set(told))
    last = max(runs, default=-1)
    assert set(told) == {publication_id for publication_id, offset in ids.items() if offset <= last}


def test_a_moment_is_utc_aware() -> None:
    assert datetime(2026, 1, 15, 9, 0, tzinfo=UTC) == FrozenClock().now()
