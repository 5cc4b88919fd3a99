"""The worship use cases on the memory adapters, as the service wires them: the rota, answers and their
deadline, replacements (first accept wins), conflict warnings, reminders once, the ICS feed token, the scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.memory.church_directory import MemoryChurchDirectory
from adapters.memory.store import FrozenClock, MemoryOutbox, MemoryStore
from application.notifications.requests import NOTIFY
from application.worship import rota, staff
from application.worship.feeds import FeedTokens, ReadFeed
from application.worship.reminders import SendReminders
from domain.shared.actor import Actor
from domain.shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.shared.realm import Realm
from domain.worship.errors import AnswersClosed, SlotTaken
from domain.worship.model import Answer, AssignmentStatus, ServiceType
from entrypoints.di.container import memory_container
from tests.application.scoped import InScope

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def eebc(user_id: int, role: str = "membre", site: str = "CAB") -> Actor:
    return Actor(user_id, Realm.EEBC, frozenset({role}), site=site)


class World:
    def __init__(self) -> None:
        self.container = memory_container()
        get = self.container.get_sync
        self.store, self.clock = get(MemoryStore), get(FrozenClock)
        self.clock.current = NOW
        self.directory = MemoryChurchDirectory(self.store)
        self.cab = self.directory.add_site("CAB", "Cabassou")
        self.mac = self.directory.add_site("MAC", "Macouria")
        self.jean = self.directory.add_member(self.cab.id, "Jean", "Dupont", user_id=101)
        self.marie = self.directory.add_member(self.cab.id, "Marie", "Curie", user_id=102)
        self.paul = self.directory.add_member(self.cab.id, "Paul", "Martin", user_id=103)
        self.luc = self.directory.add_member(self.mac.id, "Luc", "Bernard", user_id=104)
        self.pastor = eebc(900, "pasteur")

    def use(self, use_case: type[Any]) -> Any:
        return InScope(self.container, use_case)

    @property
    def outbox(self) -> MemoryOutbox:
        return MemoryOutbox(self.store)

    async def service(self, *, days: float = 7, site_id: int | None = None) -> Any:
        return await self.use(staff.CreateService)(self.pastor, staff.ServiceFields(
            site_id=site_id or self.cab.id, starts_at=NOW + timedelta(days=days),
            service_type=ServiceType.CULTE_DOMINICAL,
            theme="La foi"))

    async def role(self, code: str = "choriste", *members: int) -> Any:
        role = await self.use(staff.CreateRole)(self.pastor, staff.RoleFields(code, code.capitalize()))
        for member in members:
            await self.use(staff.ServeInRole)(self.pastor, role.id, member)
        return role

    async def assign(self, service: Any, role: Any, member_id: int, actor: Actor | None = None) -> Any:
        return await self.use(staff.CreateAssignment)(actor or self.pastor, service.id,
                                                       staff.AssignmentFields(role.id, member_id))


@pytest.fixture
def world() -> World:
    return World()


async def test_the_assignment_id_the_list_shows_is_the_one_confirm_takes(world: World) -> None:
    service, role = await world.service(), await world.role()
    await world.assign(service, role, world.jean.id)
    page = await world.use(rota.ListServices)(rota.ListServicesQuery(eebc(101)))
    assert page.count == 1
    shown = page.results[0].assignments[0]
    assert shown.is_current_user and shown.member.first_name == "Jean" and shown.role.name == "Choriste"
    done = await world.use(rota.AnswerAssignment)(rota.AnswerCommand(eebc(101), shown.assignment.id, Answer.CONFIRM))
    assert done.status is AssignmentStatus.CONFIRME
    view = await world.use(rota.ServiceDetail)(eebc(102), service.id)
    assert view.assignments[0].assignment.status is AssignmentStatus.CONFIRME
    assert not view.assignments[0].is_current_user


async def test_only_the_assigned_member_answers_and_not_after_the_deadline(world: World) -> None:
    service, role = await world.service(days=3), await world.role()
    assignment = (await world.assign(service, role, world.jean.id)).assignment
    answer = world.use(rota.AnswerAssignment)
    with pytest.raises(NotFound):
        await answer(rota.AnswerCommand(eebc(102), assignment.id, Answer.CONFIRM))
    with pytest.raises(Forbidden):
        await answer(rota.AnswerCommand(eebc(555), assignment.id, Answer.CONFIRM))
    with pytest.raises(InvalidInput):
        await answer(rota.AnswerCommand(eebc(101), assignment.id, Answer.DECLINE, "x" * 501))
    world.clock.current = service.starts_at - timedelta(hours=48)
    with pytest.raises(AnswersClosed):
        await answer(rota.AnswerCommand(eebc(101), assignment.id, Answer.CONFIRM))
    changed = await world.use(staff.UpdateAssignment)(world.pastor, service.id, assignment.id, staff.AssignmentFields(
        role.id, world.jean.id, AssignmentStatus.CONFIRME))
    assert changed.assignment.status is AssignmentStatus.CONFIRME


async def test_a_decline_is_offered_to_free_eligible_members_of_the_site_and_the_first_accept_wins(
        world: World) -> None:
    service, role = await world.service(), await world.role("choriste", world.jean.id, world.marie.id,
                                                              world.paul.id, world.luc.id)
    busy_elsewhere = await world.service(site_id=world.mac.id)
    await world.assign(busy_elsewhere, role, world.paul.id)
    assignment = (await world.assign(service, role, world.jean.id)).assignment
    declined = await world.use(rota.AnswerAssignment)(rota.AnswerCommand(
        eebc(101), assignment.id, Answer.DECLINE, "  Absent ce jour-là "))
    assert declined.status is AssignmentStatus.DECLINE and declined.decline_reason == "Absent ce jour-là"
    offers = [m for m in world.outbox.messages(NOTIFY) if m.payload["kind"] == "WORSHIP_REPLACEMENT"]
    assert [m.payload["user_ids"] for m in offers] == [[102]]  # not Jean, not busy Paul, not Luc of MAC
    accept = world.use(rota.AcceptReplacement)
    with pytest.raises(Forbidden):
        await accept(rota.AcceptReplacementCommand(eebc(104, site="MAC"), assignment.id))
    taken = await accept(rota.AcceptReplacementCommand(eebc(102), assignment.id))
    assert taken.member_id == world.marie.id and taken.status is AssignmentStatus.CONFIRME
    with pytest.raises(SlotTaken):
        await accept(rota.AcceptReplacementCommand(eebc(103), assignment.id))
    view = await world.use(rota.ServiceDetail)(eebc(101), service.id)
    assert sorted(v.assignment.status.value for v in view.assignments) == ["confirme", "remplace"]


async def test_staff_assignments_warn_of_a_member_serving_twice_at_one_time(world: World) -> None:
    role = await world.role()
    here, there = await world.service(), await world.service(site_id=world.mac.id)
    assert (await world.assign(here, role, world.jean.id)).warnings == []
    warned = await world.assign(there, role, world.jean.id)
    assert len(warned.warnings) == 1 and "Cabassou" in warned.warnings[0].message
    with pytest.raises(Conflict):
        await world.assign(here, role, world.jean.id)


async def test_own_site_staff_manage_only_their_site_and_members_nothing(world: World) -> None:
    role = await world.role()
    mac_service = await world.service(site_id=world.mac.id)
    deacon = eebc(800, "diacre", "CAB")
    with pytest.raises(NotFound):
        await world.assign(mac_service, role, world.luc.id, deacon)
    with pytest.raises(NotFound):
        await world.use(staff.CreateService)(deacon, staff.ServiceFields(
            world.mac.id, NOW + timedelta(days=2), ServiceType.CULTE_PRIERE))
    mine = await world.use(staff.CreateService)(deacon, staff.ServiceFields(
        world.cab.id, NOW + timedelta(days=2), ServiceType.CULTE_PRIERE))
    assert (await world.assign(mine, role, world.jean.id, deacon)).assignment.id
    with pytest.raises(Forbidden):
        await world.use(staff.CreateService)(eebc(101), staff.ServiceFields(
            world.cab.id, NOW + timedelta(days=2), ServiceType.CULTE_PRIERE))
    with pytest.raises(Forbidden):
        await world.use(staff.CreateRole)(deacon, staff.RoleFields("lecteur", "Lecteur"))
    listed = await world.use(staff.ListRoles)(deacon)
    assert listed[0][0].code == "choriste"


async def test_reminders_go_once_to_assignees_of_services_in_24_to_48_hours(world: World) -> None:
    role = await world.role()
    soon, later = await world.service(days=1.5), await world.service(days=5)
    await world.assign(soon, role, world.jean.id)
    await world.assign(later, role, world.marie.id)
    remind = world.use(SendReminders)
    assert await remind() == 1
    assert await remind() == 0
    sent = [m for m in world.outbox.messages(NOTIFY) if m.payload["kind"] == "WORSHIP_REMINDER"]
    assert [m.payload["user_ids"] for m in sent] == [[101]]
    assert sent[0].payload["data"]["role"] == "Choriste"


async def test_the_feed_token_finds_the_members_assignments_until_regenerated(world: World) -> None:
    service, role = await world.service(), await world.role()
    await world.assign(service, role, world.jean.id)
    tokens = world.use(FeedTokens)
    token = await tokens.current(eebc(101))
    assert await tokens.current(eebc(101)) == token
    entries = await world.use(ReadFeed)(token)
    assert [(e.service.id, e.role.code, e.site_name) for e in entries] == [(service.id, "choriste", "Cabassou")]
    fresh = await tokens.regenerate(eebc(101))
    assert fresh != token
    with pytest.raises(NotFound):
        await world.use(ReadFeed)(token)
    assert len(await world.use(ReadFeed)(fresh)) == 1


async def test_history_and_my_assignments(world: World) -> None:
    role = await world.role()
    past, coming = await world.service(days=-10), await world.service(days=3)
    await world.assign(past, role, world.jean.id)
    await world.service(days=4)
    history = await world.use(rota.ListServices)(rota.ListServicesQuery(eebc(101), rota.Listing.HISTORY))
    assert [v.service.id for v in history.results] == [past.id]
    mine = await world.use(rota.ListServices)(rota.ListServicesQuery(eebc(101), rota.Listing.MINE))
    assert mine.count == 0
    await world.assign(coming, role, world.jean.id)
    mine = await world.use(rota.ListServices)(rota.ListServicesQuery(eebc(101), rota.Listing.MINE))
    assert [v.service.id for v in mine.results] == [coming.id]
    upcoming = await world.use(rota.ListServices)(rota.ListServicesQuery(eebc(102), site_id=world.cab.id))
    assert upcoming.count == 2


async def test_the_demo_seed_adds_a_month_of_services_once_and_nothing_without_sites() -> None:
    from entrypoints.seed_worship import worship_demo

    empty = World.__new__(World)
    empty.container = memory_container()
    assert await worship_demo(empty.container) == {"roles": 0, "services": 0, "assignments": 0}
    world = World()
    added = await worship_demo(world.container)
    assert added == {"roles": 5, "services": 16, "assignments": 56}
    assert await worship_demo(world.container) == {"roles": 0, "services": 0, "assignments": 0}
    page = await world.use(rota.ListServices)(rota.ListServicesQuery(eebc(101), page_size=100))
    assert page.count == 16 and all(view.assignments for view in page.results)
