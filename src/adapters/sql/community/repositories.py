"""Sites, members and families in PostgreSQL (SQLAlchemy Core over the request's session)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.community.tables import families, members, sites
from application.community.ports import MemberSearch, Ordering
from domain.community.model import Family, Member, MemberProfile, MemberStatus, Site
from domain.shared.errors import Conflict

PROFILE_FIELDS = ("first_name", "last_name", "email", "phone", "whatsapp_number", "date_of_birth", "gender",
                  "marital_status", "address", "city", "postal_code", "is_baptized", "baptism_date", "notes")


def _site(row: Any) -> Site:
    return Site(id=row.id, code=row.code, name=row.name, address=row.address, city=row.city,
                is_active=row.is_active, created_at=row.created_at)


def _family(row: Any) -> Family:
    return Family(id=row.id, name=row.name, site_id=row.site_id, created_at=row.created_at)


def member_of_row(row: Any) -> Member:
    profile = MemberProfile(**{name: getattr(row, name) for name in PROFILE_FIELDS},
                            status=MemberStatus(row.status))
    return Member(id=row.id, site_id=row.site_id, profile=profile, member_code=row.member_code, user_id=row.user_id,
                  family_id=row.family_id, relationship=row.relationship, photo=row.photo,
                  created_at=row.created_at, updated_at=row.updated_at)


def member_values(member: Member) -> dict[str, Any]:
    p = member.profile
    values: dict[str, Any] = {name: getattr(p, name) for name in PROFILE_FIELDS}
    values.update(status=p.status.value, site_id=member.site_id, member_code=member.member_code,
                  user_id=member.user_id, family_id=member.family_id, relationship=member.relationship,
                  photo=member.photo, search_text=member.search_text, updated_at=member.updated_at)
    return values


class SqlSiteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, site: Site) -> Site:
        try:
            async with self._session.begin_nested():
                site.id = (await self._session.execute(insert(sites).values(
                    code=site.code, name=site.name, address=site.address, city=site.city, is_active=site.is_active,
                    next_member_number=1, created_at=site.created_at).returning(sites.c.id))).scalar_one()
        except IntegrityError:
            raise Conflict.on_field("code", f"Le site {site.code} existe déjà") from None
        return site

    async def get(self, site_id: int) -> Site | None:
        row = (await self._session.execute(select(sites).where(sites.c.id == site_id))).first()
        return _site(row) if row else None

    async def by_code(self, code: str) -> Site | None:
        row = (await self._session.execute(select(sites).where(sites.c.code == code.upper()))).first()
        return _site(row) if row else None

    async def all(self) -> list[Site]:
        return [_site(row) for row in await self._session.execute(select(sites).order_by(sites.c.code))]

    async def save(self, site: Site) -> None:
        await self._session.execute(update(sites).where(sites.c.id == site.id).values(
            name=site.name, address=site.address, city=site.city, is_active=site.is_active))

    async def take_member_number(self, site_id: int) -> int:
        taken = await self._session.execute(
            update(sites).where(sites.c.id == site_id).values(next_member_number=sites.c.next_member_number + 1)
            .returning(sites.c.next_member_number - 1))
        number: int = taken.scalar_one()
        return number


class SqlMemberRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, member: Member) -> Member:
        values = member_values(member) | {"created_at": member.created_at}
        try:
            async with self._session.begin_nested():
                member.id = (await self._session.execute(
                    insert(members).values(**values).returning(members.c.id))).scalar_one()
        except IntegrityError:
            raise Conflict.on_field("user", "Ce compte est déjà celui d'un autre membre") from None
        return member

    async def get_for_update(self, member_id: int) -> Member | None:
        row = (await self._session.execute(select(members).where(members.c.id == member_id).with_for_update())).first()
        return member_of_row(row) if row else None

    async def save(self, member: Member) -> None:
        try:
            async with self._session.begin_nested():
                await self._session.execute(update(members).where(members.c.id == member.id)
                                            .values(**member_values(member)))
        except IntegrityError:
            raise Conflict.on_field("user", "Ce compte est déjà celui d'un autre membre") from None

    async def of_family(self, family_id: int) -> list[Member]:
        rows = await self._session.execute(select(members).where(members.c.family_id == family_id)
                                           .order_by(members.c.id))
        return [member_of_row(row) for row in rows]


class SqlFamilyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, family: Family) -> Family:
        family.id = (await self._session.execute(insert(families).values(
            name=family.name, site_id=family.site_id, created_at=family.created_at)
            .returning(families.c.id))).scalar_one()
        return family

    async def get_for_update(self, family_id: int) -> Family | None:
        row = (await self._session.execute(
            select(families).where(families.c.id == family_id).with_for_update())).first()
        return _family(row) if row else None

    async def save(self, family: Family) -> None:
        await self._session.execute(update(families).where(families.c.id == family.id).values(name=family.name))

    async def delete(self, family: Family) -> None:
        await self._session.execute(update(members).where(members.c.family_id == family.id)
                                    .values(family_id=None, relationship=""))
        await self._session.execute(delete(families).where(families.c.id == family.id))


_ORDER = {
    Ordering.LAST_NAME: (members.c.last_name, members.c.first_name),
    Ordering.FIRST_NAME: (members.c.first_name, members.c.last_name),
    Ordering.LAST_NAME_DESC: (members.c.last_name.desc(), members.c.first_name.desc()),
    Ordering.FIRST_NAME_DESC: (members.c.first_name.desc(), members.c.last_name.desc()),
}


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlCommunityReads:
    """The directory's reads over the request's session: a page and its total in one statement."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def search(self, search: MemberSearch) -> tuple[list[Member], int]:
        conditions = []
        if search.active_only:
            conditions.append(members.c.status == MemberStatus.ACTIVE.value)
        if search.site_id is not None:
            conditions.append(members.c.site_id == search.site_id)
        if search.text:
            words = search.text.split()
            conditions.extend(members.c.search_text.like(f"%{_escaped(w)}%", escape="\\") for w in words)
        total = select(func.count()).select_from(members).where(*conditions).scalar_subquery()
        rows = (await self._session.execute(
            select(members, total.label("total")).where(*conditions)
            .order_by(*_ORDER[search.ordering], members.c.id).limit(search.limit).offset(search.offset))).all()
        if not rows:
            count = (await self._session.execute(select(func.count()).select_from(members).where(*conditions)))
            return [], count.scalar_one()
        return [member_of_row(row) for row in rows], rows[0].total

    async def member(self, member_id: int) -> Member | None:
        row = (await self._session.execute(select(members).where(members.c.id == member_id))).first()
        return member_of_row(row) if row else None

    async def member_of_user(self, user_id: int) -> tuple[Member, Site] | None:
        row = (await self._session.execute(
            select(members, *(c.label(f"s_{c.name}") for c in sites.c))
            .join(sites, sites.c.id == members.c.site_id).where(members.c.user_id == user_id))).first()
        if row is None:
            return None
        site = Site(id=row.s_id, code=row.s_code, name=row.s_name, address=row.s_address, city=row.s_city,
                    is_active=row.s_is_active, created_at=row.s_created_at)
        return member_of_row(row), site

    async def family(self, family_id: int) -> tuple[Family, list[Member]] | None:
        row = (await self._session.execute(select(families).where(families.c.id == family_id))).first()
        if row is None:
            return None
        rows = await self._session.execute(select(members).where(members.c.family_id == family_id)
                                           .order_by(members.c.id))
        return _family(row), [member_of_row(r) for r in rows]

    async def families(self, site_id: int | None, limit: int, offset: int) -> tuple[list[Family], int]:
        where = [families.c.site_id == site_id] if site_id is not None else []
        total = (await self._session.execute(select(func.count()).select_from(families).where(*where))).scalar_one()
        rows = await self._session.execute(select(families).where(*where).order_by(families.c.name, families.c.id)
                                           .limit(limit).offset(offset))
        return [_family(r) for r in rows], total



