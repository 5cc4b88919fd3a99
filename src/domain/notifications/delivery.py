"""Every attempt to reach a person on a channel other than the inbox, recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from domain.notifications.model import Channel

MAX_ATTEMPTS = 6
_BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1),
            timedelta(hours=4))


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"  # due at `due_at` (now, after quiet hours, at a digest's time, or a retry's)
    SENT = "SENT"  # accepted by the provider (`provider_id`)
    FAILED = "FAILED"  # refused for good, or out of attempts
    SKIPPED = "SKIPPED"  # nowhere to send it (no device, no email, no phone)


@dataclass
class Delivery:
    """One person × channel × happening. `key` is unique: a job that runs twice finds it and sends nothing
    again. Deliveries that share a `group_key` while pending go out as one message (a digest)."""

    key: str
    user_id: int
    channel: Channel
    kind: str
    title: str
    body: str
    due_at: datetime
    created_at: datetime
    group_key: str
    notification_id: int | None = None
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    provider_id: str | None = None
    target: str | None = None  # the token, address or number it last went to
    last_error: str | None = None
    sent_at: datetime | None = None
    # Expo's ticket id -> the token it was sent to, until the receipts are checked.
    receipts: dict[str, str] = field(default_factory=dict)
    receipts_checked: bool = False
    id: int | None = None

    def sent(self, now: datetime, provider_id: str | None, target: str | None) -> None:
        self.status = DeliveryStatus.SENT
        self.attempts += 1
        self.provider_id = provider_id
        self.target = target
        self.sent_at = now
        self.last_error = None

    def failed(self, reason: str) -> None:
        self.status = DeliveryStatus.FAILED
        self.attempts += 1
        self.last_error = reason

    def skipped(self, reason: str) -> None:
        self.status = DeliveryStatus.SKIPPED
        self.last_error = reason

    def retry(self, now: datetime, reason: str, after: float | None = None) -> None:
        """Due again later, with a growing wait (at least what the provider asked); failed once out of attempts."""
        self.attempts += 1
        self.last_error = reason
        if self.attempts >= MAX_ATTEMPTS:
            self.status = DeliveryStatus.FAILED
            return
        wait = _BACKOFF[min(self.attempts - 1, len(_BACKOFF) - 1)]
        if after is not None:
            wait = max(wait, timedelta(seconds=after))
        self.due_at = now + wait
