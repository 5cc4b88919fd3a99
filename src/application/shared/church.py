"""The church's sites and members as the other church contexts see them (events, worship, announcements).

The community context owns sites and members; the others keep their ids and read these small blocks through the
`ChurchDirectory` port (SQL: adapters/sql/community/directory.py; memory: adapters/memory/church_directory.py).
It reads committed data, outside the caller's transaction: what community wrote in earlier requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class SiteRef:
    """The wire's `{"id", "code", "name"}` site block."""

    id: int
    code: str
    name: str


@dataclass(frozen=True)
class MemberRef:
    """A member as a rota or a registration shows them, with the account that is this member (if any)."""

    id: int
    member_code: str
    first_name: str
    last_name: str
    site_id: int
    user_id: int | None
    email: str
    phone: str
    active: bool

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ChurchDirectory(Protocol):
    async def sites(self) -> list[SiteRef]:
        """Every active site, by code."""
        ...

    async def site(self, site_id: int) -> SiteRef | None: ...

    async def site_by_code(self, code: str) -> SiteRef | None: ...

    async def members(self, member_ids: Sequence[int]) -> dict[int, MemberRef]: ...

    async def member_of_user(self, user_id: int) -> MemberRef | None:
        """The member that this account is, if it is one."""
        ...

    async def members_of_site(self, site_id: int) -> list[MemberRef]:
        """The site's active members (for a push to a site, a rota's eligible people)."""
        ...
