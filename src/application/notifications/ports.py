"""What the notifications context needs from storage and from the rest of the platform."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.notifications.bulk import BulkSend
from domain.notifications.delivery import Delivery
from domain.notifications.model import Channel, Notification, Preference, PushDevice
from domain.shared.realm import Realm


@dataclass(frozen=True)
class InboxPage:
    items: list[Notification]
    total: int  # with the filter
    unread: int  # of the whole inbox


class NotificationRepository(Protocol):
    async def add_many(self, notifications: Sequence[Notification]) -> list[Notification]:
        """Stores the new ones, giving them ids, and returns them; one already stored for its person and key
        is left as it is and not returned."""
        ...

    async def of_keys(self, key: str, user_ids: Sequence[int]) -> dict[int, Notification]:
        """The notifications already stored for `key`, by person."""
        ...

    async def get(self, user_id: int, notification_id: int) -> Notification | None:
        """The notification if it is this person's."""
        ...

    async def page(self, user_id: int, *, is_read: bool | None, offset: int, limit: int) -> InboxPage:
        """Newest first."""
        ...

    async def counts(self, user_id: int) -> tuple[int, int]:
        """(total, unread) of the person's inbox."""
        ...

    async def mark_read(self, user_id: int, ids: Sequence[int] | None, now: datetime) -> int:
        """Marks the person's unread notifications among `ids` (all of them when None) read; how many changed."""
        ...

    async def delete(self, user_id: int, notification_id: int) -> bool: ...


class PreferenceRepository(Protocol):
    async def of_user(self, user_id: int) -> list[Preference]: ...

    async def of_users(self, user_ids: Sequence[int], kind: str) -> dict[tuple[int, Channel], Preference]: ...

    async def put(self, preference: Preference) -> None:
        """Stores the person's choice for its kind and channel, replacing the previous one."""
        ...


class DeviceRepository(Protocol):
    async def register(self, device: PushDevice) -> PushDevice:
        """Active for its account from now on; a token registered before (by anyone) is moved to this account,
        renamed and reactivated: one row per token."""
        ...

    async def of_user(self, user_id: int) -> list[PushDevice]:
        """The account's active devices."""
        ...

    async def of_users(self, user_ids: Sequence[int]) -> dict[int, list[PushDevice]]:
        """The active devices of each account that has one."""
        ...

    async def deactivate(self, user_id: int, token: str) -> bool:
        """False when the account has no active device with this token."""
        ...

    async def forget_tokens(self, tokens: Sequence[str]) -> int:
        """Deactivates these tokens whoever they belong to (the provider said they will never work again)."""
        ...


class DeliveryRepository(Protocol):
    async def add_many(self, deliveries: Sequence[Delivery]) -> list[Delivery]:
        """Stores the new ones and returns them; one whose key is already stored is not returned."""
        ...

    async def claim_due(self, now: datetime, limit: int) -> list[Delivery]:
        """Pending deliveries due by `now`, whole groups at a time, held against other workers until the
        transaction ends (others skip them)."""
        ...

    async def save_many(self, deliveries: Sequence[Delivery]) -> None: ...

    async def sent_by_expo_before(self, before: datetime, limit: int) -> list[Delivery]:
        """Push deliveries Expo accepted before `before` whose receipt was not checked yet."""
        ...

    async def receipts_checked(self, ids: Sequence[int]) -> None: ...


class BulkSendRepository(Protocol):
    async def add(self, bulk: BulkSend) -> BulkSend: ...

    async def get(self, bulk_id: UUID) -> BulkSend | None: ...

    async def advance(self, bulk_id: UUID, recipients: int, now: datetime) -> None:
        """Adds a finished batch's recipients to the send's progress, in one statement."""
        ...


@dataclass(frozen=True)
class Recipient:
    user_id: int
    realm: Realm
    username: str
    first_name: str
    email: str | None
    phone: str | None
    active: bool = True


class Directory(Protocol):
    """Identity's accounts as notifications needs them: who they are and how to reach them."""

    async def recipients(self, user_ids: Sequence[int]) -> dict[int, Recipient]:
        """The existing accounts among `user_ids`."""
        ...


class LiveFeed(Protocol):
    """Tells the open streams of each person that their inbox changed, once the transaction commits (so that
    every API process hears it)."""

    async def announce(self, notifications: Sequence[Notification]) -> None: ...


class TemplateRenderer(Protocol):
    def render(self, source: str, data: Mapping[str, Any]) -> str:
        """Fills a template source with `data`. A missing value renders empty; never raises for the data."""
        ...
