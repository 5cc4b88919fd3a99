"""The church directory in memory: sites and members that a test (or the community context's memory adapters)
puts in the store's `community_sites` / `community_members` tables."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.memory.store import MemoryStore
from application.shared.church import MemberRef, SiteRef

SITES = "community_sites"
MEMBERS = "community_members"


class MemoryChurchDirectory:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def add_site(self, code: str, name: str) -> SiteRef:
        site = SiteRef(id=self._store.next_id(SITES), code=code, name=name)
        self._store.table(SITES)[site.id] = site
        return site

    def add_member(self, site_id: int, first_name: str, last_name: str, *, user_id: int | None = None,
                   email: str = "", phone: str = "", active: bool = True) -> MemberRef:
        member_id = self._store.next_id(MEMBERS)
        code = next(s.code for s in self._store.table(SITES).values() if s.id == site_id)
        member = MemberRef(id=member_id, member_code=f"EEBC-{code}-{member_id:04d}", first_name=first_name,
                           last_name=last_name, site_id=site_id, user_id=user_id, email=email, phone=phone,
                           active=active)
        self._store.table(MEMBERS)[member.id] = member
        return member

    async def sites(self) -> list[SiteRef]:
        return sorted(self._store.table(SITES).values(), key=lambda s: s.code)

    async def site(self, site_id: int) -> SiteRef | None:
        site: SiteRef | None = self._store.table(SITES).get(site_id)
        return site

    async def site_by_code(self, code: str) -> SiteRef | None:
        return next((s for s in self._store.table(SITES).values() if s.code == code.upper()), None)

    async def members(self, member_ids: Sequence[int]) -> dict[int, MemberRef]:
        table = self._store.table(MEMBERS)
        return {i: table[i] for i in member_ids if i in table}

    async def member_of_user(self, user_id: int) -> MemberRef | None:
        return next((m for m in self._store.table(MEMBERS).values() if m.user_id == user_id), None)

    async def members_of_site(self, site_id: int) -> list[MemberRef]:
        found = [m for m in self._store.table(MEMBERS).values() if m.site_id == site_id and m.active]
        return sorted(found, key=lambda m: (m.last_name, m.first_name, m.id))
