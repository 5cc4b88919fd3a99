"""Community use cases on the memory adapters: member ids, scope of staff, the directory, the import."""

from __future__ import annotations

import pytest

from application.community import services
from application.community.imports import ImportCommand, ImportMembers
from application.community.ports import Ordering
from application.community.queries import CommunityQueries
from domain.community.model import MemberProfile, MemberStatus
from domain.shared.actor import Actor
from domain.shared.errors import Forbidden, InvalidInput, NotFound
from domain.shared.realm import Realm
from entrypoints.di.container import memory_container
from tests.application.scoped import InScope

ADMIN = Actor(user_id=1, realm=Realm.EEBC, roles=frozenset({"admin"}), site="CAB")
SECRETARY_MAC = Actor(user_id=2, realm=Realm.EEBC, roles=frozenset({"secretariat"}), site="MAC")
MEMBER = Actor(user_id=3, realm=Realm.EEBC, roles=frozenset({"membre"}), site="CAB")


async def _sites() -> tuple[object, int, int]:
    container = memory_container()
    create = InScope(container, services.CreateSite)
    cab = await create(services.SiteCommand(actor=ADMIN, code="cab", name="Cabassou"))
    mac = await create(services.SiteCommand(actor=ADMIN, code="MAC", name="Macouria"))
    return container, cab.id, mac.id


async def test_members_get_their_site_s_next_id_and_e164_phones() -> None:
    container, cab, mac = await _sites()
    create = InScope(container, services.CreateMember)
    first = await create(services.MemberCommand(actor=ADMIN, site_id=cab, profile=MemberProfile(
        first_name="Hélène", last_name="Émile", phone="0694 12 34 56")))
    second = await create(services.MemberCommand(actor=ADMIN, site_id=cab, profile=MemberProfile(
        first_name="Jean", last_name="Dupont")))
    other = await create(services.MemberCommand(actor=ADMIN, site_id=mac, profile=MemberProfile(
        first_name="Marc", last_name="Martin")))
    assert [first.member_code, second.member_code, other.member_code] == [
        "EEBC-CAB-0001", "EEBC-CAB-0002", "EEBC-MAC-0001"]
    assert first.profile.phone == "+594694123456"
    page = await InScope(container, CommunityQueries).directory(MEMBER, search="HELENE", site_id=None,
                                                                ordering=Ordering.LAST_NAME, page=1)
    assert [m.id for m in page.members] == [first.id] and page.total == 1


async def test_staff_scope() -> None:
    container, cab, mac = await _sites()
    create = InScope(container, services.CreateMember)
    with pytest.raises(NotFound):
        await create(services.MemberCommand(actor=SECRETARY_MAC, site_id=cab, profile=MemberProfile("A", "B")))
    with pytest.raises(Forbidden):
        await create(services.MemberCommand(actor=MEMBER, site_id=cab, profile=MemberProfile("A", "B")))
    with pytest.raises(Forbidden):
        await InScope(container, services.CreateSite)(services.SiteCommand(actor=SECRETARY_MAC, code="KOU",
                                                                           name="Kourou"))
    mine = await create(services.MemberCommand(actor=SECRETARY_MAC, site_id=mac, profile=MemberProfile("A", "B")))
    theirs = await create(services.MemberCommand(actor=ADMIN, site_id=cab, profile=MemberProfile("C", "D")))
    archive = InScope(container, services.ArchiveMember)
    with pytest.raises(NotFound):
        await archive(SECRETARY_MAC, theirs.id)
    await archive(SECRETARY_MAC, mine.id)
    view = await InScope(container, CommunityQueries).member(SECRETARY_MAC, mine.id, staff=True)
    assert view.member.profile.status is MemberStatus.INACTIVE
    with pytest.raises(NotFound):
        await InScope(container, CommunityQueries).member(MEMBER, mine.id)


async def test_invalid_fields_are_reported_together() -> None:
    container, cab, _ = await _sites()
    with pytest.raises(InvalidInput) as error:
        await InScope(container, services.CreateMember)(services.MemberCommand(
            actor=ADMIN, site_id=cab, relationship="COUSIN", family_id=99,
            profile=MemberProfile(first_name="", last_name="B", phone="12", gender="X")))
    assert set(error.value.details) == {"first_name", "phone", "gender", "relationship", "family"}


async def test_import_dry_run_then_for_real() -> None:
    container, _, _ = await _sites()
    data = "site;prenom;nom\nCAB;Zoé;Noël\nKOU;A;B\n".encode()
    importing = InScope(container, ImportMembers)
    dry = await importing(ImportCommand(actor=ADMIN, data=data, dry_run=True))
    assert dry.created == 1 and [row for row, _ in dry.refused] == [3]
    page = await InScope(container, CommunityQueries).directory(ADMIN, search=None, site_id=None,
                                                                ordering=Ordering.LAST_NAME, page=1)
    assert page.total == 0
    done = await importing(ImportCommand(actor=ADMIN, data=data))
    assert done.created == 1
