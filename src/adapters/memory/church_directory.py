"""The church directory in memory: the community context's sites and members (domain `Site` / `Member` in the
store's `community_sites` / `community_members` tables), as other contexts' tests put them there (`add_site`,
`add_member`) or the community memory repositories (adapters/memory/community.py) do."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.memory.store import MemoryStore
from application.shared.church import MemberRef, SiteRef
from domain.community.model import DEFAULT_SITES, Member, MemberProfile, MemberStatus, Site, member_code

SITES = "community_sites"
MEMBERS = "community_members"
FAMILIES = "community_families"
NUMBERS = "community_site_numbers"  # site id -> the next member number


def site_ref(site: Site) -> SiteRef:
    assert site.id is not None
    return SiteRef(id=site.id, code=site.code, name=site.name)


def member_ref(member: Member) -> MemberRef:
    assert member.id is not None
    p = member.profile
    return MemberRef(id=member.id, member_code=member.member_code, first_name=p.first_name, last_name=p.last_name,
                     site_id=member.site_id, user_id=member.user_id, email=p.email, phone=p.phone,
                     active=p.status is MemberStatus.ACTIVE)


class MemoryChurchDirectory:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def add_site(self, code: str, name: str) -> SiteRef:
        site = Site(id=self._store.next_id(SITES), code=code, name=name)
        self._store.table(SITES)[site.id] = site
        return site_ref(site)

    def add_member(self, site_id: int, first_name: str, last_name: str, *, user_id: int | None = None,
                   email: str = "", phone: str = "", active: bool = True) -> MemberRef:
        site: Site = self._store.table(SITES)[site_id]
        numbers = self._store.table(NUMBERS)
        number = numbers.get(site_id, 1)
        numbers[site_id] = number + 1
        member = Member(id=self._store.next_id(MEMBERS), site_id=site_id, member_code=member_code(site.code, number),
                        user_id=user_id, profile=MemberProfile(
                            first_name=first_name, last_name=last_name, email=email, phone=phone,
                            status=MemberStatus.ACTIVE if active else MemberStatus.INACTIVE))
        self._store.table(MEMBERS)[member.id] = member
        return member_ref(member)

    async def sites(self) -> list[SiteRef]:
        found = [s for s in self._store.table(SITES).values() if s.is_active]
        return [site_ref(s) for s in sorted(found, key=lambda s: s.code)]

    async def site(self, site_id: int) -> SiteRef | None:
        site: Site | None = self._store.table(SITES).get(site_id)
        return site_ref(site) if site else None

    async def site_by_code(self, code: str) -> SiteRef | None:
        return next((site_ref(s) for s in self._store.table(SITES).values() if s.code == code.upper()), None)

    async def members(self, member_ids: Sequence[int]) -> dict[int, MemberRef]:
        table = self._store.table(MEMBERS)
        return {i: member_ref(table[i]) for i in member_ids if i in table}

    async def member_of_user(self, user_id: int) -> MemberRef | None:
        return next((member_ref(m) for m in self._store.table(MEMBERS).values() if m.user_id == user_id), None)

    async def members_of_site(self, site_id: int) -> list[MemberRef]:
        found = [m for m in self._store.table(MEMBERS).values()
                 if m.site_id == site_id and m.profile.status is MemberStatus.ACTIVE]
        return [member_ref(m) for m in sorted(found, key=lambda m: (m.profile.last_name, m.profile.first_name, m.id))]


class MemorySiteCatalogue:
    """Identity's `SiteCatalogue` in memory: the default sites, and those in the store."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def known_site(self, code: str) -> bool:
        code = code.strip().upper()
        return code in {c for c, _ in DEFAULT_SITES} or any(s.code == code for s in self._store.table(SITES).values())
