"""The staff's rota: services, assignments (with conflict warnings) and roles with the members who serve in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from application.shared.church import ChurchDirectory
from application.shared.ports import Clock, UnitOfWork
from application.worship.ports import ServiceFilter, WorshipRepository
from application.worship.scope import SERVICE_NOT_FOUND, check_manages_site, overlapping, own_site_id, require_staff
from domain.shared.actor import Actor
from domain.shared.errors import FieldErrors, NotFound
from domain.worship.model import Assignment, AssignmentStatus, Role, Service, ServiceType
from domain.worship.permissions import MANAGE_ANY_SITE

THEME_MAX = 200
ROLE_NOT_FOUND = "Rôle introuvable"
MEMBER_NOT_FOUND = "Membre introuvable"
ASSIGNMENT_NOT_FOUND = "Assignation introuvable"


@dataclass(frozen=True)
class ServiceFields:
    site_id: int
    starts_at: datetime
    service_type: ServiceType
    theme: str = ""
    is_confirmed: bool = False


def _checked(fields: ServiceFields) -> ServiceFields:
    errors = FieldErrors()
    if len(fields.theme.strip()) > THEME_MAX:
        errors.add("theme", f"{THEME_MAX} caractères au plus")
    errors.raise_if_any()
    return fields


class _Staff:
    def __init__(self, rota: WorshipRepository, directory: ChurchDirectory, uow: UnitOfWork) -> None:
        self._rota, self._directory, self._uow = rota, directory, uow

    async def _site_exists(self, site_id: int) -> None:
        if await self._directory.site(site_id) is None:
            raise FieldErrors.single("site", "Site introuvable")

    async def _managed_service(self, actor: Actor, service_id: int) -> Service:
        require_staff(actor)
        service = await self._rota.service(service_id)
        if service is None:
            raise NotFound(SERVICE_NOT_FOUND)
        await check_manages_site(self._directory, actor, service.site_id)
        return service


class CreateService(_Staff):
    async def __call__(self, actor: Actor, fields: ServiceFields) -> Service:
        fields = _checked(fields)
        await check_manages_site(self._directory, actor, fields.site_id, "Site introuvable")
        await self._site_exists(fields.site_id)
        service = await self._rota.add_service(Service(
            site_id=fields.site_id, starts_at=fields.starts_at, service_type=fields.service_type,
            theme=fields.theme.strip(), is_confirmed=fields.is_confirmed))
        await self._uow.commit()
        return service


class UpdateService(_Staff):
    async def __call__(self, actor: Actor, service_id: int, fields: ServiceFields) -> Service:
        fields = _checked(fields)
        service = await self._managed_service(actor, service_id)
        if fields.site_id != service.site_id:
            await check_manages_site(self._directory, actor, fields.site_id, "Site introuvable")
            await self._site_exists(fields.site_id)
        service.site_id, service.starts_at, service.service_type = fields.site_id, fields.starts_at, fields.service_type
        service.theme, service.is_confirmed = fields.theme.strip(), fields.is_confirmed
        await self._rota.save_service(service)
        await self._uow.commit()
        return service


class DeleteService(_Staff):
    async def __call__(self, actor: Actor, service_id: int) -> None:
        service = await self._managed_service(actor, service_id)
        assert service.id is not None
        await self._rota.delete_service(service.id)
        await self._uow.commit()


@dataclass(frozen=True)
class AssignmentFields:
    role_id: int
    member_id: int
    status: AssignmentStatus = AssignmentStatus.EN_ATTENTE
    decline_reason: str = ""


@dataclass(frozen=True)
class Warning:
    """The member already serves at an overlapping time (maybe in another site): said, not refused."""

    message: str
    assignment_id: int
    service_id: int


@dataclass(frozen=True)
class AssignmentResult:
    assignment: Assignment
    warnings: list[Warning] = field(default_factory=list)


class _AssignmentStaff(_Staff):
    async def _checked(self, service: Service, fields: AssignmentFields) -> None:
        errors = FieldErrors()
        if await self._rota.role(fields.role_id) is None:
            errors.add("role", ROLE_NOT_FOUND)
        if fields.member_id not in await self._directory.members([fields.member_id]):
            errors.add("member", MEMBER_NOT_FOUND)
        if len(fields.decline_reason.strip()) > 500:
            errors.add("decline_reason", "500 caractères au plus")
        errors.raise_if_any()

    async def _warnings(self, service: Service, assignment: Assignment) -> list[Warning]:
        sites = {s.id: s.name for s in await self._directory.sites()}
        found = await overlapping(self._rota, assignment.member_id, service, ignore=assignment.id)
        return [Warning(f"Ce membre sert déjà à la même heure ({sites.get(other.site_id, 'autre site')}, "
                        f"culte du {other.starts_at.isoformat()})", a.id or 0, other.id or 0)
                for a, other in found]


class CreateAssignment(_AssignmentStaff):
    async def __call__(self, actor: Actor, service_id: int, fields: AssignmentFields) -> AssignmentResult:
        service = await self._managed_service(actor, service_id)
        await self._checked(service, fields)
        assignment = Assignment(service_id=service.id or 0, role_id=fields.role_id, member_id=fields.member_id,
                                status=fields.status, decline_reason=fields.decline_reason.strip())
        warnings = await self._warnings(service, assignment)
        assignment = await self._rota.add_assignment(assignment)
        await self._uow.commit()
        return AssignmentResult(assignment, warnings)


class UpdateAssignment(_AssignmentStaff):
    """Staff may change an assignment at any time, after the members' answer deadline too."""

    async def __call__(self, actor: Actor, service_id: int, assignment_id: int,
                       fields: AssignmentFields) -> AssignmentResult:
        service = await self._managed_service(actor, service_id)
        assignment = await self._rota.assignment(assignment_id)
        if assignment is None or assignment.service_id != service.id:
            raise NotFound(ASSIGNMENT_NOT_FOUND)
        await self._checked(service, fields)
        assignment.role_id, assignment.member_id, assignment.status = fields.role_id, fields.member_id, fields.status
        assignment.decline_reason = fields.decline_reason.strip()
        warnings = await self._warnings(service, assignment)
        await self._rota.save_assignment(assignment)
        await self._uow.commit()
        return AssignmentResult(assignment, warnings)


class DeleteAssignment(_Staff):
    async def __call__(self, actor: Actor, service_id: int, assignment_id: int) -> None:
        service = await self._managed_service(actor, service_id)
        assignment = await self._rota.assignment(assignment_id)
        if assignment is None or assignment.service_id != service.id:
            raise NotFound(ASSIGNMENT_NOT_FOUND)
        await self._rota.delete_assignment(assignment_id)
        await self._uow.commit()


class ListAssignments(_Staff):
    async def __call__(self, actor: Actor, service_id: int) -> list[Assignment]:
        service = await self._managed_service(actor, service_id)
        return await self._rota.assignments_of([service_id]) if service.id else []


@dataclass(frozen=True)
class RoleFields:
    code: str
    name: str


class CreateRole(_Staff):
    """Roles are shared by every site: `admin` and `pasteur` create them."""

    async def __call__(self, actor: Actor, fields: RoleFields) -> Role:
        MANAGE_ANY_SITE.check(actor)
        code, name = fields.code.strip().lower(), fields.name.strip()
        errors = FieldErrors()
        if not code or len(code) > 50 or not all(c.isalnum() or c in "_-" for c in code):
            errors.add("code", "Un code de 1 à 50 lettres, chiffres, _ ou -")
        if not name or len(name) > 100:
            errors.add("name", "Un nom de 1 à 100 caractères")
        errors.raise_if_any()
        role = await self._rota.add_role(Role(code=code, name=name))
        await self._uow.commit()
        return role


class ListRoles(_Staff):
    async def __call__(self, actor: Actor) -> list[tuple[Role, list[int]]]:
        """Every role with the members who serve in it (own-site staff see only their site's members)."""
        own = await own_site_id(self._directory, actor)
        roles = await self._rota.roles()
        listed = []
        for role in roles:
            members = await self._rota.role_members(role.id or 0)
            if own is not None:
                known = await self._directory.members(members)
                members = [m for m in members if m in known and known[m].site_id == own]
            listed.append((role, members))
        return listed


class ServeInRole(_Staff):
    """Adds (or, with `serves=False`, removes) a member among those who serve in a role: they get its
    replacement offers. Own-site staff manage their site's members only."""

    async def __call__(self, actor: Actor, role_id: int, member_id: int, *, serves: bool = True) -> None:
        require_staff(actor)
        role = await self._rota.role(role_id)
        member = (await self._directory.members([member_id])).get(member_id)
        if member is None:
            raise NotFound(MEMBER_NOT_FOUND)
        await check_manages_site(self._directory, actor, member.site_id, MEMBER_NOT_FOUND)
        if role is None or role.id is None:
            raise NotFound(ROLE_NOT_FOUND)
        if serves:
            await self._rota.add_role_member(role.id, member_id)
        else:
            await self._rota.remove_role_member(role.id, member_id)
        await self._uow.commit()


class ListStaffServices(_Staff):
    """The services the staff member manages (own-site staff: their site's), from three months back on,
    soonest first."""

    def __init__(self, rota: WorshipRepository, directory: ChurchDirectory, uow: UnitOfWork, clock: Clock) -> None:
        super().__init__(rota, directory, uow)
        self._clock = clock

    async def __call__(self, actor: Actor, site_id: int | None, *, limit: int, offset: int
                       ) -> tuple[int, list[Service]]:
        own = await own_site_id(self._directory, actor)
        if own is not None and site_id not in (None, own):
            return 0, []
        where = ServiceFilter(site_id=own if own is not None else site_id,
                              starts_from=self._clock.now() - timedelta(days=92))
        return await self._rota.services(where, limit=limit, offset=offset)
