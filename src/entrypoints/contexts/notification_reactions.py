"""What the notifications context is asked to tell people when another context's event happens.

Each reaction turns a domain event into a `notify` request (application/notifications/requests.py); the event's
own identity makes the key, so a redelivered event tells nobody twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from application.notifications.requests import notify
from application.shared.ports import OutboxMessage
from domain.announcements.model import Announcement
from domain.church_events.events import RegistrationPromoted
from domain.identity.events import PasswordChanged, UserRegistered
from domain.messaging.events import StaffReplied
from domain.notifications import kinds
from domain.payments.events import PaymentFailed, PaymentRefunded, PaymentSucceeded
from domain.shared.money import Money
from domain.shared.realm import Realm


def welcome(event: UserRegistered) -> OutboxMessage:
    return notify(kinds.WELCOME.code, [event.user_id], f"welcome:{event.user_id}")


def password_changed(event: PasswordChanged) -> OutboxMessage:
    when = event.changed_at.strftime("%d/%m/%Y à %H:%M UTC")
    return notify(kinds.PASSWORD_CHANGED.code, [event.user_id],
                  f"password:{event.user_id}:{event.changed_at.isoformat()}", {"changed_at": when})


def payment_succeeded(event: PaymentSucceeded) -> OutboxMessage:
    return notify(kinds.PAYMENT_SUCCEEDED.code, [event.payer_id], f"payment:{event.payment_uuid}:succeeded", {
        "payment_uuid": str(event.payment_uuid), "amount": Money(event.amount_minor, event.currency).for_people(),
        "purpose": event.purpose_kind})


def payment_failed(event: PaymentFailed) -> OutboxMessage:
    return notify(kinds.PAYMENT_FAILED.code, [event.payer_id], f"payment:{event.payment_uuid}:{event.status}", {
        "payment_uuid": str(event.payment_uuid), "reason": "" if event.reason == "ANNULE" else event.reason or "",
        "purpose": event.purpose_kind})


def refunded(event: PaymentRefunded) -> OutboxMessage:
    return notify(kinds.REFUND_DECIDED.code, [event.payer_id],
                  f"refund:{event.payment_uuid}:{event.refunded_total_minor}", {
                      "payment_uuid": str(event.payment_uuid), "fully": event.fully,
                      "amount": Money(event.amount_minor, event.currency).for_people()})


def staff_replied(event: StaffReplied) -> OutboxMessage:
    """The town hall answered a citizen (the email goes apart, queued by the reply itself)."""
    return notify(kinds.NEW_MESSAGE.code, [event.citizen_id], f"messaging:message:{event.message_id}", {
        "author": event.author, "conversation_id": event.conversation_id}, realm="mairie")


def church_event_promoted(event: RegistrationPromoted) -> OutboxMessage:
    return notify(kinds.CHURCH_EVENT_PROMOTED.code, [event.user_id],
                  f"church_event:{event.event_id}:promoted:{event.registration_id}",
                  {"event_id": event.event_id, "title": event.title, "start_date": event.start_date}, realm="eebc")


REACTIONS: dict[type, Callable[[Any], OutboxMessage | None]] = {
    UserRegistered: welcome, PasswordChanged: password_changed, PaymentSucceeded: payment_succeeded,
    PaymentFailed: payment_failed, PaymentRefunded: refunded,
    StaffReplied: staff_replied, RegistrationPromoted: church_event_promoted}


class AnnouncementPushes:
    """The announcements context's push job asks through this (application/announcements/ports.PushRequests):
    one `notify` request per batch of a site's member accounts, keyed by the announcement."""

    def announcement(self, announcement: Announcement, user_ids: list[int]) -> OutboxMessage:
        return notify(kinds.ANNOUNCEMENT.code, user_ids, f"announcement:{announcement.id}", {
            "title": announcement.title, "message": announcement.excerpt, "announcement_id": announcement.id},
            realm=Realm.EEBC.value)
