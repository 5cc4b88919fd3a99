"""Sites, members and families in PostgreSQL (SQLAlchemy Core over the request's session)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.community.tables import families, members, sites
from domain.community.model import Family, Member, MemberProfile, MemberStatus, Site
from domain.shared.errors import Conflict

PROFILE_FIELDS = ("first_name", "last_name", "email", "phone", "whatsapp_number", "date_of_birth", "gender",
                  "marital_status", "address", "city", "postal_code", "is_baptized", "baptism_date", "notes")


def site_of(row: Mapping[Any, Any], prefix: str = "") -> Site:
    """A site from a row's columns (named `prefix` + column): a session's `row._mapping` or an asyncpg record."""
    return Site(id=row[f"{prefix}id"], code=row[f"{prefix}code"], name=row[f"{prefix}name"],
                address=row[f"{prefix}address"], city=row[f"{prefix}city"], is_active=row[f"{prefix}is_active"],
                created_at=row[f"{prefix}created_at"])


def family_of(row: Mapping[Any, Any]) -> Family:
    return Family(id=row["id"], name=row["name"], site_id=row["site_id"], created_at=row["created_at"])


def member_of(row: Mapping[Any, Any]) -> Member:
    profile = MemberProfile(**{name: row[name] for name in PROFILE_FIELDS}, status=MemberStatus(row["status"]))
    return Member(id=row["id"], site_id=row["site_id"], profile=profile, member_code=row["member_code"],
                  user_id=row["user_id"], family_id=row["family_id"], relationship=row["relationship"],
                  photo=row["photo"], created_at=row["created_at"], updated_at=row["updated_at"])


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
        return site_of(row._mapping) if row else None

    async def by_code(self, code: str) -> Site | None:
        row = (await self._session.execute(select(sites).where(sites.c.code == code.upper()))).first()
        return site_of(row._mapping) if row else None

    async def all(self) -> list[Site]:
        return [site_of(row._mapping) for row in await self._session.execute(select(sites).order_by(sites.c.code))]

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
        return member_of(row._mapping) if row else None

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
        return [member_of(row._mapping) for row in rows]


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
        return family_of(row._mapping) if row else None

    async def save(self, family: Family) -> None:
        await self._session.execute(update(families).where(families.c.id == family.id).values(name=family.name))

    async def delete(self, family: Family) -> None:
        await self._session.execute(update(members).where(members.c.family_id == family.id)
                                    .values(family_id=None, relationship=""))
        await self._session.execute(delete(families).where(families.c.id == family.id))
