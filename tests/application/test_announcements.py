"""The announcements use cases as the service wires them (the real container), on memory adapters: who sees and
changes what, the window and the order, reads, and the push to a site's members."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from adapters.memory.church_directory import MemoryChurchDirectory
from adapters.memory.store import FrozenClock, MemoryOutbox, MemoryStore
from application.announcements import services as s
from application.announcements.queries import AnnouncementQueries
from application.announcements.topics import PUSH_ANNOUNCEMENT
from application.notifications.topics import NOTIFY
from domain.announcements.model import AnnouncementDetails, Priority
from domain.identity.model import User
from domain.shared.actor import Actor
from domain.shared.errors import Forbidden, InvalidInput, NotFound
from domain.shared.realm import Realm
from entrypoints.di.container import memory_container
from tests.application.scoped import InScope

ADMIN = Actor(1, Realm.EEBC, frozenset({"admin"}), site="CAB")
PASTEUR = Actor(2, Realm.EEBC, frozenset({"pasteur"}), site="MAC")
SECRETARIAT = Actor(3, Realm.EEBC, frozenset({"secretariat"}), site="CAB")
SECRETARIAT_MAC = Actor(4, Realm.EEBC, frozenset({"secretariat"}), site="MAC")
DIACRE = Actor(5, Realm.EEBC, frozenset({"diacre"}), site="CAB")
MEMBER = Actor(10, Realm.EEBC, frozenset({"membre"}), site="CAB")
MEMBER_MAC = Actor(11, Realm.EEBC, frozenset({"membre"}), site="MAC")
SPOTVIBE = Actor(10, Realm.SPOTVIBE)


class World:
    def __init__(self) -> None:
        self.container = memory_container()
        get = self.container.get_sync
        self.store, self.clock = get(MemoryStore), get(FrozenClock)
        directory = MemoryChurchDirectory(self.store)
        self.cab, self.mac = directory.add_site("CAB", "Cabassou"), directory.add_site("MAC", "Macouria")
        directory.add_member(self.cab.id, "Marie", "Claire", user_id=MEMBER.user_id)
        directory.add_member(self.cab.id, "Sans", "Compte")
        directory.add_member(self.cab.id, "Parti", "Ailleurs", user_id=99, active=False)
        directory.add_member(self.mac.id, "Paul", "Durand", user_id=MEMBER_MAC.user_id)
        self.store.table("users")[ADMIN.user_id] = User(
            id=1, realm=Realm.EEBC, username="admin", email="a@example.com", password_hash=None,
            created_at=self.clock.now(), first_name="Pasteur", last_name="Martin")

        def use(use_case: type[Any]) -> Any:
            return InScope(self.container, use_case)

        self.create, self.update, self.delete = (use(s.CreateAnnouncement), use(s.UpdateAnnouncement),
                                                 use(s.DeleteAnnouncement))
        self.mark_read, self.publish_due, self.push = use(s.MarkRead), use(s.PublishDueAnnouncements), use(
            s.PushAnnouncement)
        self.queries = use(AnnouncementQueries)

    async def new(self, actor: Actor = ADMIN, **changes: Any) -> int:
        fields: dict[str, Any] = {"title": "Assemblée générale", "content": "L'assemblée annuelle aura lieu."}
        announcement = await self.create(s.SaveAnnouncementCommand(actor, AnnouncementDetails(**{**fields, **changes})))
        return int(announcement.id)

    def pushes(self) -> list[Any]:
        return MemoryOutbox(self.store).messages(PUSH_ANNOUNCEMENT)

    async def ids(self, actor: Actor, **kwargs: Any) -> list[int]:
        return [int(c.announcement.id) for c in (await self.queries.active(actor, **kwargs)).cards]


@pytest.fixture
def world() -> World:
    return World()


async def test_members_see_the_active_ones_of_their_site_and_for_every_site_pinned_first(world: World) -> None:
    now = world.clock.now()
    low = await world.new(site_id=world.cab.id, priority=Priority.LOW)
    urgent = await world.new(site_id=world.cab.id, priority=Priority.URGENT)
    pinned = await world.new(is_pinned=True, priority=Priority.LOW)
    await world.new(site_id=world.mac.id)
    await world.new(start_date=now + timedelta(days=1))
    await world.new(start_date=now - timedelta(days=3), end_date=now - timedelta(days=1))
    assert await world.ids(MEMBER) == [pinned, urgent, low]
    page = await world.queries.active(MEMBER)
    assert page.total == 3 and page.cards[0].announcement.author_name == "Pasteur Martin"
    assert len(await world.ids(MEMBER_MAC)) == 2
    assert await world.ids(MEMBER, search="ANNUELLE") == [pinned, urgent, low]
    assert await world.ids(MEMBER, search="absent") == []
    assert await world.ids(MEMBER, page=2, page_size=2) == [low]
    with pytest.raises(Forbidden):
        await world.queries.active(SPOTVIBE)


async def test_the_detail_hides_another_sites_and_inactive_ones(world: World) -> None:
    now = world.clock.now()
    mine, theirs = await world.new(site_id=world.cab.id), await world.new(site_id=world.mac.id)
    future = await world.new(start_date=now + timedelta(days=1))
    card, site = await world.queries.one(MEMBER, mine)
    assert site == world.cab and not card.is_read
    for hidden in (theirs, future, 999):
        with pytest.raises(NotFound):
            await world.queries.one(MEMBER, hidden)
        with pytest.raises(NotFound):
            await world.mark_read(s.MarkReadCommand(MEMBER, hidden))


async def test_mark_read_is_idempotent_and_per_account(world: World) -> None:
    first, second = await world.new(), await world.new()
    await world.mark_read(s.MarkReadCommand(MEMBER, first))
    await world.mark_read(s.MarkReadCommand(MEMBER, first))
    assert (await world.queries.one(MEMBER, first))[0].is_read
    assert not (await world.queries.one(MEMBER_MAC, first))[0].is_read
    assert await world.ids(MEMBER, is_read=True) == [first]
    assert await world.ids(MEMBER, is_read=False) == [second]


async def test_who_may_publish_where(world: World) -> None:
    for actor in (ADMIN, PASTEUR):
        await world.new(actor)
        await world.new(actor, site_id=world.mac.id)
    own = await world.new(SECRETARIAT)
    assert world.store.table("announcements")[own].site_id == world.cab.id
    for refused, site in ((SECRETARIAT, world.mac.id), (DIACRE, None), (MEMBER, None)):
        with pytest.raises(Forbidden):
            await world.new(refused, site_id=site)
    with pytest.raises(InvalidInput) as unknown:
        await world.new(ADMIN, site_id=999)
    assert "site_id" in unknown.value.details
    with pytest.raises(InvalidInput) as invalid:
        await world.new(ADMIN, title="", content="x" * 20_001)
    assert set(invalid.value.details) == {"title", "content"}


async def test_staff_of_one_site_change_their_sites_only(world: World) -> None:
    cab, mac, everywhere = await world.new(site_id=world.cab.id), await world.new(site_id=world.mac.id), \
        await world.new()
    change = AnnouncementDetails(title="Changée", content="Nouveau texte", priority=Priority.HIGH)
    edited = await world.update(s.SaveAnnouncementCommand(SECRETARIAT, change, cab))
    assert edited.title == "Changée" and edited.site_id == world.cab.id
    with pytest.raises(NotFound):
        await world.update(s.SaveAnnouncementCommand(SECRETARIAT, change, mac))
    with pytest.raises(Forbidden):
        await world.update(s.SaveAnnouncementCommand(SECRETARIAT, change, everywhere))
    with pytest.raises(Forbidden):
        await world.update(s.SaveAnnouncementCommand(SECRETARIAT, AnnouncementDetails(
            title="t", content="c", site_id=world.mac.id), cab))
    with pytest.raises(Forbidden):
        await world.delete(s.DeleteAnnouncementCommand(MEMBER, cab))
    with pytest.raises(NotFound):
        await world.delete(s.DeleteAnnouncementCommand(SECRETARIAT_MAC, cab))
    await world.mark_read(s.MarkReadCommand(MEMBER, cab))
    await world.delete(s.DeleteAnnouncementCommand(SECRETARIAT, cab))
    await world.delete(s.DeleteAnnouncementCommand(PASTEUR, mac))
    assert set(world.store.table("announcements")) == {everywhere}
    assert world.store.table("announcements_reads") == {}
    managed = await world.queries.managed(SECRETARIAT_MAC)
    assert [c.announcement.id for c in managed.cards] == [everywhere]
    with pytest.raises(Forbidden):
        await world.queries.managed(MEMBER)


async def test_active_ones_are_pushed_once_to_the_accounts_of_their_sites_members(world: World) -> None:
    now = world.clock.now()
    cab = await world.new(site_id=world.cab.id)
    later = await world.new(site_id=world.mac.id, start_date=now + timedelta(hours=1))
    everywhere = await world.new(start_date=now + timedelta(hours=2))
    assert [m.payload for m in world.pushes()] == [{"announcement_id": cab}]
    assert await world.publish_due() == 0
    world.clock.advance(hours=1)
    assert await world.publish_due() == 1 and await world.publish_due() == 0
    world.clock.advance(hours=1)
    assert await world.publish_due() == 1
    assert [m.payload["announcement_id"] for m in world.pushes()] == [cab, later, everywhere]
    assert len({m.key for m in world.pushes()}) == 3
    assert await world.push({"announcement_id": cab}) == 1
    assert await world.push({"announcement_id": everywhere}) == 2
    assert await world.push({"announcement_id": 999}) == 0
    notes = MemoryOutbox(world.store).messages(NOTIFY)
    assert [n.payload["user_ids"] for n in notes] == [[MEMBER.user_id], [MEMBER.user_id, MEMBER_MAC.user_id]]
    assert notes[0].payload["kind"] == "ANNOUNCEMENT" and notes[0].payload["realm"] == "eebc"
    assert notes[0].payload["data"]["title"] == "Assemblée générale"


async def test_an_edit_into_its_window_announces_it(world: World) -> None:
    now = world.clock.now()
    future = await world.new(start_date=now + timedelta(days=3))
    assert world.pushes() == []
    await world.update(s.SaveAnnouncementCommand(ADMIN, AnnouncementDetails(title="t", content="c", start_date=now),
                                                 future))
    assert [m.payload for m in world.pushes()] == [{"announcement_id": future}]


async def test_the_push_goes_in_batches(world: World) -> None:
    directory = MemoryChurchDirectory(world.store)
    for n in range(2500):
        directory.add_member(world.cab.id, "M", f"{n}", user_id=1000 + n)
    announcement = await world.new(site_id=world.cab.id)
    assert await world.push({"announcement_id": announcement}) == 2501
    sizes = [len(n.payload["user_ids"]) for n in MemoryOutbox(world.store).messages(NOTIFY)]
    assert sizes == [1000, 1000, 501]
