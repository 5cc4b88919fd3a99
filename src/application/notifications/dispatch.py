"""Sending deliveries through their channels and recording what each provider answered.

Pending deliveries that share a group go out as one message (a digest). A push goes to every active device of
the person: sent when one device took it; a token the provider says is gone is deactivated; when no device took
it and one may later, it is retried with backoff."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from application.notifications.channels import (
    DeliveryKind,
    PushChannels,
    PushMessage,
    PushOutcome,
    SmsChannel,
    is_expo_token,
)
from application.notifications.ports import DeviceRepository, Directory, Recipient
from application.shared.ports import EmailMessage, EmailSender, SmsMessage
from domain.notifications.delivery import Delivery
from domain.notifications.kinds import BY_CODE
from domain.notifications.model import Channel, PushDevice, PushService

log = logging.getLogger("agora.notifications")


@dataclass(frozen=True)
class Message:
    """What one group of deliveries says."""

    title: str
    body: str


def digest(group: Sequence[Delivery]) -> Message:
    newest = max(group, key=lambda d: (d.created_at, d.id or 0))
    if len(group) == 1:
        return Message(newest.title, newest.body)
    kinds = {d.kind for d in group}
    rule = BY_CODE[newest.kind].digest if len(kinds) == 1 and newest.kind in BY_CODE else None
    title = rule.title(len(group)) if rule is not None else f"{len(group)} nouvelles notifications"
    return Message(title, f"{newest.title} — {newest.body}")


class Dispatcher:
    def __init__(self, push: PushChannels, sms: SmsChannel, email: EmailSender, devices: DeviceRepository,
                 directory: Directory) -> None:
        self._push = push
        self._sms = sms
        self._email = email
        self._devices = devices
        self._directory = directory

    async def send(self, deliveries: Sequence[Delivery], now: datetime,
                   recipients: Mapping[int, Recipient] | None = None) -> list[str]:
        """Sends the deliveries (updating them in place) and returns the push tokens found gone; `recipients`, when
        the caller has just read them, saves reading them again.
        Makes no storage write: the caller saves the deliveries and forgets the tokens in its own transaction."""
        groups: dict[str, list[Delivery]] = defaultdict(list)
        for delivery in deliveries:
            groups[delivery.group_key].append(delivery)
        user_ids = sorted({d.user_id for d in deliveries})
        if recipients is None or not all(u in recipients for u in user_ids):
            recipients = await self._directory.recipients(user_ids)
        push_groups = [g for g in groups.values() if g[0].channel is Channel.PUSH]
        for group in [g for g in push_groups if not _reachable(recipients.get(g[0].user_id))]:
            _all(group, lambda d: d.skipped("compte introuvable ou désactivé"))
        push_groups = [g for g in push_groups if _reachable(recipients.get(g[0].user_id))]
        devices = await self._devices.of_users(sorted({g[0].user_id for g in push_groups})) if push_groups else {}
        gone = await self._send_push(push_groups, devices, now)
        for group in groups.values():
            channel = group[0].channel
            recipient = recipients.get(group[0].user_id)
            if channel is Channel.PUSH:
                continue
            if recipient is None or not recipient.active:
                _all(group, lambda d: d.skipped("compte introuvable ou désactivé"))
            elif channel is Channel.EMAIL:
                await self._send_email(group, recipient, now)
            elif channel is Channel.SMS:
                await self._send_sms(group, recipient, now)
            else:
                for delivery in group:
                    delivery.skipped(f"canal {channel} sans envoi")
        return gone

    async def _send_email(self, group: list[Delivery], recipient: Recipient, now: datetime) -> None:
        if not recipient.email:
            _all(group, lambda d: d.skipped("aucune adresse e-mail"))
            return
        message = digest(group)
        try:
            await self._email.send(EmailMessage(to=recipient.email, subject=message.title, text=message.body))
        except Exception as exc:  # an SMTP outage or refusal: the delivery is retried with backoff
            log.warning("email to user %s not sent: %s", recipient.user_id, exc)
            reason = f"email: {type(exc).__name__}"
            _all(group, lambda d: d.retry(now, reason))
            return
        _all(group, lambda d: d.sent(now, None, recipient.email))

    async def _send_sms(self, group: list[Delivery], recipient: Recipient, now: datetime) -> None:
        if not recipient.phone:
            _all(group, lambda d: d.skipped("aucun numéro de téléphone"))
            return
        message = digest(group)
        outcome = await self._sms.deliver(SmsMessage(recipient.phone, f"{message.title} : {message.body}"))
        _record(group, outcome, now, recipient.phone)

    async def _send_push(self, groups: list[list[Delivery]], devices: dict[int, list[PushDevice]],
                         now: datetime) -> list[str]:
        by_service: dict[PushService, list[tuple[list[Delivery], PushMessage]]] = defaultdict(list)
        for group in groups:
            owned = devices.get(group[0].user_id, [])
            if not owned:
                _all(group, lambda d: d.skipped("aucun appareil enregistré"))
                continue
            message = digest(group)
            data = {"kind": group[0].kind}
            for device in owned:
                push = PushMessage(token=device.token, title=message.title, body=message.body, data=data,
                                   sound="default", thread_id=group[0].kind)
                by_service[device.service].append((group, push))
        answers: dict[int, list[tuple[str, PushOutcome]]] = defaultdict(list)
        gone: list[str] = []
        for service, pairs in by_service.items():
            sender = self._push.expo if service is PushService.EXPO else self._push.fcm
            outcomes = await sender.send([push for _, push in pairs])
            for (group, push), outcome in zip(pairs, outcomes, strict=True):
                answers[id(group)].append((push.token, outcome))
                if outcome.kind is DeliveryKind.TOKEN_GONE:
                    gone.append(push.token)
        for group in groups:
            if id(group) in answers:
                _record_push(group, answers[id(group)], now)
        return gone


def _reachable(recipient: Recipient | None) -> bool:
    return recipient is not None and recipient.active


def _all(group: list[Delivery], change: Callable[[Delivery], None]) -> None:
    for delivery in group:
        change(delivery)


def _record(group: list[Delivery], outcome: PushOutcome, now: datetime, target: str) -> None:
    for delivery in group:
        if outcome.kind is DeliveryKind.SENT:
            delivery.sent(now, outcome.provider_id, target)
        elif outcome.kind is DeliveryKind.RETRY:
            delivery.retry(now, outcome.reason, outcome.retry_after)
        else:
            delivery.failed(outcome.reason or outcome.kind.value)


def _record_push(group: list[Delivery], answers: list[tuple[str, PushOutcome]], now: datetime) -> None:
    accepted = [(token, o) for token, o in answers if o.kind is DeliveryKind.SENT]
    if accepted:
        # Expo answers a ticket per device; its receipt (checked later) may still say the token is gone. FCM has
        # no receipts: its message ids are not Expo's to check.
        receipts = {o.provider_id: token for token, o in accepted if o.provider_id and is_expo_token(token)}
        for delivery in group:
            delivery.sent(now, accepted[0][1].provider_id, accepted[0][0])
            delivery.receipts = dict(receipts)
        return
    retries = [o for _, o in answers if o.kind is DeliveryKind.RETRY]
    if retries:
        after = max((o.retry_after or 0.0) for o in retries)
        _all(group, lambda d: d.retry(now, retries[0].reason, after))
    else:
        reasons = "; ".join(sorted({o.reason or o.kind.value for _, o in answers}))
        _all(group, lambda d: d.failed(reasons))
