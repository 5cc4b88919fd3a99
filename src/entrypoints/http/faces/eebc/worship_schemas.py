"""EEBC wire shapes of the rota ("Cultes (Worship)"): the spec's field names; times are the church's local date
and time (America/Cayenne), stored as a UTC instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated

import msgspec

from application.worship.staff import AssignmentFields, AssignmentResult, ServiceFields
from application.worship.views import AssignmentView, ServicePage, ServiceView
from domain.shared.errors import FieldErrors
from domain.shared.ids import MAX_ID
from domain.worship.model import LOCAL_ZONE, Answer, Assignment, AssignmentStatus, Role, Service, ServiceType

WireId = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
Reason = Annotated[str, msgspec.Meta(max_length=500)]
SERVICE_TYPES = {
    ServiceType.CULTE_DOMINICAL: "Culte dominical", ServiceType.CULTE_PRIERE: "Culte de prière",
    ServiceType.ETUDE_BIBLIQUE: "Étude biblique", ServiceType.CULTE_JEUNESSE: "Culte de jeunesse",
    ServiceType.CULTE_SPECIAL: "Culte spécial",
}
INVALID_CHOICE = "Valeur invalide (attendu : {})"


# --- requests ---------------------------------------------------------------------------------------------


class ConfirmBody(msgspec.Struct):
    assignment_id: WireId
    action: Annotated[str, msgspec.Meta(max_length=20)]
    decline_reason: Reason | None = None

    def answer(self) -> Answer:
        try:
            return Answer(self.action)
        except ValueError:
            raise FieldErrors.single("action", INVALID_CHOICE.format("confirm, decline")) from None


class ServiceBody(msgspec.Struct):
    site: WireId
    date: Annotated[str, msgspec.Meta(max_length=10)]
    start_time: Annotated[str, msgspec.Meta(max_length=8)]
    service_type: Annotated[str, msgspec.Meta(max_length=32)]
    theme: Annotated[str, msgspec.Meta(max_length=200)] = ""
    is_confirmed: bool = False

    def fields(self) -> ServiceFields:
        errors = FieldErrors()
        day = moment = kind = None
        try:
            day = date.fromisoformat(self.date)
            if not 2000 <= day.year <= 2100:
                raise ValueError
        except ValueError:
            errors.add("date", "Date invalide (AAAA-MM-JJ)")
        try:
            moment = time.fromisoformat(self.start_time)
            if moment.tzinfo is not None:
                raise ValueError
        except ValueError:
            errors.add("start_time", "Heure invalide (HH:MM ou HH:MM:SS, heure locale)")
        try:
            kind = ServiceType(self.service_type)
        except ValueError:
            errors.add("service_type", INVALID_CHOICE.format(", ".join(t.value for t in ServiceType)))
        errors.raise_if_any()
        assert day is not None and moment is not None and kind is not None
        starts_at = datetime.combine(day, moment.replace(microsecond=0), LOCAL_ZONE).astimezone(UTC)
        return ServiceFields(site_id=self.site, starts_at=starts_at, service_type=kind, theme=self.theme,
                             is_confirmed=self.is_confirmed)


class AssignmentBody(msgspec.Struct):
    role: WireId
    member: WireId
    status: Annotated[str, msgspec.Meta(max_length=20)] = AssignmentStatus.EN_ATTENTE.value
    decline_reason: Reason = ""

    def fields(self) -> AssignmentFields:
        try:
            status = AssignmentStatus(self.status)
        except ValueError:
            raise FieldErrors.single("status", INVALID_CHOICE.format(
                ", ".join(s.value for s in AssignmentStatus))) from None
        return AssignmentFields(role_id=self.role, member_id=self.member, status=status,
                                decline_reason=self.decline_reason)


class RoleBody(msgspec.Struct):
    code: Annotated[str, msgspec.Meta(max_length=50)]
    name: Annotated[str, msgspec.Meta(max_length=100)]


class RoleMemberBody(msgspec.Struct):
    member_id: WireId


# --- responses --------------------------------------------------------------------------------------------


class SiteOut(msgspec.Struct):
    id: int
    code: str
    name: str


class MemberOut(msgspec.Struct):
    id: int
    first_name: str
    last_name: str


class AssignmentOut(msgspec.Struct):
    id: int
    role: str
    role_display: str
    member: MemberOut | None
    status: str
    is_current_user: bool


class ServiceOut(msgspec.Struct):
    id: int
    date: str
    start_time: str
    service_type: str
    service_type_display: str
    theme: str
    is_confirmed: bool
    site: SiteOut | None
    user_assignments: list[AssignmentOut]


class ServicePageOut(msgspec.Struct):
    count: int
    next: str | None
    previous: str | None
    results: list[ServiceOut]


class AnswerData(msgspec.Struct):
    id: int
    status: str
    decline_reason: str


class AnswerOk(msgspec.Struct, kw_only=True):
    success: bool = True
    message: str
    data: AnswerData


class FeedData(msgspec.Struct):
    url: str


class FeedOk(msgspec.Struct, kw_only=True):
    success: bool = True
    data: FeedData


class StaffAssignmentOut(msgspec.Struct):
    id: int
    service: int
    role: int
    member: int
    status: str
    decline_reason: str
    replaced_by: int | None


class WarningOut(msgspec.Struct):
    message: str
    assignment_id: int
    service_id: int


class StaffAssignmentOk(msgspec.Struct, kw_only=True):
    success: bool = True
    data: StaffAssignmentOut
    warnings: list[WarningOut]


class StaffAssignmentsOk(msgspec.Struct, kw_only=True):
    success: bool = True
    data: list[StaffAssignmentOut]


class StaffServiceOut(msgspec.Struct):
    id: int
    site: int
    date: str
    start_time: str
    service_type: str
    theme: str
    is_confirmed: bool


class StaffServiceOk(msgspec.Struct, kw_only=True):
    success: bool = True
    data: StaffServiceOut


class StaffServicePage(msgspec.Struct):
    count: int
    results: list[StaffServiceOut]


class StaffServicesOk(msgspec.Struct, kw_only=True):
    success: bool = True
    data: StaffServicePage


class RoleOut(msgspec.Struct):
    id: int
    code: str
    name: str
    members: list[int]


class RoleOk(msgspec.Struct, kw_only=True):
    success: bool = True
    data: RoleOut


class RolesOk(msgspec.Struct, kw_only=True):
    success: bool = True
    data: list[RoleOut]


class Done(msgspec.Struct, kw_only=True):
    success: bool = True
    message: str


# --- mapping ----------------------------------------------------------------------------------------------


def local(moment: datetime) -> tuple[str, str]:
    at = moment.astimezone(LOCAL_ZONE)
    return at.date().isoformat(), at.time().replace(microsecond=0).isoformat()


def assignment_out(view: AssignmentView) -> AssignmentOut:
    member = view.member
    return AssignmentOut(
        id=view.assignment.id or 0, role=view.role.code, role_display=view.role.name,
        member=MemberOut(member.id, member.first_name, member.last_name) if member else None,
        status=view.assignment.status.value, is_current_user=view.is_current_user)


def service_out(view: ServiceView) -> ServiceOut:
    service = view.service
    day, at = local(service.starts_at)
    site = view.site
    return ServiceOut(
        id=service.id or 0, date=day, start_time=at, service_type=service.service_type.value,
        service_type_display=SERVICE_TYPES[service.service_type], theme=service.theme,
        is_confirmed=service.is_confirmed, site=SiteOut(site.id, site.code, site.name) if site else None,
        user_assignments=[assignment_out(a) for a in view.assignments])


def page_out(page: ServicePage, next_url: str | None, previous_url: str | None) -> ServicePageOut:
    return ServicePageOut(count=page.count, next=next_url, previous=previous_url,
                          results=[service_out(v) for v in page.results])


def staff_assignment(a: Assignment) -> StaffAssignmentOut:
    return StaffAssignmentOut(id=a.id or 0, service=a.service_id, role=a.role_id, member=a.member_id,
                              status=a.status.value, decline_reason=a.decline_reason, replaced_by=a.replaced_by)


def staff_assignment_ok(result: AssignmentResult) -> StaffAssignmentOk:
    return StaffAssignmentOk(data=staff_assignment(result.assignment), warnings=[
        WarningOut(w.message, w.assignment_id, w.service_id) for w in result.warnings])


def staff_service(service: Service) -> StaffServiceOut:
    day, at = local(service.starts_at)
    return StaffServiceOut(
        id=service.id or 0, site=service.site_id, date=day, start_time=at, service_type=service.service_type.value,
        theme=service.theme, is_confirmed=service.is_confirmed)


def staff_service_ok(service: Service) -> StaffServiceOk:
    return StaffServiceOk(data=staff_service(service))


def role_out(role: Role, members: list[int]) -> RoleOut:
    return RoleOut(id=role.id or 0, code=role.code, name=role.name, members=members)
