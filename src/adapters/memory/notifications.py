"""Memory adapters of the notifications context: the same contract as the SQL ones, over a MemoryStore; identity's
accounts read from the store's `users`; push and SMS channels that keep what they send and answer what a test
scripted."""

from __future__ import annotations

import itertools
from collections import defaultdict, deque
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from adapters.memory.store import MemoryStore, detached
from application.notifications.channels import PushMessage, PushOutcome, SmsOutcome
from application.notifications.ports import InboxPage, Recipient
from application.shared.ports import SmsMessage
from domain.identity.model import User
from domain.notifications.bulk import BulkSend
from domain.notifications.delivery import Delivery, DeliveryStatus
from domain.notifications.model import Channel, Notification, Preference, PushDevice


class MemoryNotificationRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[int, Notification] = store.table("notifications_inbox")
        self._store = store

    async def add_many(self, notifications: Sequence[Notification]) -> list[Notification]:
        taken = {(n.user_id, n.key) for n in self._rows.values()}
        stored = []
        for notification in notifications:
            if (notification.user_id, notification.key) in taken:
                continue
            taken.add((notification.user_id, notification.key))
            notification.id = self._store.next_id("notifications_inbox")
            self._rows[notification.id] = detached(notification)
            stored.append(notification)
        return stored

    async def of_keys(self, key: str, user_ids: Sequence[int]) -> dict[int, Notification]:
        wanted = set(user_ids)
        return {n.user_id: detached(n) for n in self._rows.values() if n.key == key and n.user_id in wanted}

    async def get(self, user_id: int, notification_id: int) -> Notification | None:
        found = self._rows.get(notification_id)
        return detached(found) if found is not None and found.user_id == user_id else None

    async def page(self, user_id: int, *, is_read: bool | None, offset: int, limit: int) -> InboxPage:
        mine = [n for n in self._rows.values() if n.user_id == user_id]
        unread = sum(1 for n in mine if not n.is_read)
        chosen = [n for n in mine if is_read is None or n.is_read is is_read]
        chosen.sort(key=lambda n: (n.created_at, n.id or 0), reverse=True)
        return InboxPage([detached(n) for n in chosen[offset:offset + limit]], len(chosen), unread)

    async def counts(self, user_id: int) -> tuple[int, int]:
        mine = [n for n in self._rows.values() if n.user_id == user_id]
        return len(mine), sum(1 for n in mine if not n.is_read)

    async def mark_read(self, user_id: int, ids: Sequence[int] | None, now: datetime) -> int:
        wanted = None if ids is None else set(ids)
        changed = 0
        for notification in self._rows.values():
            if notification.user_id == user_id and (wanted is None or notification.id in wanted):
                changed += notification.mark_read(now)
        return changed

    async def delete(self, user_id: int, notification_id: int) -> bool:
        found = self._rows.get(notification_id)
        if found is None or found.user_id != user_id:
            return False
        del self._rows[notification_id]
        return True


class MemoryPreferenceRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[tuple[int, str, Channel], Preference] = store.table("notifications_preferences")

    async def of_user(self, user_id: int) -> list[Preference]:
        found = [p for p in self._rows.values() if p.user_id == user_id]
        return [detached(p) for p in sorted(found, key=lambda p: (p.kind, p.channel.value))]

    async def of_users(self, user_ids: Sequence[int], kind: str) -> dict[tuple[int, Channel], Preference]:
        wanted = set(user_ids)
        return {(p.user_id, p.channel): detached(p) for p in self._rows.values()
                if p.kind == kind and p.user_id in wanted}

    async def put(self, preference: Preference) -> None:
        self._rows[(preference.user_id, preference.kind, preference.channel)] = detached(preference)


class MemoryDeviceRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[int, PushDevice] = store.table("notifications_devices")
        self._store = store

    async def register(self, device: PushDevice) -> PushDevice:
        found = next((d for d in self._rows.values() if d.token == device.token), None)
        if found is None:
            device.id = self._store.next_id("notifications_devices")
            device.active = True
            self._rows[device.id] = detached(device)
            return device
        found.user_id = device.user_id
        found.service = device.service
        found.platform = device.platform
        found.device_name = device.device_name
        found.updated_at = device.updated_at
        found.active = True
        moved: PushDevice = detached(found)
        return moved

    async def of_user(self, user_id: int) -> list[PushDevice]:
        return [detached(d) for d in sorted(self._rows.values(), key=lambda d: d.id or 0)
                if d.user_id == user_id and d.active]

    async def of_users(self, user_ids: Sequence[int]) -> dict[int, list[PushDevice]]:
        wanted = set(user_ids)
        found: dict[int, list[PushDevice]] = defaultdict(list)
        for device in sorted(self._rows.values(), key=lambda d: d.id or 0):
            if device.active and device.user_id in wanted:
                found[device.user_id].append(detached(device))
        return dict(found)

    async def deactivate(self, user_id: int, token: str) -> bool:
        for device in self._rows.values():
            if device.user_id == user_id and device.token == token and device.active:
                device.active = False
                return True
        return False

    async def forget_tokens(self, tokens: Sequence[str]) -> int:
        gone = set(tokens)
        changed = 0
        for device in self._rows.values():
            if device.token in gone and device.active:
                device.active = False
                changed += 1
        return changed


class MemoryDeliveryRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[int, Delivery] = store.table("notifications_deliveries")
        self._store = store

    async def add_many(self, deliveries: Sequence[Delivery]) -> list[Delivery]:
        taken = {d.key for d in self._rows.values()}
        stored = []
        for delivery in deliveries:
            if delivery.key in taken:
                continue
            taken.add(delivery.key)
            delivery.id = self._store.next_id("notifications_deliveries")
            self._rows[delivery.id] = detached(delivery)
            stored.append(delivery)
        return stored

    async def claim_due(self, now: datetime, limit: int) -> list[Delivery]:
        groups: dict[str, list[Delivery]] = defaultdict(list)
        for delivery in self._rows.values():
            if delivery.status is DeliveryStatus.PENDING and delivery.due_at <= now:
                groups[delivery.group_key].append(delivery)
        ordered = sorted(groups.values(), key=lambda g: (min(d.due_at for d in g), g[0].group_key))
        claimed: list[Delivery] = []
        for group in ordered:
            if claimed and len(claimed) + len(group) > limit:
                break
            claimed.extend(sorted(group, key=lambda d: d.id or 0))
        return [detached(d) for d in claimed]

    async def save_many(self, deliveries: Sequence[Delivery]) -> None:
        for delivery in deliveries:
            assert delivery.id is not None, "a delivery is added before it is saved"
            self._rows[delivery.id] = detached(delivery)

    async def sent_by_expo_before(self, before: datetime, limit: int) -> list[Delivery]:
        found = [d for d in self._rows.values() if d.channel is Channel.PUSH and d.status is DeliveryStatus.SENT
                 and d.receipts and not d.receipts_checked and d.sent_at is not None and d.sent_at < before]
        found.sort(key=lambda d: (d.sent_at, d.id or 0))
        return [detached(d) for d in found[:limit]]

    async def receipts_checked(self, ids: Sequence[int]) -> None:
        for delivery_id in ids:
            if delivery_id in self._rows:
                self._rows[delivery_id].receipts_checked = True


class MemoryBulkSendRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._rows: dict[UUID, BulkSend] = store.table("notifications_bulk_sends")

    async def add(self, bulk: BulkSend) -> BulkSend:
        self._rows[bulk.id] = detached(bulk)
        return bulk

    async def get(self, bulk_id: UUID) -> BulkSend | None:
        found = self._rows.get(bulk_id)
        return detached(found) if found is not None else None

    async def advance(self, bulk_id: UUID, recipients: int, now: datetime) -> None:
        found = self._rows.get(bulk_id)
        if found is None:
            return
        found.processed += recipients
        if found.done and found.finished_at is None:
            found.finished_at = now


class MemoryDirectory:
    """Identity's accounts, from the store's `users` table (the memory identity repositories')."""

    def __init__(self, store: MemoryStore) -> None:
        self._users: dict[int, User] = store.table("users")

    async def recipients(self, user_ids: Sequence[int]) -> dict[int, Recipient]:
        found = {}
        for user_id in user_ids:
            user = self._users.get(user_id)
            if user is not None:
                found[user_id] = Recipient(user_id=user_id, realm=user.realm, username=user.username,
                                           first_name=user.first_name, email=user.email or None,
                                           phone=user.phone, active=user.is_active)
        return found


class RecordingPushSender:
    """Keeps every message; answers `sent` unless a test scripted other outcomes (`answer`, in order, one per
    message, then `sent` again). Its receipts answer `sent` unless a ticket was given another outcome."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[PushMessage] = []
        self.scripted: deque[PushOutcome] = deque()
        self.receipts: dict[str, PushOutcome] = {}
        self.receipts_asked: list[str] = []
        self._ids = itertools.count(1)

    def answer(self, *outcomes: PushOutcome) -> None:
        self.scripted.extend(outcomes)

    async def send(self, messages: Sequence[PushMessage]) -> list[PushOutcome]:
        outcomes = []
        for message in messages:
            self.sent.append(message)
            outcomes.append(self.scripted.popleft() if self.scripted
                            else PushOutcome.sent(f"{self.name}-{next(self._ids)}"))
        return outcomes

    async def check(self, ticket_ids: Sequence[str]) -> dict[str, PushOutcome]:
        self.receipts_asked.extend(ticket_ids)
        return {ticket: self.receipts.get(ticket, PushOutcome.sent(ticket)) for ticket in ticket_ids}


class RecordingSmsChannel:
    def __init__(self) -> None:
        self.sent: list[SmsMessage] = []
        self.scripted: deque[SmsOutcome] = deque()
        self._ids = itertools.count(1)

    def answer(self, *outcomes: SmsOutcome) -> None:
        self.scripted.extend(outcomes)

    async def deliver(self, message: SmsMessage, *, sender: str | None = None) -> SmsOutcome:
        self.sent.append(message)
        return self.scripted.popleft() if self.scripted else SmsOutcome.sent(f"sms-{next(self._ids)}")
