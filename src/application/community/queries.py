"""The directory's read models: who sees which members, and whose contacts."""

from __future__ import annotations

from dataclasses import dataclass

from application.community.ports import CommunityConfig, CommunityReads, MemberSearch, Ordering
from application.community.services import FAMILY_NOT_FOUND, MEMBER_NOT_FOUND, may_manage_site
from domain.community.model import Family, Member, MemberStatus, Site, folded
from domain.community.permissions import MANAGE_MEMBERS_ANY_SITE, MANAGE_MEMBERS_OWN_SITE, SEE_DIRECTORY
from domain.shared.actor import Actor
from domain.shared.errors import NotFound

MAX_PAGE = 10_000_000


@dataclass(frozen=True)
class MemberPage:
    members: list[Member]
    sites: dict[int, Site]
    total: int
    page: int
    page_size: int
    show_contacts: bool

    @property
    def has_next(self) -> bool:
        return self.page * self.page_size < self.total


@dataclass(frozen=True)
class MemberView:
    member: Member
    site: Site
    family: Family | None
    relatives: list[Member]  # the family's other members
    show_contacts: bool


class CommunityQueries:
    def __init__(self, reads: CommunityReads, config: CommunityConfig) -> None:
        self._reads, self._config = reads, config

    def _show_contacts(self, actor: Actor) -> bool:
        return self._config.contacts_visible_to_members or MANAGE_MEMBERS_OWN_SITE.allows(actor)

    async def _sites_by_id(self) -> dict[int, Site]:
        return {s.id: s for s in await self._reads.sites() if s.id is not None}

    async def directory(self, actor: Actor, *, search: str | None, site_id: int | None, ordering: Ordering,
                        page: int, staff: bool = False, page_size: int | None = None) -> MemberPage:
        """Active members (staff: every status, only the sites they manage unless admin/pasteur)."""
        (MANAGE_MEMBERS_OWN_SITE if staff else SEE_DIRECTORY).check(actor)
        size = page_size or self._config.page_size
        if staff and not MANAGE_MEMBERS_ANY_SITE.allows(actor):
            own = next((s for s in (await self._sites_by_id()).values() if s.code == actor.site), None)
            if own is None or (site_id is not None and site_id != own.id):
                return MemberPage([], {}, 0, page, size, True)
            site_id = own.id
        text = folded(search).strip() if search else None
        found = await self._reads.search(MemberSearch(
            text=text or None, site_id=site_id, active_only=not staff, ordering=ordering, limit=size,
            offset=(min(page, MAX_PAGE) - 1) * size))
        return MemberPage(found.members, found.sites, found.total, page, size, staff or self._show_contacts(actor))

    async def member(self, actor: Actor, member_id: int, *, staff: bool = False) -> MemberView:
        (MANAGE_MEMBERS_OWN_SITE if staff else SEE_DIRECTORY).check(actor)
        member = await self._reads.member(member_id)
        site = (await self._sites_by_id()).get(member.site_id) if member else None
        if member is None or site is None:
            raise NotFound(MEMBER_NOT_FOUND)
        if staff and not may_manage_site(actor, site):
            raise NotFound(MEMBER_NOT_FOUND)
        if not staff and member.profile.status is not MemberStatus.ACTIVE and not may_manage_site(actor, site):
            raise NotFound(MEMBER_NOT_FOUND)
        family, relatives = None, []
        if member.family_id is not None and (found := await self._reads.family(member.family_id)):
            family, everyone = found
            relatives = [m for m in everyone if m.id != member.id]
        return MemberView(member, site, family, relatives, staff or self._show_contacts(actor))

    async def member_of_user(self, user_id: int) -> tuple[Member, Site] | None:
        """The account's own member entry and its site (the profile's `member` block): one read."""
        return await self._reads.member_of_user(user_id)

    async def sites(self, actor: Actor) -> list[Site]:
        SEE_DIRECTORY.check(actor)
        return await self._reads.sites()

    async def families(self, actor: Actor, site_id: int | None, page: int) -> tuple[list[Family], int]:
        MANAGE_MEMBERS_OWN_SITE.check(actor)
        size = self._config.page_size
        if not MANAGE_MEMBERS_ANY_SITE.allows(actor):
            own = next((s for s in (await self._sites_by_id()).values() if s.code == actor.site), None)
            if own is None or (site_id is not None and site_id != own.id):
                return [], 0
            site_id = own.id
        return await self._reads.families(site_id, size, (min(page, MAX_PAGE) - 1) * size)

    async def family(self, actor: Actor, family_id: int) -> tuple[Family, list[Member]]:
        MANAGE_MEMBERS_OWN_SITE.check(actor)
        found = await self._reads.family(family_id)
        site = (await self._sites_by_id()).get(found[0].site_id) if found else None
        if found is None or site is None or not may_manage_site(actor, site):
            raise NotFound(FAMILY_NOT_FOUND)
        return found
