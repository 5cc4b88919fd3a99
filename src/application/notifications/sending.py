"""The jobs that tell people: the fan-out of one happening to its recipients, the sender of what is due later
(quiet hours, digests, summaries, retries), and Expo's receipts."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any
from uuid import UUID

from application.notifications.channels import DeliveryKind, ExpoReceipts
from application.notifications.config import NotificationsConfig
from application.notifications.dispatch import Dispatcher
from application.notifications.ports import (
    BulkSendRepository,
    DeliveryRepository,
    DeviceRepository,
    Directory,
    LiveFeed,
    NotificationRepository,
    PreferenceRepository,
    Recipient,
    TemplateRenderer,
)
from application.shared.ports import Clock, UnitOfWork
from domain.notifications.delivery import Delivery
from domain.notifications.kinds import BY_CODE
from domain.notifications.model import Channel, Kind, Notification
from domain.notifications.policies import Timing, plan
from domain.shared.errors import InvalidInput

log = logging.getLogger("agora.notifications")

_OUTSIDE_INBOX = (Channel.EMAIL, Channel.PUSH, Channel.SMS)


def kind_of(code: str) -> Kind:
    kind = BY_CODE.get(code)
    if kind is None:
        raise InvalidInput.on_field("type_notification", f"Type de notification inconnu : {code}")
    return kind


class NotifyUsers:
    """Job (payload of application/notifications/requests.notify): one happening, told to up to a batch of
    people. Stores their inbox entries and delivery records in one transaction, then sends what is due now.
    Safe to run twice: what is stored for a person and key is never stored or sent again."""

    def __init__(self, notifications: NotificationRepository, preferences: PreferenceRepository,
                 deliveries: DeliveryRepository, devices: DeviceRepository, bulks: BulkSendRepository,
                 directory: Directory, live: LiveFeed, renderer: TemplateRenderer, dispatcher: Dispatcher,
                 uow: UnitOfWork, clock: Clock, config: NotificationsConfig) -> None:
        self._notifications = notifications
        self._preferences = preferences
        self._deliveries = deliveries
        self._devices = devices
        self._bulks = bulks
        self._directory = directory
        self._live = live
        self._renderer = renderer
        self._dispatcher = dispatcher
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self, payload: dict[str, Any]) -> int:
        """How many people it stored something for."""
        kind = kind_of(str(payload["kind"]))
        key = str(payload["key"])
        data: dict[str, Any] = dict(payload.get("data") or {})
        user_ids = sorted({int(u) for u in payload["user_ids"]})
        now = self._clock.now()
        recipients = await self._directory.recipients(user_ids)
        if payload.get("realm") is not None:
            recipients = {u: r for u, r in recipients.items() if r.realm.value == payload["realm"]}
        preferences = await self._preferences.of_users(list(recipients), kind.code)
        entries: list[Notification] = []
        deliveries: list[Delivery] = []
        lease_end = now + self._config.lease
        for user_id, recipient in recipients.items():
            if not recipient.active:
                continue
            context = self._context(recipient, data)
            render = _RenderOnce(self._renderer, context)
            zone = self._config.zone(recipient.realm)
            digest_key = str(data.get(kind.digest.key, "")) if kind.digest and kind.digest.key else None
            inbox = plan(kind, Channel.IN_APP, preferences.get((user_id, Channel.IN_APP)), now=now, zone=zone,
                         quiet=self._config.quiet_hours)
            if inbox.timing is Timing.NOW:
                text = kind.text(Channel.IN_APP)
                link = render(kind.action_link) if kind.action_link else None
                entries.append(Notification(
                    user_id=user_id, realm=recipient.realm, kind=kind.code, key=key, created_at=now,
                    title=render(text.title), data=data, action_link=link or None, message=render(text.body)))
            for channel in _OUTSIDE_INBOX:
                channel_plan = plan(kind, channel, preferences.get((user_id, channel)), now=now, zone=zone,
                                    quiet=self._config.quiet_hours, digest_key=digest_key)
                if channel_plan.timing is Timing.NEVER:
                    continue
                text = kind.text(channel)
                delivery_key = f"{key}:{user_id}:{channel.value}"
                due = channel_plan.due_at if channel_plan.timing is Timing.LATER else lease_end
                assert due is not None
                deliveries.append(Delivery(
                    key=delivery_key, user_id=user_id, channel=channel, kind=kind.code, due_at=due, created_at=now,
                    group_key=f"{user_id}:{channel.value}:{channel_plan.group or delivery_key}",
                    title=render(text.title), body=render(text.body)))
        stored = await self._notifications.add_many(entries)
        if stored:
            await self._live.announce(stored)
        by_user = {n.user_id: n.id for n in stored}
        for delivery in deliveries:
            delivery.notification_id = by_user.get(delivery.user_id)
        new = await self._deliveries.add_many(deliveries)
        bulk_id = payload.get("bulk_id")
        # Counted when it stored something, or had nothing to store (deactivated accounts, everything turned off);
        # a batch run again finds all of it stored already and is not counted twice.
        if bulk_id is not None and (stored or new or not (entries or deliveries)):
            await self._bulks.advance(UUID(str(bulk_id)), len(user_ids), now)
        await self._uow.commit()
        due_now = [d for d in new if d.due_at == lease_end]
        if due_now:
            await self._send(due_now, recipients)
        return len(stored)

    def _context(self, recipient: Recipient, data: Mapping[str, Any]) -> dict[str, Any]:
        return {"app": self._config.app_names.get(recipient.realm, ""), "username": recipient.username,
                "first_name": recipient.first_name, **data}

    async def _send(self, deliveries: list[Delivery], recipients: Mapping[int, Recipient]) -> None:
        gone = await self._dispatcher.send(deliveries, self._clock.now(), recipients)
        await self._deliveries.save_many(deliveries)
        if gone:
            await self._devices.forget_tokens(gone)
        await self._uow.commit()


class _RenderOnce:
    """One person's texts: the channels without a wording of their own share the inbox's, rendered once."""

    def __init__(self, renderer: TemplateRenderer, context: Mapping[str, Any]) -> None:
        self._renderer = renderer
        self._context = context
        self._done: dict[str, str] = {}

    def __call__(self, source: str) -> str:
        text = self._done.get(source)
        if text is None:
            text = self._done[source] = self._renderer.render(source, self._context)
        return text


class SendDueDeliveries:
    """Cron, every minute: sends the deliveries whose time came (after quiet hours, a digest's window, a summary's
    hour, a retry's wait, or a sender that crashed). Takes them with a lease and commits before calling any
    provider, so no lock or transaction is held while a provider answers."""

    def __init__(self, deliveries: DeliveryRepository, devices: DeviceRepository, dispatcher: Dispatcher,
                 uow: UnitOfWork, clock: Clock, config: NotificationsConfig) -> None:
        self._deliveries = deliveries
        self._devices = devices
        self._dispatcher = dispatcher
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self) -> int:
        sent = 0
        while True:
            now = self._clock.now()
            due = await self._deliveries.claim_due(now, self._config.due_batch)
            if not due:
                await self._uow.commit()
                return sent
            for delivery in due:
                delivery.due_at = now + self._config.lease
            await self._deliveries.save_many(due)
            await self._uow.commit()
            gone = await self._dispatcher.send(due, self._clock.now())
            await self._deliveries.save_many(due)
            if gone:
                await self._devices.forget_tokens(gone)
            await self._uow.commit()
            sent += len(due)
            if len(due) < self._config.due_batch:
                return sent


class CheckExpoReceipts:
    """Cron: Expo's receipts of the pushes it took at least 15 minutes ago. A `DeviceNotRegistered` receipt
    deactivates the token (Apple and Google may block an app that keeps sending to dead tokens)."""

    def __init__(self, deliveries: DeliveryRepository, devices: DeviceRepository, receipts: ExpoReceipts,
                 uow: UnitOfWork, clock: Clock, config: NotificationsConfig) -> None:
        self._deliveries = deliveries
        self._devices = devices
        self._receipts = receipts
        self._uow = uow
        self._clock = clock
        self._config = config

    async def __call__(self) -> int:
        before = self._clock.now() - self._config.receipts_after
        waiting = await self._deliveries.sent_by_expo_before(before, 1000)
        await self._uow.commit()
        if not waiting:
            return 0
        tickets = {ticket: token for d in waiting for ticket, token in d.receipts.items()}
        answers = await self._receipts.check(sorted(tickets))
        gone = sorted({tickets[t] for t, outcome in answers.items()
                       if t in tickets and outcome.kind is DeliveryKind.TOKEN_GONE})
        # Expo keeps a receipt for a day at least: past that, a missing one will never come.
        stale = self._clock.now() - timedelta(days=1)
        checked = [d.id for d in waiting if d.id is not None
                   and (all(t in answers for t in d.receipts) or (d.sent_at is not None and d.sent_at < stale))]
        if gone:
            await self._devices.forget_tokens(gone)
        if checked:
            await self._deliveries.receipts_checked(checked)
        await self._uow.commit()
        return len(gone)


def inbox_channels(kind: Kind) -> Sequence[Channel]:
    return [c for c in (Channel.IN_APP, *_OUTSIDE_INBOX) if c in kind.channels]
