"""Queueing an email: the use case records it in its outbox; a job sends it."""

from __future__ import annotations

from typing import Any

from application.shared.ports import EmailMessage, EmailSender, Outbox, OutboxMessage, SmsMessage, SmsSender

SEND_EMAIL = "notify_send_email"
SEND_SMS = "notify_send_sms"


def queue_email(outbox: Outbox, message: EmailMessage, *, key: str) -> None:
    payload: dict[str, object] = {"to": message.to, "subject": message.subject, "text": message.text,
                                  "html": message.html}
    if message.headers:  # e.g. Reply-To
        payload["headers"] = dict(message.headers)
    outbox.add(OutboxMessage(topic=SEND_EMAIL, payload=payload, key=key))


def queue_sms(outbox: Outbox, message: SmsMessage, *, key: str) -> None:
    outbox.add(OutboxMessage(topic=SEND_SMS, payload={"to": message.to, "text": message.text}, key=key))


class SendEmail:
    """The job: sends one queued email."""

    def __init__(self, sender: EmailSender) -> None:
        self._sender = sender

    async def __call__(self, payload: dict[str, Any]) -> None:
        html = payload.get("html")
        await self._sender.send(
            EmailMessage(
                to=str(payload["to"]),
                subject=str(payload["subject"]),
                text=str(payload["text"]),
                html=None if html is None else str(html),
                headers={str(k): str(v) for k, v in (payload.get("headers") or {}).items()},
            )
        )


class SendSms:
    def __init__(self, sender: SmsSender) -> None:
        self._sender = sender

    async def __call__(self, payload: dict[str, str]) -> None:
        await self._sender.send(SmsMessage(to=payload["to"], text=payload["text"]))
