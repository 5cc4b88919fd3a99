"""What a notification is, what a recipient chose, and where it can reach them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.shared.realm import Realm


class Channel(StrEnum):
    IN_APP = "IN_APP"
    EMAIL = "EMAIL"
    PUSH = "PUSH"
    SMS = "SMS"


class Frequency(StrEnum):
    IMMEDIATE = "IMMEDIATE"
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    NEVER = "JAMAIS"


class NotificationStatus(StrEnum):
    SENT = "ENVOYE"  # stored in the inbox (the other channels keep their own delivery records)


class Platform(StrEnum):
    ANDROID = "ANDROID"
    IOS = "IOS"
    WEB = "WEB"


class PushService(StrEnum):
    EXPO = "EXPO"
    FCM = "FCM"


@dataclass(frozen=True)
class DigestRule:
    """Bursts of this kind reach a person's push and email as one message after `window`: "5 nouveaux
    commentaires" instead of five. `key` names the data field that separates bursts (a thread, an event)."""

    singular: str  # "nouveau commentaire"
    plural: str  # "nouveaux commentaires"
    window: timedelta = timedelta(minutes=5)
    key: str | None = None

    def title(self, count: int) -> str:
        return f"{count} {self.plural if count > 1 else self.singular}"


@dataclass(frozen=True)
class ChannelText:
    """One channel's wording of a kind, as template sources (the renderer fills them from the data)."""

    title: str
    body: str


@dataclass(frozen=True)
class Kind:
    """A type of notification (`type_notification` on the wire) and its template: the channels it uses by
    default, its wording per channel (IN_APP's wording is the default of the others), whether it is critical
    (it bypasses preferences, digests and quiet hours: security, payment results)."""

    code: str
    template_id: int
    name: str
    texts: dict[Channel, ChannelText]
    channels: frozenset[Channel]
    critical: bool = False
    digest: DigestRule | None = None
    action_link: str | None = None  # template source, e.g. "/events/{{ event_id }}"

    def text(self, channel: Channel) -> ChannelText:
        return self.texts.get(channel) or self.texts[Channel.IN_APP]


@dataclass
class Notification:
    """One entry of a person's inbox. `key` says which happening it tells of: one per person and key."""

    user_id: int
    realm: Realm
    kind: str
    title: str
    message: str
    key: str
    created_at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    action_link: str | None = None
    status: NotificationStatus = NotificationStatus.SENT
    read_at: datetime | None = None
    id: int | None = None

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def mark_read(self, now: datetime) -> bool:
        """True when it was unread."""
        if self.read_at is not None:
            return False
        self.read_at = now
        return True


@dataclass
class Preference:
    user_id: int
    kind: str
    channel: Channel
    active: bool = True
    frequency: Frequency = Frequency.IMMEDIATE

    @property
    def silenced(self) -> bool:
        return not self.active or self.frequency is Frequency.NEVER


@dataclass
class PushDevice:
    """A device token of one account: an Expo push token (the Expo app) or an FCM registration token."""

    user_id: int
    token: str
    service: PushService
    platform: Platform | None
    device_name: str
    created_at: datetime
    updated_at: datetime
    active: bool = True
    id: int | None = None
