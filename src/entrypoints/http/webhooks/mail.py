"""Inbound mail under /webhooks: a citizen's emailed answer, posted by the mail provider (docs/messaging.md)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import Controller, Request, post
from litestar.status_codes import HTTP_200_OK

from application.messaging.config import MessagingConfig
from application.messaging.inbound import EmailReply, ReceiveEmailReply
from domain.shared.errors import InvalidInput, NotFound, Unauthenticated, Unavailable
from entrypoints.http.openapi import may_raise, reads_body
from entrypoints.http.uploads import convert

SIGNATURE = "x-agora-signature"  # "sha256=<hex HMAC-SHA256 of the raw body with the shared secret>"
Short = Annotated[str, msgspec.Meta(min_length=1, max_length=254)]


class InboundMail(msgspec.Struct, forbid_unknown_fields=True):
    message_id: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    sender: Short = msgspec.field(name="from")
    recipient: Short = msgspec.field(name="to")
    text: Annotated[str, msgspec.Meta(max_length=200_000)] = ""


class MailAck(msgspec.Struct):
    status: str
    outcome: str  # "stored", or "duplicate" for a retry of a message taken already


def signed(secret: str, body: bytes, header: str | None) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return header is not None and hmac.compare_digest(expected, header.strip())


class InboundMailWebhook(Controller):
    path = "/mail"
    tags = ("webhooks",)

    @post("/inbound/", status_code=HTTP_200_OK, security=[],
          opt=reads_body(InboundMail) | may_raise(InvalidInput, NotFound, Unauthenticated, Unavailable))
    async def inbound(self, request: Request[Any, Any, Any], config: FromDishka[MessagingConfig],
                      use_case: FromDishka[ReceiveEmailReply]) -> MailAck:
        """Signed with `X-Agora-Signature`; idempotent on `message_id`; threaded by the `conv+<token>@` address."""
        if not config.inbound_secret:
            raise Unavailable("Courrier entrant non configuré")
        body = await request.body()
        if not signed(config.inbound_secret, body, request.headers.get(SIGNATURE)):
            raise Unauthenticated("Signature invalide")
        try:
            decoded = msgspec.json.decode(body)
        except msgspec.DecodeError:
            raise InvalidInput("Un objet JSON est attendu") from None
        if not isinstance(decoded, dict):
            raise InvalidInput("Un objet JSON est attendu")
        mail = convert(decoded, InboundMail)
        stored = await use_case(EmailReply(external_id=mail.message_id, sender=mail.sender,
                                           recipient=mail.recipient, text=mail.text))
        return MailAck(status="ok", outcome="stored" if stored else "duplicate")
