"""The community context's repositories and read side in memory, over the tables the memory church directory
reads (adapters/memory/church_directory.py)."""

from __future__ import annotations

from typing import Any

from adapters.memory.church_directory import FAMILIES, MEMBERS, NUMBERS, SITES
from adapters.memory.store import MemoryStore, detached
from application.community.ports import MemberMatches, MemberSearch, Ordering
from domain.community.model import Family, Member, MemberStatus, Site
from domain.shared.errors import Conflict


class MemorySiteRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._rows: dict[int, Site] = store.table(SITES)

    async def add(self, site: Site) -> Site:
        if any(s.code == site.code for s in self._rows.values()):
            raise Conflict.on_field("code", f"Le site {site.code} existe déjà")
        site.id = self._store.next_id(SITES)
        self._rows[site.id] = detached(site)
        return site

    async def get(self, site_id: int) -> Site | None:
        found = self._rows.get(site_id)
        return detached(found) if found else None

    async def by_code(self, code: str) -> Site | None:
        return next((detached(s) for s in self._rows.values() if s.code == code.upper()), None)

    async def all(self) -> list[Site]:
        return [detached(s) for s in sorted(self._rows.values(), key=lambda s: s.code)]

    async def save(self, site: Site) -> None:
        assert site.id is not None
        self._rows[site.id] = detached(site)

    async def take_member_number(self, site_id: int) -> int:
        numbers = self._store.table(NUMBERS)
        number: int = numbers.get(site_id, 1)
        numbers[site_id] = number + 1
        return number


class MemoryMemberRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._rows: dict[int, Member] = store.table(MEMBERS)

    def _check_account(self, member: Member) -> None:
        if member.user_id is not None and any(m.user_id == member.user_id and m.id != member.id
                                              for m in self._rows.values()):
            raise Conflict.on_field("user", "Ce compte est déjà celui d'un autre membre")

    async def add(self, member: Member) -> Member:
        self._check_account(member)
        member.id = self._store.next_id(MEMBERS)
        self._rows[member.id] = detached(member)
        return member

    async def get_for_update(self, member_id: int) -> Member | None:
        found = self._rows.get(member_id)
        return detached(found) if found else None

    async def save(self, member: Member) -> None:
        assert member.id is not None
        self._check_account(member)
        self._rows[member.id] = detached(member)

    async def of_family(self, family_id: int) -> list[Member]:
        return [detached(m) for m in sorted(self._rows.values(), key=lambda m: m.id or 0) if m.family_id == family_id]


class MemoryFamilyRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._rows: dict[int, Family] = store.table(FAMILIES)

    async def add(self, family: Family) -> Family:
        family.id = self._store.next_id(FAMILIES)
        self._rows[family.id] = detached(family)
        return family

    async def get_for_update(self, family_id: int) -> Family | None:
        found = self._rows.get(family_id)
        return detached(found) if found else None

    async def save(self, family: Family) -> None:
        assert family.id is not None
        self._rows[family.id] = detached(family)

    async def delete(self, family: Family) -> None:
        self._rows.pop(family.id or 0, None)
        for member in self._store.table(MEMBERS).values():
            if member.family_id == family.id:
                member.family_id, member.relationship = None, ""


def _sort_key(ordering: Ordering) -> Any:
    if ordering in (Ordering.FIRST_NAME, Ordering.FIRST_NAME_DESC):
        return lambda m: (m.profile.first_name, m.profile.last_name)
    return lambda m: (m.profile.last_name, m.profile.first_name)


class MemoryCommunityReads:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def search(self, search: MemberSearch) -> MemberMatches:
        found = [m for m in self._store.table(MEMBERS).values()
                 if (not search.active_only or m.profile.status is MemberStatus.ACTIVE)
                 and (search.site_id is None or m.site_id == search.site_id)
                 and all(word in m.search_text for word in (search.text or "").split())]
        found.sort(key=lambda m: m.id or 0)
        found.sort(key=_sort_key(search.ordering), reverse=search.ordering.value.startswith("-"))
        page = [detached(m) for m in found[search.offset:search.offset + search.limit]]
        sites = self._store.table(SITES)
        return MemberMatches(page, len(found), {m.site_id: detached(sites[m.site_id]) for m in page})

    async def member(self, member_id: int) -> Member | None:
        found = self._store.table(MEMBERS).get(member_id)
        return detached(found) if found else None

    async def member_of_user(self, user_id: int) -> tuple[Member, Site] | None:
        member = next((m for m in self._store.table(MEMBERS).values() if m.user_id == user_id), None)
        if member is None:
            return None
        return detached(member), detached(self._store.table(SITES)[member.site_id])

    async def family(self, family_id: int) -> tuple[Family, list[Member]] | None:
        family = self._store.table(FAMILIES).get(family_id)
        if family is None:
            return None
        relatives = [m for m in self._store.table(MEMBERS).values() if m.family_id == family_id]
        return detached(family), [detached(m) for m in sorted(relatives, key=lambda m: m.id or 0)]

    async def families(self, site_id: int | None, limit: int, offset: int) -> tuple[list[Family], int]:
        found = sorted((f for f in self._store.table(FAMILIES).values() if site_id is None or f.site_id == site_id),
                       key=lambda f: (f.name, f.id))
        return [detached(f) for f in found[offset:offset + limit]], len(found)

    async def sites(self) -> list[Site]:
        return [detached(s) for s in sorted(self._store.table(SITES).values(), key=lambda s: s.code)]
