"""The delivery channels the notifications context sends through: push (FCM, Expo) and SMS.

Every send answers one `Delivery` per message, in the order given: the caller records it and acts on its kind
(docs/push-and-sms.md)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from application.shared.ports import SmsMessage

EXPO_TOKEN = re.compile(r"^Expo(nent)?PushToken\[.+\]$")


def is_expo_token(token: str) -> bool:
    """Expo's token format; any other token is taken for an FCM registration token."""
    return EXPO_TOKEN.match(token) is not None


class Priority(StrEnum):
    NORMAL = "normal"
    HIGH = "high"


@dataclass(frozen=True)
class PushMessage:
    token: str
    title: str
    body: str
    data: Mapping[str, str] = field(default_factory=dict)
    badge: int | None = None
    sound: str | None = None  # "default" plays the device's sound; None is silent
    priority: Priority = Priority.HIGH
    ttl_seconds: int | None = None  # None: the provider's default (FCM four weeks, Expo up to a month)
    collapse_key: str | None = None  # FCM only: a newer message with the same key replaces an undelivered one
    thread_id: str | None = None  # FCM only (APNs thread-id): groups notifications on iOS


class DeliveryKind(StrEnum):
    SENT = "sent"  # accepted by the provider: `provider_id` is its message id (or Expo's ticket id)
    TOKEN_GONE = "token_gone"  # the token (or phone number) will never work again: delete it
    RETRY = "retry"  # not sent now (rate limit, outage, time-out): try again after `retry_after` seconds
    REJECTED = "rejected"  # never retry as is: payload invalid or too big, credentials misconfigured


@dataclass(frozen=True)
class Delivery:
    kind: DeliveryKind
    provider_id: str | None = None
    retry_after: float | None = None
    reason: str = ""

    @classmethod
    def sent(cls, provider_id: str) -> Delivery:
        return cls(DeliveryKind.SENT, provider_id=provider_id)

    @classmethod
    def token_gone(cls, reason: str) -> Delivery:
        return cls(DeliveryKind.TOKEN_GONE, reason=reason)

    @classmethod
    def retry(cls, reason: str, retry_after: float) -> Delivery:
        return cls(DeliveryKind.RETRY, retry_after=retry_after, reason=reason)

    @classmethod
    def rejected(cls, reason: str) -> Delivery:
        return cls(DeliveryKind.REJECTED, reason=reason)


PushOutcome = Delivery
SmsOutcome = Delivery


class PushSender(Protocol):
    async def send(self, messages: Sequence[PushMessage]) -> list[PushOutcome]:
        """One outcome per message, in the same order. Never raises for a provider's answer or an outage."""
        ...


class ExpoReceipts(Protocol):
    async def check(self, ticket_ids: Sequence[str]) -> dict[str, PushOutcome]:
        """The receipt of each ticket Expo has one for; a missing id is not ready yet (ask again later).
        `sent` means delivered to Apple or Google; `token_gone` means delete the token the ticket was sent to."""
        ...


@dataclass(frozen=True)
class PushChannels:
    """The two push providers; a token is routed by its format (Expo's, or FCM's)."""

    fcm: PushSender
    expo: PushSender
    expo_receipts: ExpoReceipts

    def sender_for(self, token: str) -> PushSender:
        return self.expo if is_expo_token(token) else self.fcm


class SmsChannel(Protocol):
    async def deliver(self, message: SmsMessage, *, sender: str | None = None) -> SmsOutcome:
        """Sends one SMS from `sender` (a number or an alphanumeric sender id; None: the configured one).
        `token_gone` means the number cannot receive SMS from us (invalid, not a mobile, unsubscribed)."""
        ...
