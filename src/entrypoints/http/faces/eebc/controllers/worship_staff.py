"""/api/v1/staff/worship/: services, their assignments (with conflict warnings) and roles with the members who
serve in them. `admin` and `pasteur` on every site; `ancien`, `diacre`, `secretariat` on their own site."""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from application.identity.services import Principal
from application.worship import staff
from domain.identity.model import Realm
from domain.shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from entrypoints.http.auth import principal_dependency
from entrypoints.http.faces.eebc import worship_schemas as wire
from entrypoints.http.faces.eebc.controllers.worship import PageSize, SiteFilter, body_of
from entrypoints.http.openapi import may_raise, reads_body
from entrypoints.http.params import Id, Page
from entrypoints.http.wire import wire_names

AUTHENTICATED = {"principal": principal_dependency(Realm.EEBC)}
SERVICE_FIELDS = {"site_id": "site", "starts_at": "date"}
ASSIGNMENT_FIELDS = {"role_id": "role", "member_id": "member"}
WRITE = may_raise(InvalidInput, NotFound, Forbidden)


class WorshipStaffController(Controller):
    path = "/api/v1/staff/worship"
    tags = ("staff: worship",)
    dependencies = AUTHENTICATED

    @get("/services/", opt=may_raise(Forbidden))
    async def services(self, principal: NamedDependency[Principal], use_case: FromDishka[staff.ListStaffServices],
                       site: SiteFilter = None, page: Page = 1, page_size: PageSize = None) -> wire.StaffServicesOk:
        """The services one manages (own-site staff: their site's), from three months back on, soonest first."""
        size = page_size or 20
        count, found = await use_case(principal.actor, site, limit=size, offset=(page - 1) * size)
        return wire.StaffServicesOk(data=wire.StaffServicePage(count, [wire.staff_service(s) for s in found]))

    @post("/services/", status_code=HTTP_201_CREATED, opt=WRITE | reads_body(wire.ServiceBody))
    async def create_service(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                             use_case: FromDishka[staff.CreateService]) -> wire.StaffServiceOk:
        """`date` and `start_time` are the church's local time (America/Cayenne)."""
        data = await body_of(request, wire.ServiceBody)
        with wire_names(SERVICE_FIELDS):
            return wire.staff_service_ok(await use_case(principal.actor, data.fields()))

    @put("/services/{service_id:int}/", status_code=HTTP_200_OK, opt=WRITE | reads_body(wire.ServiceBody))
    async def update_service(self, service_id: Id, request: Request[Any, Any, Any],
                             principal: NamedDependency[Principal],
                             use_case: FromDishka[staff.UpdateService]) -> wire.StaffServiceOk:
        data = await body_of(request, wire.ServiceBody)
        with wire_names(SERVICE_FIELDS):
            return wire.staff_service_ok(await use_case(principal.actor, service_id, data.fields()))

    @delete("/services/{service_id:int}/", status_code=HTTP_200_OK, opt=may_raise(NotFound, Forbidden))
    async def delete_service(self, service_id: Id, principal: NamedDependency[Principal],
                             use_case: FromDishka[staff.DeleteService]) -> wire.Done:
        """Removes the service and its assignments."""
        await use_case(principal.actor, service_id)
        return wire.Done(message="Culte supprimé")

    @get("/services/{service_id:int}/assignments/", opt=may_raise(NotFound, Forbidden))
    async def assignments(self, service_id: Id, principal: NamedDependency[Principal],
                          use_case: FromDishka[staff.ListAssignments]) -> wire.StaffAssignmentsOk:
        found = await use_case(principal.actor, service_id)
        return wire.StaffAssignmentsOk(data=[wire.staff_assignment(a) for a in found])

    @post("/services/{service_id:int}/assignments/", status_code=HTTP_201_CREATED,
          opt=may_raise(InvalidInput, NotFound, Forbidden, Conflict) | reads_body(wire.AssignmentBody))
    async def assign(self, service_id: Id, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                     use_case: FromDishka[staff.CreateAssignment]) -> wire.StaffAssignmentOk:
        """Never refused for a clash: `warnings` lists the member's other assignments at an overlapping time
        (in any site)."""
        data = await body_of(request, wire.AssignmentBody)
        with wire_names(ASSIGNMENT_FIELDS):
            return wire.staff_assignment_ok(await use_case(principal.actor, service_id, data.fields()))

    @put("/services/{service_id:int}/assignments/{assignment_id:int}/", status_code=HTTP_200_OK,
         opt=may_raise(InvalidInput, NotFound, Forbidden, Conflict) | reads_body(wire.AssignmentBody))
    async def update_assignment(self, service_id: Id, assignment_id: Id, request: Request[Any, Any, Any],
                                principal: NamedDependency[Principal],
                                use_case: FromDishka[staff.UpdateAssignment]) -> wire.StaffAssignmentOk:
        """Staff may change an assignment (its status too) after the members' 48-hour deadline."""
        data = await body_of(request, wire.AssignmentBody)
        with wire_names(ASSIGNMENT_FIELDS):
            return wire.staff_assignment_ok(await use_case(principal.actor, service_id, assignment_id,
                                                           data.fields()))

    @delete("/services/{service_id:int}/assignments/{assignment_id:int}/", status_code=HTTP_200_OK,
            opt=may_raise(NotFound, Forbidden))
    async def unassign(self, service_id: Id, assignment_id: Id, principal: NamedDependency[Principal],
                       use_case: FromDishka[staff.DeleteAssignment]) -> wire.Done:
        await use_case(principal.actor, service_id, assignment_id)
        return wire.Done(message="Assignation supprimée")

    @get("/roles/", opt=may_raise(Forbidden))
    async def roles(self, principal: NamedDependency[Principal],
                    use_case: FromDishka[staff.ListRoles]) -> wire.RolesOk:
        """Every role, with the ids of the members who serve in it (own-site staff: their site's members)."""
        return wire.RolesOk(data=[wire.role_out(role, members) for role, members in await use_case(principal.actor)])

    @post("/roles/", status_code=HTTP_201_CREATED,
          opt=may_raise(InvalidInput, Forbidden, Conflict) | reads_body(wire.RoleBody))
    async def create_role(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                          use_case: FromDishka[staff.CreateRole]) -> wire.RoleOk:
        """Roles are shared by every site: `admin` and `pasteur` create them."""
        data = await body_of(request, wire.RoleBody)
        role = await use_case(principal.actor, staff.RoleFields(data.code, data.name))
        return wire.RoleOk(data=wire.role_out(role, []))

    @post("/roles/{role_id:int}/members/", status_code=HTTP_200_OK, opt=WRITE | reads_body(wire.RoleMemberBody))
    async def serve(self, role_id: Id, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                    use_case: FromDishka[staff.ServeInRole]) -> wire.Done:
        """The member serves in this role: they get its replacement offers. Harmless when already so."""
        data = await body_of(request, wire.RoleMemberBody)
        await use_case(principal.actor, role_id, data.member_id)
        return wire.Done(message="Membre ajouté au rôle")

    @delete("/roles/{role_id:int}/members/{member_id:int}/", status_code=HTTP_200_OK,
            opt=may_raise(NotFound, Forbidden))
    async def unserve(self, role_id: Id, member_id: Id, principal: NamedDependency[Principal],
                      use_case: FromDishka[staff.ServeInRole]) -> wire.Done:
        await use_case(principal.actor, role_id, member_id, serves=False)
        return wire.Done(message="Membre retiré du rôle")
