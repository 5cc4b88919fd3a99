"""Community's sites and members as the other church contexts read them (`ChurchDirectory`): one query each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import BigInteger, String, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from adapters.sql.community.tables import members, sites
from adapters.sql.reads import ReadStatement, SqlReads
from application.shared.church import MemberRef, SiteRef
from domain.community.model import DEFAULT_SITES

ACTIVE = "actif"
DEFAULT_SITE_CODES = frozenset(code for code, _ in DEFAULT_SITES)
_SITE_COLUMNS = (sites.c.id, sites.c.code, sites.c.name)
_MEMBER_COLUMNS = (members.c.id, members.c.member_code, members.c.first_name, members.c.last_name,
                   members.c.site_id, members.c.user_id, members.c.email, members.c.phone, members.c.status)
# A constant written into the statement (a read statement binds named values only).
_IS_ACTIVE: ColumnElement[str] = literal_column(f"'{ACTIVE}'")
_SITES = ReadStatement(select(*_SITE_COLUMNS).where(sites.c.is_active.is_(True)).order_by(sites.c.code))
_SITE = ReadStatement(select(*_SITE_COLUMNS).where(sites.c.id == bindparam("site_id", type_=BigInteger)))
_SITE_BY_CODE = ReadStatement(select(*_SITE_COLUMNS).where(sites.c.code == bindparam("code", type_=String)))
_MEMBERS = ReadStatement(select(*_MEMBER_COLUMNS)
                         .where(members.c.id == func.any(bindparam("member_ids", type_=ARRAY(BigInteger)))))
_MEMBER_OF_USER = ReadStatement(select(*_MEMBER_COLUMNS)
                                .where(members.c.user_id == bindparam("user_id", type_=BigInteger)))
_MEMBERS_OF_SITE = ReadStatement(
    select(*_MEMBER_COLUMNS)
    .where(members.c.site_id == bindparam("site_id", type_=BigInteger), members.c.status == _IS_ACTIVE)
    .order_by(members.c.last_name, members.c.first_name, members.c.id))


def _site(row: Mapping[str, Any]) -> SiteRef:
    return SiteRef(id=row["id"], code=row["code"], name=row["name"])


def _member(row: Mapping[str, Any]) -> MemberRef:
    return MemberRef(id=row["id"], member_code=row["member_code"], first_name=row["first_name"],
                     last_name=row["last_name"], site_id=row["site_id"], user_id=row["user_id"],
                     email=row["email"], phone=row["phone"], active=row["status"] == ACTIVE)


class SqlChurchDirectory(SqlReads):
    """Committed sites and members, straight on asyncpg (see adapters/sql/reads.py): the other church contexts
    read here what community wrote in earlier requests, never a write of their own transaction."""

    async def sites(self) -> list[SiteRef]:
        return [_site(row) for row in await self._all(_SITES)]

    async def site(self, site_id: int) -> SiteRef | None:
        row = await self._first(_SITE, site_id=site_id)
        return _site(row) if row else None

    async def site_by_code(self, code: str) -> SiteRef | None:
        row = await self._first(_SITE_BY_CODE, code=code.upper())
        return _site(row) if row else None

    async def members(self, member_ids: Sequence[int]) -> dict[int, MemberRef]:
        if not member_ids:
            return {}
        rows = await self._all(_MEMBERS, member_ids=list(member_ids))
        return {row["id"]: _member(row) for row in rows}

    async def member_of_user(self, user_id: int) -> MemberRef | None:
        row = await self._first(_MEMBER_OF_USER, user_id=user_id)
        return _member(row) if row else None

    async def members_of_site(self, site_id: int) -> list[MemberRef]:
        return [_member(row) for row in await self._all(_MEMBERS_OF_SITE, site_id=site_id)]


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
