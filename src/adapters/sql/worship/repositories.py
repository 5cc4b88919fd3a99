"""The rota on PostgreSQL, in SQLAlchemy Core: rows in, plain domain objects out. Answers, replacements and
reminders are conditional UPDATEs, so concurrent requests cannot both win."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.worship.tables import assignments, feeds, role_members, roles, services
from application.worship.ports import ServiceFilter
from domain.shared.errors import Conflict
from domain.worship.model import Assignment, AssignmentStatus, Role, Service, ServiceType

UNIQUE_VIOLATION = "23505"
LIVE = (AssignmentStatus.EN_ATTENTE, AssignmentStatus.CONFIRME)
DUPLICATE_ASSIGNMENT = "Ce membre a déjà ce rôle à ce culte"


def _service(row: Any) -> Service:
    return Service(site_id=row.site_id, starts_at=row.starts_at, service_type=ServiceType(row.service_type),
                   theme=row.theme, is_confirmed=row.is_confirmed, id=row.id)


def _assignment(row: Any) -> Assignment:
    return Assignment(service_id=row.service_id, role_id=row.role_id, member_id=row.member_id,
                      status=AssignmentStatus(row.status), decline_reason=row.decline_reason,
                      answered_at=row.answered_at, replaced_by=row.replaced_by, reminded_at=row.reminded_at,
                      id=row.id)


def _service_values(service: Service) -> dict[str, Any]:
    return {"site_id": service.site_id, "starts_at": service.starts_at, "service_type": service.service_type,
            "theme": service.theme, "is_confirmed": service.is_confirmed}


def _assignment_values(a: Assignment) -> dict[str, Any]:
    return {"service_id": a.service_id, "role_id": a.role_id, "member_id": a.member_id, "status": a.status,
            "decline_reason": a.decline_reason, "answered_at": a.answered_at, "replaced_by": a.replaced_by,
            "reminded_at": a.reminded_at}


def _duplicate(error: IntegrityError) -> bool:
    return getattr(error.orig, "sqlstate", None) == UNIQUE_VIOLATION


class SqlWorshipRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_service(self, service: Service) -> Service:
        service.id = await self._session.scalar(insert(services).values(**_service_values(service))
                                                .returning(services.c.id))
        return service

    async def save_service(self, service: Service) -> None:
        await self._session.execute(update(services).where(services.c.id == service.id)
                                    .values(**_service_values(service)))

    async def delete_service(self, service_id: int) -> None:
        await self._session.execute(delete(services).where(services.c.id == service_id))

    async def service(self, service_id: int) -> Service | None:
        row = (await self._session.execute(select(services).where(services.c.id == service_id))).first()
        return _service(row) if row else None

    async def services(self, where: ServiceFilter, *, limit: int, offset: int) -> tuple[int, list[Service]]:
        conditions = []
        if where.site_id is not None:
            conditions.append(services.c.site_id == where.site_id)
        if where.starts_from is not None:
            conditions.append(services.c.starts_at >= where.starts_from)
        if where.starts_before is not None:
            conditions.append(services.c.starts_at < where.starts_before)
        if where.member_id is not None:
            conditions.append(services.c.id.in_(select(assignments.c.service_id)
                                                .where(assignments.c.member_id == where.member_id)))
        condition = and_(True, *conditions)
        count = await self._session.scalar(select(func.count()).select_from(services).where(condition))
        order = ((services.c.starts_at.desc(), services.c.id.desc()) if where.newest_first
                 else (services.c.starts_at, services.c.id))
        rows = await self._session.execute(select(services).where(condition).order_by(*order)
                                           .limit(limit).offset(offset))
        return int(count or 0), [_service(row) for row in rows]

    async def services_between(self, starts_from: datetime, starts_before: datetime) -> list[Service]:
        rows = await self._session.execute(
            select(services).where(services.c.starts_at >= starts_from, services.c.starts_at < starts_before)
            .order_by(services.c.starts_at, services.c.id))
        return [_service(row) for row in rows]

    async def assignments_of(self, service_ids: Sequence[int]) -> list[Assignment]:
        if not service_ids:
            return []
        rows = await self._session.execute(select(assignments).where(assignments.c.service_id.in_(list(service_ids)))
                                           .order_by(assignments.c.id))
        return [_assignment(row) for row in rows]

    async def assignment(self, assignment_id: int) -> Assignment | None:
        row = (await self._session.execute(select(assignments).where(assignments.c.id == assignment_id))).first()
        return _assignment(row) if row else None

    async def add_assignment(self, assignment: Assignment) -> Assignment:
        try:
            async with self._session.begin_nested():
                assignment.id = await self._session.scalar(
                    insert(assignments).values(**_assignment_values(assignment)).returning(assignments.c.id))
        except IntegrityError as error:
            if _duplicate(error):
                raise Conflict(DUPLICATE_ASSIGNMENT) from None
            raise
        return assignment

    async def save_assignment(self, assignment: Assignment) -> None:
        try:
            async with self._session.begin_nested():
                await self._session.execute(update(assignments).where(assignments.c.id == assignment.id)
                                            .values(**_assignment_values(assignment)))
        except IntegrityError as error:
            if _duplicate(error):
                raise Conflict(DUPLICATE_ASSIGNMENT) from None
            raise

    async def delete_assignment(self, assignment_id: int) -> None:
        await self._session.execute(update(assignments).where(assignments.c.replaced_by == assignment_id)
                                    .values(replaced_by=None, status=AssignmentStatus.DECLINE))
        await self._session.execute(delete(assignments).where(assignments.c.id == assignment_id))

    async def answer(self, assignment_id: int, expected: AssignmentStatus, status: AssignmentStatus,
                     reason: str, at: datetime) -> bool:
        result = await self._session.execute(
            update(assignments).where(assignments.c.id == assignment_id, assignments.c.status == expected)
            .values(status=status, decline_reason=reason, answered_at=at).returning(assignments.c.id))
        return result.first() is not None

    async def take_declined(self, assignment_id: int, replacement_id: int) -> bool:
        result = await self._session.execute(
            update(assignments).where(assignments.c.id == assignment_id,
                                      assignments.c.status == AssignmentStatus.DECLINE,
                                      assignments.c.replaced_by.is_(None))
            .values(status=AssignmentStatus.REMPLACE, replaced_by=replacement_id).returning(assignments.c.id))
        return result.first() is not None

    async def assignments_of_member(self, member_id: int, starts_from: datetime,
                                    starts_before: datetime) -> list[tuple[Assignment, Service]]:
        s = services.alias("s")
        rows = await self._session.execute(
            select(assignments, s.c.site_id, s.c.starts_at, s.c.service_type, s.c.theme, s.c.is_confirmed)
            .join(s, s.c.id == assignments.c.service_id)
            .where(assignments.c.member_id == member_id, assignments.c.status.in_(LIVE),
                   s.c.starts_at >= starts_from, s.c.starts_at < starts_before)
            .order_by(s.c.starts_at, assignments.c.id))
        return [(_assignment(row), Service(site_id=row.site_id, starts_at=row.starts_at,
                                           service_type=ServiceType(row.service_type), theme=row.theme,
                                           is_confirmed=row.is_confirmed, id=row.service_id)) for row in rows]

    async def mark_reminded(self, assignment_id: int, at: datetime) -> bool:
        result = await self._session.execute(
            update(assignments).where(assignments.c.id == assignment_id, assignments.c.reminded_at.is_(None))
            .values(reminded_at=at).returning(assignments.c.id))
        return result.first() is not None

    async def add_role(self, role: Role) -> Role:
        try:
            async with self._session.begin_nested():
                role.id = await self._session.scalar(insert(roles).values(code=role.code, name=role.name)
                                                     .returning(roles.c.id))
        except IntegrityError as error:
            if _duplicate(error):
                raise Conflict("Un rôle porte déjà ce code") from None
            raise
        return role

    async def role(self, role_id: int) -> Role | None:
        row = (await self._session.execute(select(roles).where(roles.c.id == role_id))).first()
        return Role(code=row.code, name=row.name, id=row.id) if row else None

    async def roles(self) -> list[Role]:
        rows = await self._session.execute(select(roles).order_by(roles.c.name, roles.c.id))
        return [Role(code=row.code, name=row.name, id=row.id) for row in rows]

    async def roles_by_id(self, role_ids: Sequence[int]) -> dict[int, Role]:
        if not role_ids:
            return {}
        rows = await self._session.execute(select(roles).where(roles.c.id.in_(list(role_ids))))
        return {row.id: Role(code=row.code, name=row.name, id=row.id) for row in rows}

    async def role_members(self, role_id: int) -> list[int]:
        rows = await self._session.execute(select(role_members.c.member_id).where(role_members.c.role_id == role_id)
                                           .order_by(role_members.c.member_id))
        return [row.member_id for row in rows]

    async def add_role_member(self, role_id: int, member_id: int) -> None:
        await self._session.execute(pg_insert(role_members).values(role_id=role_id, member_id=member_id)
                                    .on_conflict_do_nothing())

    async def remove_role_member(self, role_id: int, member_id: int) -> None:
        await self._session.execute(delete(role_members).where(role_members.c.role_id == role_id,
                                                               role_members.c.member_id == member_id))

    async def feed_generation(self, member_id: int) -> int | None:
        found: int | None = await self._session.scalar(select(feeds.c.generation)
                                                       .where(feeds.c.member_id == member_id))
        return found

    async def set_feed(self, member_id: int, generation: int, digest: str) -> None:
        statement = pg_insert(feeds).values(member_id=member_id, generation=generation, token_digest=digest)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[feeds.c.member_id],
            set_={"generation": statement.excluded.generation, "token_digest": statement.excluded.token_digest}))

    async def member_of_feed(self, digest: str) -> int | None:
        found: int | None = await self._session.scalar(select(feeds.c.member_id)
                                                       .where(feeds.c.token_digest == digest))
        return found
