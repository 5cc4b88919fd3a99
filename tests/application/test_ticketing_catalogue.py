"""The events catalogue's use cases and queries as the service wires them (the real container), on memory
adapters: who sees and changes what, the creation limit, moderation all or none, participations, shares, views,
stats and trending."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from dishka import Provider, Scope

from adapters.memory.ports import MemoryFileStorage
from adapters.memory.store import FrozenClock, MemoryStore
from application.shared.ports import Upload
from application.ticketing import catalogue as c
from application.ticketing.ports import SoldTickets
from application.ticketing.queries import TicketingQueries
from domain.identity.model import User
from domain.shared.actor import Actor
from domain.shared.errors import Conflict, Forbidden, InvalidInput, NotFound, StateConflict
from domain.shared.money import Money
from domain.shared.realm import Realm
from domain.ticketing.errors import CreationLimitReached, TicketsSold
from domain.ticketing.model import AccessType, EventDetails, EventStatus, ParticipationStatus, Platform, Viewer
from entrypoints.di.container import memory_container
from tests.application.scoped import InScope

ORGANISER = Actor(7, Realm.SPOTVIBE)
OTHER = Actor(8, Realm.SPOTVIBE)
ADMIN = Actor(1, Realm.SPOTVIBE, frozenset({"admin"}))
TOWN_MAYOR = Actor(7, Realm.MAIRIE, frozenset({"mayor"}))
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6300010000000500010d0a2db40000000049454e44ae426082")


class SomeTicketsSold:
    def __init__(self) -> None:
        self.sold: dict[int, int] = {}

    async def count_for(self, event_id: int) -> int:
        return self.sold.get(event_id, 0)


@dataclass
class Catalogue:
    def __post_init__(self) -> None:
        self.sold = SomeTicketsSold()
        given = Provider(scope=Scope.APP)
        given.provide(lambda: self.sold, provides=SoldTickets)
        self.container = memory_container(given)
        get = self.container.get_sync
        self.store, self.clock, self.files = get(MemoryStore), get(FrozenClock), get(MemoryFileStorage)
        for actor, name, verified in ((ORGANISER, "orga", True), (OTHER, "autre", False), (ADMIN, "admin", True)):
            self.store.table("users")[actor.user_id] = User(
                id=actor.user_id, realm=Realm.SPOTVIBE, username=name, email=f"{name}@example.com",
                password_hash=None, created_at=self.clock.now(), identity_verified=verified, photo=f"/media/{name}")

        def use(use_case: type[Any]) -> Any:
            return InScope(self.container, use_case)

        self.create, self.update, self.delete = use(c.CreateEvent), use(c.UpdateEvent), use(c.DeleteEvent)
        self.moderate, self.participate = use(c.ModerateEvents), use(c.Participate)
        self.cancel_participation, self.share = use(c.CancelParticipation), use(c.ShareEvent)
        self.record_view = use(c.RecordView)
        self.queries = use(TicketingQueries)

    def details(self, **changes: Any) -> EventDetails:
        now = self.clock.now()
        base = EventDetails(title="Festival de Jazz", description="Un festival annuel de jazz.",
                            starts_at=now + timedelta(days=10), ends_at=now + timedelta(days=12),
                            venue="Parc Central", category_id=1, access_type=AccessType.PAID,
                            price=Money(5000, "XOF"), capacity=100)
        return replace(base, **changes)

    async def new(self, actor: Actor = ORGANISER, *, approve: bool = True, draft: bool = False, **changes: Any
                  ) -> int:
        event = await self.create(c.CreateEventCommand(actor, self.details(**changes), draft=draft))
        if approve and not draft:
            await self.moderate(c.ModerateCommand(ADMIN, [event.id], approve=True))
        return int(event.id)

    def rows(self) -> dict[int, Any]:
        return self.store.table("ticketing_events")


@pytest.fixture
def world() -> Catalogue:
    return Catalogue()


async def test_created_events_await_validation_and_the_public_sees_validated_ones_only(world: Catalogue) -> None:
    published = await world.new()
    pending = await world.new(approve=False)
    draft = await world.new(draft=True)
    assert world.rows()[pending].status is EventStatus.PENDING
    assert world.rows()[draft].status is EventStatus.DRAFT
    for viewer in (None, OTHER):
        page = await world.queries.events(viewer)
        assert [card.event.id for card in page.cards] == [published]
        for hidden in (pending, draft):
            with pytest.raises(NotFound):
                await world.queries.event(hidden, viewer)
    mine = await world.queries.events(ORGANISER)
    assert {card.event.id for card in mine.cards} == {published, pending, draft}
    everything = await world.queries.events(ADMIN)
    assert everything.total == 3
    assert (await world.queries.event(draft, ORGANISER)).status is EventStatus.DRAFT


async def test_the_list_filters_by_search_category_and_shown_status(world: Catalogue) -> None:
    jazz = await world.new(title="Nuit du jazz")
    sport = await world.new(title="Marathon", description="Course", category_id=4)
    over = await world.new(title="Concert passé", description="Rock", starts_at=world.clock.now() + timedelta(hours=1),
                           ends_at=world.clock.now() + timedelta(hours=2))
    world.clock.advance(hours=3)
    assert [x.event.id for x in (await world.queries.events(None, search="JAZZ")).cards] == [jazz]
    assert [x.event.id for x in (await world.queries.events(None, category_id=4)).cards] == [sport]
    finished = await world.queries.events(None, status=EventStatus.FINISHED)
    assert [x.event.id for x in finished.cards] == [over]
    live = await world.queries.events(None, status=EventStatus.VALIDATED)
    assert {x.event.id for x in live.cards} == {jazz, sport}
    everything = await world.queries.events(None)
    assert {x.event.id for x in everything.cards} == {jazz, sport}  # without a status: what is not over
    page = await world.queries.events(None, page=2, page_size=1)
    assert page.total == 2 and len(page.cards) == 1 and not page.has_next


async def test_an_unverified_account_may_create_one_event(world: Catalogue) -> None:
    await world.new(OTHER, approve=False)
    with pytest.raises(CreationLimitReached):
        await world.new(OTHER, approve=False)
    assert sum(1 for e in world.rows().values() if e.creator_id == OTHER.user_id) == 1
    for _ in range(3):
        await world.new(ORGANISER, approve=False)  # verified: no limit


async def test_only_spotvibe_accounts_create_events(world: Catalogue) -> None:
    with pytest.raises(Forbidden):
        await world.new(TOWN_MAYOR)
    assert world.rows() == {}


async def test_bad_details_and_a_bad_cover_are_refused_together_and_nothing_is_kept(world: Catalogue) -> None:
    with pytest.raises(InvalidInput) as refused:
        await world.create(c.CreateEventCommand(ORGANISER, world.details(title="", capacity=0),
                                                cover=Upload("x.png", "image/png", b"not an image")))
    assert {"title", "capacity", "cover_image"} <= set(refused.value.details)
    assert world.rows() == {} and world.files.files == {}


async def test_a_cover_is_stored_and_replaced(world: Catalogue) -> None:
    event = await world.create(c.CreateEventCommand(ORGANISER, world.details(),
                                                    cover=Upload("a.png", "image/png", PNG)))
    first = event.cover_image
    assert first is not None and first.startswith("/media/events/covers/") and first in world.files.files
    updated = await world.update(c.UpdateEventCommand(ORGANISER, event.id, cover=Upload("b.png", "image/png", PNG)))
    assert updated.cover_image != first and first not in world.files.files


async def test_only_the_creator_or_an_admin_edits_and_a_validated_event_goes_back_to_validation(
        world: Catalogue) -> None:
    event_id = await world.new()
    with pytest.raises(Forbidden):
        await world.update(c.UpdateEventCommand(OTHER, event_id, {"title": "Pirate"}))
    assert world.rows()[event_id].title == "Festival de Jazz"
    draft = await world.new(draft=True)
    with pytest.raises(NotFound):  # another's draft is not even visible
        await world.update(c.UpdateEventCommand(OTHER, draft, {"title": "Pirate"}))
    edited = await world.update(c.UpdateEventCommand(ORGANISER, event_id, {"title": "Jazz 2026"}))
    assert edited.status is EventStatus.PENDING and edited.title == "Jazz 2026"
    by_admin = await world.update(c.UpdateEventCommand(ADMIN, draft, {"venue": "Salle"}, submit=True))
    assert by_admin.status is EventStatus.PENDING


async def test_no_edit_once_started(world: Catalogue) -> None:
    event_id = await world.new(starts_at=world.clock.now() + timedelta(hours=1),
                               ends_at=world.clock.now() + timedelta(hours=5))
    world.clock.advance(hours=2)
    with pytest.raises(Conflict):
        await world.update(c.UpdateEventCommand(ORGANISER, event_id, {"title": "Trop tard"}))


async def test_an_invalid_change_changes_nothing(world: Catalogue) -> None:
    event_id = await world.new()
    with pytest.raises(InvalidInput) as refused:
        await world.update(c.UpdateEventCommand(ORGANISER, event_id, {"price": None, "title": "Nouveau"}))
    assert "price" in refused.value.details
    assert world.rows()[event_id].title == "Festival de Jazz"
    assert world.rows()[event_id].status is EventStatus.VALIDATED


async def test_delete_is_the_creators_or_an_admins_and_refused_once_tickets_are_sold(world: Catalogue) -> None:
    event_id = await world.new()
    await world.participate(c.ParticipateCommand(OTHER, event_id, ParticipationStatus.GOING))
    with pytest.raises(Forbidden):
        await world.delete(c.EventCommand(OTHER, event_id))
    world.sold.sold[event_id] = 3
    with pytest.raises(TicketsSold) as refused:
        await world.delete(c.EventCommand(ORGANISER, event_id))
    assert isinstance(refused.value, StateConflict)
    assert event_id in world.rows()
    world.sold.sold[event_id] = 0
    await world.delete(c.EventCommand(ADMIN, event_id))
    assert event_id not in world.rows() and world.store.table("ticketing_participations") == {}
    with pytest.raises(NotFound):
        await world.delete(c.EventCommand(ORGANISER, event_id))


async def test_moderation_is_for_admins_and_all_or_nothing(world: Catalogue) -> None:
    first, second = await world.new(approve=False), await world.new(approve=False)
    already = await world.new()
    with pytest.raises(Forbidden):
        await world.moderate(c.ModerateCommand(ORGANISER, [first], approve=True))
    with pytest.raises(InvalidInput) as missing:
        await world.moderate(c.ModerateCommand(ADMIN, [first, 999], approve=True))
    assert "999" in missing.value.details["event_ids"][0]
    with pytest.raises(InvalidInput):
        await world.moderate(c.ModerateCommand(ADMIN, [first, already], approve=True))
    with pytest.raises(InvalidInput) as no_reason:
        await world.moderate(c.ModerateCommand(ADMIN, [first], approve=False))
    assert "reason" in no_reason.value.details
    assert world.rows()[first].status is EventStatus.PENDING
    assert await world.moderate(c.ModerateCommand(ADMIN, [first, second], approve=False, reason="Flou")) == 2
    assert {world.rows()[i].status for i in (first, second)} == {EventStatus.REJECTED}
    assert world.rows()[first].rejection_reason == "Flou"


async def test_one_participation_per_account_which_may_change_status_or_be_cancelled(world: Catalogue) -> None:
    event_id = await world.new()
    await world.participate(c.ParticipateCommand(OTHER, event_id, ParticipationStatus.INTERESTED))
    with pytest.raises(Conflict):
        await world.participate(c.ParticipateCommand(OTHER, event_id, ParticipationStatus.INTERESTED))
    await world.participate(c.ParticipateCommand(OTHER, event_id, ParticipationStatus.GOING))
    people = await world.queries.participants(event_id, None)
    assert [(p.username, p.status) for p in people] == [("autre", ParticipationStatus.GOING)]
    mine = await world.queries.my_participations(OTHER)
    assert [view.card.event.id for _, view in mine] == [event_id]
    await world.cancel_participation(c.EventCommand(OTHER, event_id))
    assert await world.queries.participants(event_id, None) == []
    with pytest.raises(InvalidInput):
        await world.cancel_participation(c.EventCommand(OTHER, event_id))


async def test_participating_needs_a_published_event_not_over(world: Catalogue) -> None:
    pending = await world.new(approve=False)
    with pytest.raises(NotFound):
        await world.participate(c.ParticipateCommand(OTHER, pending, ParticipationStatus.GOING))
    with pytest.raises(InvalidInput):  # the creator sees it, but it is not open yet
        await world.participate(c.ParticipateCommand(ORGANISER, pending, ParticipationStatus.GOING))
    over = await world.new(starts_at=world.clock.now() + timedelta(hours=1),
                           ends_at=world.clock.now() + timedelta(hours=2))
    world.clock.advance(hours=3)
    with pytest.raises(InvalidInput):
        await world.participate(c.ParticipateCommand(OTHER, over, ParticipationStatus.GOING))
    assert world.store.table("ticketing_participations") == {}


async def test_shares_count_on_the_event_and_need_a_published_one(world: Catalogue) -> None:
    event_id = await world.new()
    await world.share(c.ShareCommand(OTHER, event_id, Platform.WHATSAPP, "https://example.com/e/1"))
    await world.share(c.ShareCommand(OTHER, event_id, Platform.FACEBOOK))
    assert world.rows()[event_id].share_count == 2
    with pytest.raises(InvalidInput):
        await world.share(c.ShareCommand(OTHER, event_id, Platform.FACEBOOK, "javascript:alert(1)"))
    draft = await world.new(draft=True)
    with pytest.raises(NotFound):
        await world.share(c.ShareCommand(OTHER, draft, Platform.FACEBOOK))
    assert world.rows()[event_id].share_count == 2


async def test_a_viewer_counts_once_per_window_and_the_creator_not_at_all(world: Catalogue) -> None:
    event_id = await world.new()
    event = world.rows()[event_id]
    assert await world.record_view(event, Viewer.anonymous("203.0.113.7"))
    assert not await world.record_view(event, Viewer.anonymous("203.0.113.7"))
    assert await world.record_view(event, Viewer.account(OTHER.user_id))
    assert not await world.record_view(event, Viewer.account(ORGANISER.user_id))
    world.clock.advance(minutes=31)
    assert await world.record_view(event, Viewer.anonymous("203.0.113.7"))
    assert world.rows()[event_id].view_count == 3


async def test_stats_count_published_events_and_their_participants(world: Catalogue) -> None:
    soon = await world.new(starts_at=world.clock.now() + timedelta(hours=1),
                           ends_at=world.clock.now() + timedelta(days=1))
    await world.new()
    await world.new(approve=False)
    await world.participate(c.ParticipateCommand(OTHER, soon, ParticipationStatus.GOING))
    await world.participate(c.ParticipateCommand(ADMIN, soon, ParticipationStatus.INTERESTED))
    world.clock.advance(hours=2)
    stats = await world.queries.stats()
    assert (stats.total_events, stats.active_events, stats.upcoming_events, stats.total_participants) == (2, 2, 1, 1)


async def test_trending_ranks_recent_interest_first(world: Catalogue) -> None:
    quiet, shared, popular = await world.new(), await world.new(), await world.new()
    await world.new(approve=False)  # never trending: not published
    await world.share(c.ShareCommand(OTHER, shared, Platform.FACEBOOK))
    await world.participate(c.ParticipateCommand(OTHER, popular, ParticipationStatus.GOING))
    await world.participate(c.ParticipateCommand(ADMIN, popular, ParticipationStatus.GOING))
    ranked = [view.card.event.id for view in await world.queries.trending()]
    assert ranked == [popular, shared, quiet]


async def test_the_default_availability_is_the_capacity(world: Catalogue) -> None:
    limited = await world.new(capacity=50)
    unlimited = await world.new(capacity=None)
    assert (await world.queries.event(limited, None)).seats.remaining == 50
    assert (await world.queries.event(unlimited, None)).seats.remaining is None


def test_instants_in_the_world_are_aware(world: Catalogue) -> None:
    assert world.clock.now().tzinfo is UTC or world.clock.now().utcoffset() == timedelta(0)
    assert isinstance(world.clock.now(), datetime)


async def test_the_trending_ranking_is_reused_for_its_ttl(world: Catalogue) -> None:
    first, second = await world.new(), await world.new()
    await world.share(c.ShareCommand(OTHER, first, Platform.FACEBOOK))
    assert [v.card.event.id for v in await world.queries.trending()] == [first, second]
    for _ in range(2):
        await world.share(c.ShareCommand(OTHER, second, Platform.FACEBOOK))
    assert [v.card.event.id for v in await world.queries.trending()] == [first, second]
    world.clock.advance(seconds=61)
    assert [v.card.event.id for v in await world.queries.trending()] == [second, first]
