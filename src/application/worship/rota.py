"""What members do with the rota: read the services, answer their assignments, take a declined slot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from application.shared.church import ChurchDirectory, MemberRef
from application.shared.ports import Clock, Outbox, UnitOfWork
from application.worship.notices import BATCH, RotaNotices
from application.worship.ports import ServiceFilter, WorshipRepository
from application.worship.scope import SERVICE_NOT_FOUND, overlapping
from application.worship.views import ServicePage, ServiceView, views_of
from domain.shared.actor import Actor
from domain.shared.errors import FieldErrors, Forbidden, NotFound
from domain.worship.errors import AlreadyAnswered, AnswersClosed, NotOffered, SlotTaken
from domain.worship.model import Answer, Assignment, AssignmentStatus, Service, local_when
from domain.worship.permissions import SEE_SERVICES

HISTORY = timedelta(days=92)  # "the last 3 months"
ASSIGNMENT_NOT_FOUND = "Assignation introuvable"
REASON_MAX = 500
NOT_A_MEMBER = "Votre compte n'est lié à aucun membre de l'église"


class Listing(StrEnum):
    UPCOMING = "upcoming"  # services from now on, soonest first
    MINE = "mine"  # upcoming services where the caller's member serves
    HISTORY = "history"  # services of the last three months, newest first


@dataclass(frozen=True)
class ListServicesQuery:
    actor: Actor
    listing: Listing = Listing.UPCOMING
    site_id: int | None = None
    page: int = 1
    page_size: int = 20


class ListServices:
    def __init__(self, rota: WorshipRepository, directory: ChurchDirectory, clock: Clock) -> None:
        self._rota, self._directory, self._clock = rota, directory, clock

    async def __call__(self, query: ListServicesQuery) -> ServicePage:
        SEE_SERVICES.check(query.actor)
        now = self._clock.now()
        where = ServiceFilter(site_id=query.site_id, starts_from=now - timedelta(hours=3))
        if query.listing is Listing.HISTORY:
            where = ServiceFilter(site_id=query.site_id, starts_from=now - HISTORY, starts_before=now,
                                  newest_first=True)
        elif query.listing is Listing.MINE:
            member = await self._directory.member_of_user(query.actor.user_id)
            if member is None or member.id is None:
                return ServicePage(0, [])
            where = ServiceFilter(site_id=query.site_id, starts_from=now - timedelta(hours=3), member_id=member.id)
        count, services = await self._rota.services(where, limit=query.page_size,
                                                    offset=(query.page - 1) * query.page_size)
        return ServicePage(count, await views_of(services, self._rota, self._directory, query.actor.user_id))


class ServiceDetail:
    def __init__(self, rota: WorshipRepository, directory: ChurchDirectory) -> None:
        self._rota, self._directory = rota, directory

    async def __call__(self, actor: Actor, service_id: int) -> ServiceView:
        SEE_SERVICES.check(actor)
        service = await self._rota.service(service_id)
        if service is None:
            raise NotFound(SERVICE_NOT_FOUND)
        return (await views_of([service], self._rota, self._directory, actor.user_id))[0]


async def member_of(directory: ChurchDirectory, actor: Actor) -> MemberRef:
    member = await directory.member_of_user(actor.user_id)
    if member is None:
        raise Forbidden(NOT_A_MEMBER)
    return member


@dataclass(frozen=True)
class AnswerCommand:
    actor: Actor
    assignment_id: int
    action: Answer
    decline_reason: str = ""


class AnswerAssignment:
    """Confirm or decline one's own assignment, up to 48 hours before the service (staff may still change it).
    A decline offers the slot to the members of the site who serve in that role and are free at that time."""

    def __init__(self, rota: WorshipRepository, directory: ChurchDirectory, notices: RotaNotices, outbox: Outbox,
                 uow: UnitOfWork, clock: Clock) -> None:
        self._rota, self._directory, self._notices = rota, directory, notices
        self._outbox, self._uow, self._clock = outbox, uow, clock

    async def __call__(self, cmd: AnswerCommand) -> Assignment:
        SEE_SERVICES.check(cmd.actor)
        reason = cmd.decline_reason.strip()
        if len(reason) > REASON_MAX:
            raise FieldErrors.single("decline_reason", f"{REASON_MAX} caractères au plus")
        member = await member_of(self._directory, cmd.actor)
        assignment = await self._rota.assignment(cmd.assignment_id)
        if assignment is None or assignment.id is None or assignment.member_id != member.id:
            raise NotFound(ASSIGNMENT_NOT_FOUND)
        service = await self._rota.service(assignment.service_id)
        assert service is not None
        now = self._clock.now()
        if now >= service.answers_close_at:
            raise AnswersClosed()
        wanted = AssignmentStatus.CONFIRME if cmd.action is Answer.CONFIRM else AssignmentStatus.DECLINE
        if assignment.status is wanted:
            return assignment
        if assignment.status not in (AssignmentStatus.EN_ATTENTE, AssignmentStatus.CONFIRME):
            raise AlreadyAnswered(assignment.status.value)
        if not await self._rota.answer(assignment.id, assignment.status, wanted,
                                       reason if wanted is AssignmentStatus.DECLINE else "", now):
            raise AlreadyAnswered(assignment.status.value)
        assignment.status, assignment.answered_at = wanted, now
        assignment.decline_reason = reason if wanted is AssignmentStatus.DECLINE else ""
        if wanted is AssignmentStatus.DECLINE:
            await self._offer(assignment, service)
        await self._uow.commit()
        return assignment

    async def _offer(self, declined: Assignment, service: Service) -> None:
        assert declined.id is not None
        eligible = set(await self._rota.role_members(declined.role_id)) - {declined.member_id}
        candidates = [m for m in await self._directory.members_of_site(service.site_id)
                      if m.id in eligible and m.user_id is not None]
        free = [m for m in candidates if not await self._busy(m.id, service)]
        user_ids = sorted(m.user_id for m in free if m.user_id is not None)
        role = await self._rota.role(declined.role_id)
        data = {"assignment_id": declined.id, "service_id": service.id, "starts_at": service.starts_at.isoformat(),
                "when": local_when(service.starts_at), "theme": service.theme, "role": role.name if role else ""}
        for start in range(0, len(user_ids), BATCH):
            self._outbox.add(self._notices.replacement_offered(declined.id, user_ids[start:start + BATCH], data))

    async def _busy(self, member_id: int, service: Service) -> bool:
        return bool(await overlapping(self._rota, member_id, service))


@dataclass(frozen=True)
class AcceptReplacementCommand:
    actor: Actor
    assignment_id: int


class AcceptReplacement:
    """An eligible member takes a declined slot: the first accept wins (one conditional UPDATE), the others get
    SlotTaken (409)."""

    def __init__(self, rota: WorshipRepository, directory: ChurchDirectory, uow: UnitOfWork, clock: Clock) -> None:
        self._rota, self._directory, self._uow, self._clock = rota, directory, uow, clock

    async def __call__(self, cmd: AcceptReplacementCommand) -> Assignment:
        SEE_SERVICES.check(cmd.actor)
        member = await member_of(self._directory, cmd.actor)
        declined = await self._rota.assignment(cmd.assignment_id)
        if declined is None or declined.id is None:
            raise NotFound(ASSIGNMENT_NOT_FOUND)
        service = await self._rota.service(declined.service_id)
        assert service is not None
        now = self._clock.now()
        if declined.status is AssignmentStatus.REMPLACE:
            raise SlotTaken()
        if not declined.open_for_replacement or now >= service.starts_at:
            raise NotOffered()
        if member.site_id != service.site_id or member.id not in await self._rota.role_members(declined.role_id):
            raise Forbidden("Vous ne servez pas dans ce rôle sur ce site")
        taken = await self._rota.add_assignment(Assignment(
            service_id=service.id or 0, role_id=declined.role_id, member_id=member.id,
            status=AssignmentStatus.CONFIRME, answered_at=now))
        assert taken.id is not None
        if not await self._rota.take_declined(declined.id, taken.id):
            await self._uow.rollback()
            raise SlotTaken()
        await self._uow.commit()
        return taken
