"""Payment callbacks shared by every face, under /webhooks: Stripe's events and the payer's return pages."""

from __future__ import annotations

from typing import Any

import msgspec
from dishka.integrations.litestar import FromDishka
from litestar import Controller, MediaType, Request, get, post
from litestar.status_codes import HTTP_200_OK

from application.payments.callbacks import HandleCallback
from application.shared.ports import Clock
from domain.payments.model import PaymentMethod
from domain.shared.errors import InvalidInput, Unavailable
from entrypoints.http.inbound import inbound
from entrypoints.http.openapi import may_raise


class WebhookAck(msgspec.Struct):
    status: str
    outcome: str


STRIPE_WEBHOOK = "/stripe/"  # under /webhooks


class StripeWebhook(Controller):
    path = STRIPE_WEBHOOK.rstrip("/")
    tags = ("webhooks",)

    @post("/", status_code=HTTP_200_OK, security=[], opt=may_raise(InvalidInput, Unavailable))
    async def stripe(self, request: Request[Any, Any, Any], use_case: FromDishka[HandleCallback],
                     clock: FromDishka[Clock]) -> WebhookAck:
        """Verified on the raw body with Stripe-Signature; de-duplicated on the event id."""
        result = await use_case(PaymentMethod.CARD, await inbound(request, clock))
        return WebhookAck(status="ok", outcome=result.outcome)


RETURN_PAGE = """<!doctype html><html lang="fr"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>SpotVibe</title>
<body style="font-family:sans-serif;text-align:center;padding:3em 1em"><h1>{title}</h1>
<p>Vous pouvez revenir dans l'application : le statut du paiement s'y mettra à jour.</p></body></html>"""


class PaymentReturnPages(Controller):
    """Where Orange, FedaPay and Stripe send the payer's browser back when the app gives no URL of its own.
    The page decides nothing: the payment's status comes from the provider, never from this visit."""

    path = "/payments"
    tags = ("webhooks",)

    @get("/return/", media_type=MediaType.HTML, security=[], include_in_schema=False)
    async def returned(self) -> str:
        return RETURN_PAGE.format(title="Paiement transmis")

    @get("/cancel/", media_type=MediaType.HTML, security=[], include_in_schema=False)
    async def cancelled(self) -> str:
        return RETURN_PAGE.format(title="Paiement interrompu")

