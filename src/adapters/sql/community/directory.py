"""Community's sites and members as the other church contexts read them (`ChurchDirectory`): one query each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.community.tables import members, sites
from application.shared.church import MemberRef, SiteRef
from domain.community.model import DEFAULT_SITES

_SITES = select(sites.c.id, sites.c.code, sites.c.name)
_MEMBERS = select(members.c.id, members.c.member_code, members.c.first_name, members.c.last_name,
                  members.c.site_id, members.c.user_id, members.c.email, members.c.phone, members.c.status)
ACTIVE = "actif"
DEFAULT_SITE_CODES = frozenset(code for code, _ in DEFAULT_SITES)


def _site(row: Any) -> SiteRef:
    return SiteRef(id=row.id, code=row.code, name=row.name)


def _member(row: Any) -> MemberRef:
    return MemberRef(id=row.id, member_code=row.member_code, first_name=row.first_name, last_name=row.last_name,
                     site_id=row.site_id, user_id=row.user_id, email=row.email, phone=row.phone,
                     active=row.status == ACTIVE)


class SqlChurchDirectory:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def sites(self) -> list[SiteRef]:
        rows = await self._session.execute(_SITES.where(sites.c.is_active.is_(True)).order_by(sites.c.code))
        return [_site(row) for row in rows]

    async def site(self, site_id: int) -> SiteRef | None:
        row = (await self._session.execute(_SITES.where(sites.c.id == site_id))).first()
        return _site(row) if row else None

    async def site_by_code(self, code: str) -> SiteRef | None:
        row = (await self._session.execute(_SITES.where(sites.c.code == code.upper()))).first()
        return _site(row) if row else None

    async def members(self, member_ids: Sequence[int]) -> dict[int, MemberRef]:
        if not member_ids:
            return {}
        rows = await self._session.execute(_MEMBERS.where(members.c.id.in_(list(member_ids))))
        return {row.id: _member(row) for row in rows}

    async def member_of_user(self, user_id: int) -> MemberRef | None:
        row = (await self._session.execute(_MEMBERS.where(members.c.user_id == user_id))).first()
        return _member(row) if row else None

    async def members_of_site(self, site_id: int) -> list[MemberRef]:
        rows = await self._session.execute(
            _MEMBERS.where(members.c.site_id == site_id, members.c.status == ACTIVE)
            .order_by(members.c.last_name, members.c.first_name, members.c.id))
        return [_member(row) for row in rows]


class SqlSiteCatalogue:
    """Identity's `SiteCatalogue`: a site code is known when it is a row of `community_sites`, or one of the two
    default sites (CAB, MAC) that the migration inserts on every database (so an emptied test database still
    takes them)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def known_site(self, code: str) -> bool:
        code = code.strip().upper()
        if code in DEFAULT_SITE_CODES:
            return True
        return (await self._session.execute(select(sites.c.id).where(sites.c.code == code))).first() is not None
