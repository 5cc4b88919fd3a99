"""The reminder cron: a push and an email to each assignee of a service starting in the next 24 to 48 hours,
once per assignment (the assignment keeps when it was reminded; the notify key is the assignment's)."""

from __future__ import annotations

from datetime import timedelta

from application.shared.church import ChurchDirectory
from application.shared.ports import Clock, Outbox, UnitOfWork
from application.worship.notices import RotaNotices
from application.worship.ports import WorshipRepository
from domain.worship.model import AssignmentStatus, local_when

WINDOW = (timedelta(hours=24), timedelta(hours=48))
LIVE = (AssignmentStatus.EN_ATTENTE, AssignmentStatus.CONFIRME)


class SendReminders:
    def __init__(self, rota: WorshipRepository, directory: ChurchDirectory, notices: RotaNotices, outbox: Outbox,
                 uow: UnitOfWork, clock: Clock) -> None:
        self._rota, self._directory, self._notices = rota, directory, notices
        self._outbox, self._uow, self._clock = outbox, uow, clock

    async def __call__(self) -> int:
        """One transaction per assignment reminded; returns how many were."""
        now = self._clock.now()
        services = await self._rota.services_between(now + WINDOW[0], now + WINDOW[1])
        await self._uow.commit()
        sent = 0
        for service in services:
            assignments = [a for a in await self._rota.assignments_of([service.id or 0])
                           if a.status in LIVE and a.reminded_at is None]
            members = await self._directory.members([a.member_id for a in assignments])
            roles = await self._rota.roles_by_id([a.role_id for a in assignments])
            for assignment in assignments:
                member = members.get(assignment.member_id)
                if member is None or member.user_id is None or assignment.id is None:
                    continue
                if not await self._rota.mark_reminded(assignment.id, now):
                    await self._uow.rollback()
                    continue
                self._outbox.add(self._notices.reminder(assignment.id, member.user_id, {
                    "assignment_id": assignment.id, "service_id": service.id, "theme": service.theme,
                    "role": roles[assignment.role_id].name, "starts_at": service.starts_at.isoformat(),
                    "when": local_when(service.starts_at),
                    "status": assignment.status.value}))
                await self._uow.commit()
                sent += 1
        return sent
