"""The rota as the member-facing lists show it: each service with its site and its assignments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from application.shared.church import ChurchDirectory, MemberRef, SiteRef
from application.worship.ports import WorshipRepository
from domain.worship.model import Assignment, Role, Service


@dataclass(frozen=True)
class AssignmentView:
    assignment: Assignment
    role: Role
    member: MemberRef | None
    is_current_user: bool


@dataclass(frozen=True)
class ServiceView:
    service: Service
    site: SiteRef | None
    assignments: list[AssignmentView]


@dataclass(frozen=True)
class ServicePage:
    count: int
    results: list[ServiceView]


async def views_of(services: Sequence[Service], rota: WorshipRepository, directory: ChurchDirectory,
                   viewer_user_id: int | None) -> list[ServiceView]:
    """One query per kind of thing (assignments, roles, members, sites), whatever the page's size."""
    ids = [s.id for s in services if s.id is not None]
    assignments = await rota.assignments_of(ids)
    roles = await rota.roles_by_id(sorted({a.role_id for a in assignments}))
    members = await directory.members(sorted({a.member_id for a in assignments}))
    sites = {site.id: site for site in await directory.sites()}
    by_service: dict[int, list[AssignmentView]] = {}
    for a in sorted(assignments, key=lambda a: (a.role_id, a.id or 0)):
        member = members.get(a.member_id)
        mine = member is not None and viewer_user_id is not None and member.user_id == viewer_user_id
        by_service.setdefault(a.service_id, []).append(AssignmentView(a, roles[a.role_id], member, mine))
    return [ServiceView(s, sites.get(s.site_id), by_service.get(s.id or 0, [])) for s in services]
