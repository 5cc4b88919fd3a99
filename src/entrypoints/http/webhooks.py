"""Provider webhooks shared by every face, mounted at /webhooks (Stripe serves SpotVibe cards and EEBC gifts)."""

from __future__ import annotations

from typing import Any

from dishka.integrations.litestar import FromDishka
from litestar import Controller, Litestar, Request, post
from litestar.status_codes import HTTP_200_OK

from application.payments.callbacks import HandleCallback
from application.shared.ports import Clock
from domain.payments.model import PaymentMethod
from entrypoints.http.faces.common import build_face
from entrypoints.http.faces.spotvibe.controllers.payments import inbound
from entrypoints.http.faces.spotvibe.errors import POLICY, render
from entrypoints.http.faces.spotvibe.payment_schemas import WebhookAck

PREFIX = "/webhooks"


class StripeWebhook(Controller):
    path = "/stripe"
    tags = ("webhooks",)

    @post("/", status_code=HTTP_200_OK, security=[])
    async def stripe(self, request: Request[Any, Any, Any], use_case: FromDishka[HandleCallback],
                     clock: FromDishka[Clock]) -> WebhookAck:
        """Verified on the raw body with Stripe-Signature; de-duplicated on the event id."""
        result = await use_case(PaymentMethod.CARD, await inbound(request, clock))
        return WebhookAck(status="ok", outcome=result.outcome)


def create_webhooks_app() -> Litestar:
    return build_face(title="Webhooks", prefix=PREFIX, handlers=[StripeWebhook], render=render, policy=POLICY,
                      description="Rappels des prestataires de paiement partagés par toutes les faces.")
