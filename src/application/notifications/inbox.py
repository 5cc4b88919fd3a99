"""A person's inbox: list, read, mark read, delete, counts. Only the owner ever sees an entry (another person's
id answers as if it did not exist)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from application.notifications.config import NotificationsConfig
from application.notifications.ports import InboxPage, NotificationRepository
from application.shared.ports import Clock, UnitOfWork
from domain.notifications.model import Notification
from domain.notifications.permissions import USE_INBOX
from domain.shared.actor import Actor
from domain.shared.errors import InvalidInput, NotFound

MAX_OFFSET = 100_000
MAX_IDS = 1000


@dataclass(frozen=True)
class InboxCounts:
    total: int
    unread: int

    @property
    def read(self) -> int:
        return self.total - self.unread


class Inbox:
    """The read side of the inbox."""

    def __init__(self, notifications: NotificationRepository, uow: UnitOfWork, config: NotificationsConfig) -> None:
        self._notifications = notifications
        self._uow = uow
        self._config = config

    async def page(self, actor: Actor, *, is_read: bool | None = None, page: int = 1,
                   page_size: int | None = None) -> InboxPage:
        USE_INBOX.check(actor)
        size = page_size or self._config.page_size
        if page < 1:
            raise InvalidInput.on_field("page", "La page commence à 1")
        if not 1 <= size <= self._config.max_page_size:
            raise InvalidInput.on_field("page_size", f"Entre 1 et {self._config.max_page_size}")
        if (page - 1) * size > MAX_OFFSET:
            raise InvalidInput.on_field("page", "Page hors limites")
        result = await self._notifications.page(actor.user_id, is_read=is_read, offset=(page - 1) * size,
                                                limit=size)
        await self._uow.commit()
        return result

    async def get(self, actor: Actor, notification_id: int) -> Notification:
        USE_INBOX.check(actor)
        found = await self._notifications.get(actor.user_id, notification_id)
        await self._uow.commit()
        if found is None:
            raise NotFound("Notification non trouvée")
        return found

    async def counts(self, actor: Actor) -> InboxCounts:
        USE_INBOX.check(actor)
        total, unread = await self._notifications.counts(actor.user_id)
        await self._uow.commit()
        return InboxCounts(total, unread)


class MarkRead:
    def __init__(self, notifications: NotificationRepository, uow: UnitOfWork, clock: Clock) -> None:
        self._notifications = notifications
        self._uow = uow
        self._clock = clock

    async def __call__(self, actor: Actor, ids: Sequence[int] | None) -> int:
        """Marks the actor's notifications among `ids` read (all of them when None); ids that are not theirs
        are ignored. How many were unread."""
        USE_INBOX.check(actor)
        if ids is not None and len(ids) > MAX_IDS:
            raise InvalidInput.on_field("notification_ids", f"Au plus {MAX_IDS} notifications à la fois")
        changed = await self._notifications.mark_read(actor.user_id, ids, self._clock.now())
        await self._uow.commit()
        return changed


class MarkOneRead:
    """Marks one notification read; NotFound when it is not the actor's. Idempotent."""

    def __init__(self, notifications: NotificationRepository, uow: UnitOfWork, clock: Clock) -> None:
        self._notifications = notifications
        self._uow = uow
        self._clock = clock

    async def __call__(self, actor: Actor, notification_id: int) -> Notification:
        USE_INBOX.check(actor)
        found = await self._notifications.get(actor.user_id, notification_id)
        if found is None:
            await self._uow.commit()
            raise NotFound("Notification non trouvée")
        await self._notifications.mark_read(actor.user_id, [notification_id], self._clock.now())
        await self._uow.commit()
        found.mark_read(self._clock.now())
        return found


class DeleteNotification:
    def __init__(self, notifications: NotificationRepository, uow: UnitOfWork) -> None:
        self._notifications = notifications
        self._uow = uow

    async def __call__(self, actor: Actor, notification_id: int) -> None:
        USE_INBOX.check(actor)
        deleted = await self._notifications.delete(actor.user_id, notification_id)
        await self._uow.commit()
        if not deleted:
            raise NotFound("Notification non trouvée")
