"""What the community context needs: its storage, its read side, and a phone-number reader."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from domain.community.model import Family, Member, Site


class Ordering(StrEnum):
    LAST_NAME = "last_name"
    FIRST_NAME = "first_name"
    LAST_NAME_DESC = "-last_name"
    FIRST_NAME_DESC = "-first_name"


@dataclass(frozen=True)
class MemberSearch:
    text: str | None = None  # folded (lower case, no accents)
    site_id: int | None = None
    active_only: bool = True
    ordering: Ordering = Ordering.LAST_NAME
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class MemberMatches:
    members: list[Member]
    total: int  # every match, beyond the page
    sites: dict[int, Site]  # the sites of `members`, by id


class SiteRepository(Protocol):
    async def add(self, site: Site) -> Site:
        """Stores the site, gives it its id; Conflict when the code is taken."""
        ...

    async def get(self, site_id: int) -> Site | None: ...

    async def by_code(self, code: str) -> Site | None: ...

    async def all(self) -> list[Site]: ...

    async def save(self, site: Site) -> None: ...

    async def take_member_number(self, site_id: int) -> int:
        """The site's next member number, taken atomically (two concurrent callers never get the same)."""
        ...


class MemberRepository(Protocol):
    async def add(self, member: Member) -> Member: ...

    async def get_for_update(self, member_id: int) -> Member | None: ...

    async def save(self, member: Member) -> None:
        """Conflict when the account is already another member's."""
        ...

    async def of_family(self, family_id: int) -> list[Member]: ...


class FamilyRepository(Protocol):
    async def add(self, family: Family) -> Family: ...

    async def get_for_update(self, family_id: int) -> Family | None: ...

    async def save(self, family: Family) -> None: ...

    async def delete(self, family: Family) -> None:
        """Removes the family; its members stay, without a family."""
        ...


class CommunityReads(Protocol):
    async def search(self, search: MemberSearch) -> MemberMatches:
        """A page of members with their sites, and the total matching, in one read."""
        ...

    async def member(self, member_id: int) -> Member | None: ...

    async def member_of_user(self, user_id: int) -> tuple[Member, Site] | None:
        """The member this account is, with its site, in one read."""
        ...

    async def family(self, family_id: int) -> tuple[Family, list[Member]] | None: ...

    async def families(self, site_id: int | None, limit: int, offset: int) -> tuple[list[Family], int]: ...

    async def sites(self) -> list[Site]:
        """Every site, by code."""
        ...


class PhoneNumbers(Protocol):
    def normalize(self, raw: str) -> str:
        """E.164 of a French Guiana number typed locally (`0694 12 34 56`) or in full; InvalidInput otherwise."""
        ...


@dataclass(frozen=True)
class CommunityConfig:
    """`contacts_visible_to_members`: whether plain members see each other's email and phone in the directory
    (True, as the original did); staff who manage members always see them."""

    contacts_visible_to_members: bool = True
    page_size: int = 20
