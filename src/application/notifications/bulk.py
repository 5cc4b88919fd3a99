"""Telling many people at once: an administrator's bulk send answers at once and fans out in worker jobs, one
per batch of recipients; its progress is readable while it runs."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from application.notifications.config import NotificationsConfig
from application.notifications.ports import BulkSendRepository
from application.notifications.requests import notify
from application.shared.ports import Clock, Outbox, UnitOfWork
from domain.notifications.bulk import BulkSend
from domain.notifications.kinds import BY_TEMPLATE, KINDS, TEST
from domain.notifications.model import Kind
from domain.notifications.permissions import BULK_SEND, SEE_TEMPLATES, USE_INBOX
from domain.shared.actor import Actor
from domain.shared.errors import FieldErrors, NotFound

MAX_RECIPIENTS = 200_000
MAX_DATA_KEYS = 50


@dataclass(frozen=True)
class BulkSendCommand:
    template_id: int
    user_ids: Sequence[int]
    data: Mapping[str, Any] = field(default_factory=dict)


class StartBulkSend:
    def __init__(self, bulks: BulkSendRepository, outbox: Outbox, uow: UnitOfWork, clock: Clock,
                 config: NotificationsConfig) -> None:
        self._bulks = bulks
        self._outbox = outbox
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self, actor: Actor, cmd: BulkSendCommand) -> BulkSend:
        BULK_SEND.check(actor)
        errors = FieldErrors()
        kind = BY_TEMPLATE.get(cmd.template_id)
        if kind is None:
            errors.add("template_id", f"Template inconnu : {cmd.template_id}")
        elif kind.critical:
            errors.add("template_id", "Ce template est réservé aux notifications du système")
        user_ids = sorted(set(cmd.user_ids))
        if not user_ids:
            errors.add("target_users", "Au moins un destinataire")
        if len(user_ids) > MAX_RECIPIENTS:
            errors.add("target_users", f"Au plus {MAX_RECIPIENTS} destinataires par envoi")
        if any(u < 1 for u in user_ids):
            errors.add("target_users", "Identifiants d'utilisateurs invalides")
        if len(cmd.data) > MAX_DATA_KEYS or not all(isinstance(k, str) for k in cmd.data):
            errors.add("additional_data", f"Au plus {MAX_DATA_KEYS} clés texte")
        errors.raise_if_any()
        assert kind is not None
        size = self._config.batch_size
        batches = [user_ids[i:i + size] for i in range(0, len(user_ids), size)]
        bulk = await self._bulks.add(BulkSend(
            id=uuid.uuid4(), kind=kind.code, created_by=actor.user_id, recipients=len(user_ids),
            batches=len(batches), created_at=self._clock.now(), data=dict(cmd.data)))
        for batch in batches:
            self._outbox.add(notify(kind.code, batch, f"bulk:{bulk.id}", cmd.data, bulk_id=str(bulk.id),
                                    realm=actor.realm.value))
        await self._uow.commit()
        return bulk


class BulkSendProgress:
    def __init__(self, bulks: BulkSendRepository, uow: UnitOfWork) -> None:
        self._bulks = bulks
        self._uow = uow

    async def __call__(self, actor: Actor, bulk_id: uuid.UUID) -> BulkSend:
        BULK_SEND.check(actor)
        bulk = await self._bulks.get(bulk_id)
        await self._uow.commit()
        if bulk is None:
            raise NotFound("Envoi en masse introuvable")
        return bulk


class Templates:
    def __call__(self, actor: Actor) -> tuple[Kind, ...]:
        SEE_TEMPLATES.check(actor)
        return KINDS


class SendTestNotification:
    """Queues a test notification to the actor through the real channels (inbox, their devices)."""

    def __init__(self, outbox: Outbox, uow: UnitOfWork) -> None:
        self._outbox = outbox
        self._uow = uow

    async def __call__(self, actor: Actor) -> None:
        USE_INBOX.check(actor)
        self._outbox.add(notify(TEST.code, [actor.user_id], f"test:{uuid.uuid4().hex}"))
        await self._uow.commit()
