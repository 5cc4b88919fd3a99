"""The rota in memory, over the MemoryStore's `worship_*` tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from adapters.memory.store import MemoryStore, detached
from application.worship.ports import ServiceFilter
from domain.shared.errors import Conflict
from domain.worship.model import Assignment, AssignmentStatus, Role, Service

SERVICES, ASSIGNMENTS, ROLES = "worship_services", "worship_assignments", "worship_roles"
ROLE_MEMBERS, FEEDS = "worship_role_members", "worship_feeds"
LIVE = (AssignmentStatus.EN_ATTENTE, AssignmentStatus.CONFIRME)


class MemoryWorshipRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._services = store.table(SERVICES)
        self._assignments = store.table(ASSIGNMENTS)
        self._roles = store.table(ROLES)

    async def add_service(self, service: Service) -> Service:
        service.id = self._store.next_id(SERVICES)
        self._services[service.id] = detached(service)
        return service

    async def save_service(self, service: Service) -> None:
        self._services[service.id] = detached(service)

    async def delete_service(self, service_id: int) -> None:
        self._services.pop(service_id, None)
        for key in [k for k, a in self._assignments.items() if a.service_id == service_id]:
            del self._assignments[key]

    async def service(self, service_id: int) -> Service | None:
        found = self._services.get(service_id)
        return detached(found) if found else None

    async def services(self, where: ServiceFilter, *, limit: int, offset: int) -> tuple[int, list[Service]]:
        serving = ({a.service_id for a in self._assignments.values() if a.member_id == where.member_id}
                   if where.member_id is not None else None)
        found = [s for s in self._services.values()
                 if (where.site_id is None or s.site_id == where.site_id)
                 and (where.starts_from is None or s.starts_at >= where.starts_from)
                 and (where.starts_before is None or s.starts_at < where.starts_before)
                 and (serving is None or s.id in serving)]
        found.sort(key=lambda s: (s.starts_at, s.id), reverse=where.newest_first)
        return len(found), [detached(s) for s in found[offset:offset + limit]]

    async def services_between(self, starts_from: datetime, starts_before: datetime) -> list[Service]:
        return [detached(s) for s in sorted(self._services.values(), key=lambda s: (s.starts_at, s.id))
                if starts_from <= s.starts_at < starts_before]

    async def assignments_of(self, service_ids: Sequence[int]) -> list[Assignment]:
        wanted = set(service_ids)
        return [detached(a) for a in sorted(self._assignments.values(), key=lambda a: a.id)
                if a.service_id in wanted]

    async def assignment(self, assignment_id: int) -> Assignment | None:
        found = self._assignments.get(assignment_id)
        return detached(found) if found else None

    async def add_assignment(self, assignment: Assignment) -> Assignment:
        if any((a.service_id, a.role_id, a.member_id) == (assignment.service_id, assignment.role_id,
                                                            assignment.member_id)
               for a in self._assignments.values()):
            raise Conflict("Ce membre a déjà ce rôle à ce culte")
        assignment.id = self._store.next_id(ASSIGNMENTS)
        self._assignments[assignment.id] = detached(assignment)
        return assignment

    async def save_assignment(self, assignment: Assignment) -> None:
        if any((a.service_id, a.role_id, a.member_id) == (assignment.service_id, assignment.role_id,
                                                            assignment.member_id) and a.id != assignment.id
               for a in self._assignments.values()):
            raise Conflict("Ce membre a déjà ce rôle à ce culte")
        self._assignments[assignment.id] = detached(assignment)

    async def delete_assignment(self, assignment_id: int) -> None:
        self._assignments.pop(assignment_id, None)
        for key, a in list(self._assignments.items()):
            if a.replaced_by == assignment_id:
                self._assignments[key] = replace(a, replaced_by=None, status=AssignmentStatus.DECLINE)

    async def answer(self, assignment_id: int, expected: AssignmentStatus, status: AssignmentStatus,
                     reason: str, at: datetime) -> bool:
        found = self._assignments.get(assignment_id)
        if found is None or found.status is not expected:
            return False
        self._assignments[assignment_id] = replace(found, status=status, decline_reason=reason, answered_at=at)
        return True

    async def take_declined(self, assignment_id: int, replacement_id: int) -> bool:
        found = self._assignments.get(assignment_id)
        if found is None or not found.open_for_replacement:
            return False
        self._assignments[assignment_id] = replace(found, status=AssignmentStatus.REMPLACE, replaced_by=replacement_id)
        return True

    async def assignments_of_member(self, member_id: int, starts_from: datetime,
                                    starts_before: datetime) -> list[tuple[Assignment, Service]]:
        found = []
        for a in sorted(self._assignments.values(), key=lambda a: a.id):
            service = self._services.get(a.service_id)
            if (a.member_id == member_id and a.status in LIVE and service is not None
                    and starts_from <= service.starts_at < starts_before):
                found.append((detached(a), detached(service)))
        return sorted(found, key=lambda pair: (pair[1].starts_at, pair[0].id))

    async def mark_reminded(self, assignment_id: int, at: datetime) -> bool:
        found = self._assignments.get(assignment_id)
        if found is None or found.reminded_at is not None:
            return False
        self._assignments[assignment_id] = replace(found, reminded_at=at)
        return True

    async def add_role(self, role: Role) -> Role:
        if any(r.code == role.code for r in self._roles.values()):
            raise Conflict("Un rôle porte déjà ce code")
        role.id = self._store.next_id(ROLES)
        self._roles[role.id] = detached(role)
        return role

    async def role(self, role_id: int) -> Role | None:
        found = self._roles.get(role_id)
        return detached(found) if found else None

    async def roles(self) -> list[Role]:
        return [detached(r) for r in sorted(self._roles.values(), key=lambda r: r.name)]

    async def roles_by_id(self, role_ids: Sequence[int]) -> dict[int, Role]:
        return {i: detached(self._roles[i]) for i in role_ids if i in self._roles}

    async def role_members(self, role_id: int) -> list[int]:
        return sorted(m for r, m in self._store.table(ROLE_MEMBERS) if r == role_id)

    async def add_role_member(self, role_id: int, member_id: int) -> None:
        self._store.table(ROLE_MEMBERS)[(role_id, member_id)] = True

    async def remove_role_member(self, role_id: int, member_id: int) -> None:
        self._store.table(ROLE_MEMBERS).pop((role_id, member_id), None)

    async def feed_generation(self, member_id: int) -> int | None:
        found = self._store.table(FEEDS).get(member_id)
        return found[0] if found else None

    async def set_feed(self, member_id: int, generation: int, digest: str) -> None:
        self._store.table(FEEDS)[member_id] = (generation, digest)

    async def member_of_feed(self, digest: str) -> int | None:
        return next((m for m, (_, d) in self._store.table(FEEDS).items() if d == digest), None)
