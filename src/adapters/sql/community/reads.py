"""The directory's read side: one round trip each, straight on asyncpg (see adapters/sql/reads.py)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, String, bindparam, func, literal_column, select
from sqlalchemy.sql import ColumnElement

from adapters.sql.community.repositories import family_of, member_of, site_of
from adapters.sql.community.tables import families, members, sites
from adapters.sql.patterns import containing
from adapters.sql.reads import ReadStatement, SqlReads
from application.community.ports import MemberMatches, MemberSearch, Ordering
from domain.community.model import Family, Member, MemberStatus, Site

_ORDER = {
    Ordering.LAST_NAME: (members.c.last_name, members.c.first_name, members.c.id),
    Ordering.FIRST_NAME: (members.c.first_name, members.c.last_name, members.c.id),
    Ordering.LAST_NAME_DESC: (members.c.last_name.desc(), members.c.first_name.desc(), members.c.id),
    Ordering.FIRST_NAME_DESC: (members.c.first_name.desc(), members.c.last_name.desc(), members.c.id),
}
_SITE = tuple(c.label(f"s_{c.name}") for c in sites.c)


@dataclass(frozen=True)
class _Shape:
    active_only: bool
    site: bool
    words: int
    ordering: Ordering


def _conditions(shape: _Shape) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if shape.active_only:  # a constant written into the statement (a read statement binds named values only)
        conditions.append(members.c.status == literal_column(f"'{MemberStatus.ACTIVE.value}'"))
    if shape.site:
        conditions.append(members.c.site_id == bindparam("site_id", type_=BigInteger))
    conditions.extend(members.c.search_text.like(bindparam(f"word{n}", type_=String), escape="\\")
                      for n in range(shape.words))
    return conditions


@functools.lru_cache(maxsize=128)
def _search(shape: _Shape) -> tuple[ReadStatement, ReadStatement]:
    conditions = _conditions(shape)
    total = select(func.count()).select_from(members).where(*conditions)
    page = (select(*members.c, *_SITE, total.scalar_subquery().label("total"))
            .join(sites, sites.c.id == members.c.site_id).where(*conditions)
            .order_by(*_ORDER[shape.ordering]).limit(bindparam("limit")).offset(bindparam("offset")))
    return ReadStatement(page), ReadStatement(total)


_MEMBER = ReadStatement(select(members).where(members.c.id == bindparam("member_id", type_=BigInteger)))
_MEMBER_OF_USER = ReadStatement(select(*members.c, *_SITE).join(sites, sites.c.id == members.c.site_id)
                                .where(members.c.user_id == bindparam("user_id", type_=BigInteger)))
_FAMILY = ReadStatement(select(families).where(families.c.id == bindparam("family_id", type_=BigInteger)))
_RELATIVES = ReadStatement(select(members).where(members.c.family_id == bindparam("family_id", type_=BigInteger))
                           .order_by(members.c.id))
_SITES = ReadStatement(select(sites).order_by(sites.c.code))


@functools.lru_cache(maxsize=4)
def _families(by_site: bool) -> ReadStatement:
    where = [families.c.site_id == bindparam("site_id", type_=BigInteger)] if by_site else []
    total = select(func.count()).select_from(families).where(*where).scalar_subquery()
    return ReadStatement(select(*families.c, total.label("total")).where(*where)
                         .order_by(families.c.name, families.c.id)
                         .limit(bindparam("limit")).offset(bindparam("offset")))


class SqlCommunityReads(SqlReads):
    """Committed data only: a use case that must read its own writes reads through its repositories."""

    async def search(self, search: MemberSearch) -> MemberMatches:
        words = (search.text or "").split()  # each one more LIKE on the folded text
        shape = _Shape(search.active_only, search.site_id is not None, len(words), search.ordering)
        page, total = _search(shape)
        params: dict[str, Any] = {f"word{n}": containing(word) for n, word in enumerate(words)}
        if search.site_id is not None:
            params["site_id"] = search.site_id
        rows = await self._all(page, **params, limit=search.limit, offset=search.offset)
        if not rows:  # no page (or past the last one): the total alone
            counted = await self._first(total, **params)
            return MemberMatches([], int(counted[0]) if counted else 0, {})
        sites: dict[int, Site] = {}
        for row in rows:  # a page names a few sites: each one built once
            if row["site_id"] not in sites:
                sites[row["site_id"]] = site_of(row, "s_")
        return MemberMatches([member_of(row) for row in rows], int(rows[0]["total"]), sites)

    async def member(self, member_id: int) -> Member | None:
        row = await self._first(_MEMBER, member_id=member_id)
        return member_of(row) if row else None

    async def member_of_user(self, user_id: int) -> tuple[Member, Site] | None:
        row = await self._first(_MEMBER_OF_USER, user_id=user_id)
        return None if row is None else (member_of(row), site_of(row, "s_"))

    async def family(self, family_id: int) -> tuple[Family, list[Member]] | None:
        row = await self._first(_FAMILY, family_id=family_id)
        if row is None:
            return None
        return family_of(row), [member_of(r) for r in await self._all(_RELATIVES, family_id=family_id)]

    async def families(self, site_id: int | None, limit: int, offset: int) -> tuple[list[Family], int]:
        params: dict[str, Any] = {"limit": limit, "offset": offset}
        if site_id is not None:
            params["site_id"] = site_id
        rows = await self._all(_families(site_id is not None), **params)
        if not rows and offset:
            first = await self._all(_families(site_id is not None), **{**params, "limit": 1, "offset": 0})
            return [], int(first[0]["total"]) if first else 0
        return [family_of(r) for r in rows], int(rows[0]["total"]) if rows else 0

    async def sites(self) -> list[Site]:
        return [site_of(row) for row in await self._all(_SITES)]
