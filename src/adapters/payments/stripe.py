"""Stripe Checkout on raw httpx (no SDK): Checkout Sessions (one-off payments and subscriptions), refunds, and
webhook events signed with `Stripe-Signature`.

Protocol: /work/shared/providers/protocols.md, section 4. v1 bodies are form-encoded with bracket notation
(`line_items[0][price_data][currency]=xof`); every POST carries an `Idempotency-Key`, so the client's retries
never create a second session or refund.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from adapters.payments.http import ProviderClient, RetryPolicy, check_timestamped_signature, json_body
from application.payments.ports import (
    CallbackNotice,
    ChargeLookup,
    ChargeRequest,
    ChargeStarted,
    ChargeState,
    ChargeStatus,
    InboundCallback,
    RefundOrder,
    RefundOutcome,
)
from domain.payments.errors import GatewayRejected, GatewayUnavailable, InvalidCallback, RefundNotSupported
from domain.payments.model import PaymentMethod
from domain.shared.money import MINOR_UNITS, Money

log = logging.getLogger("agora.payments")

# The version stripe-python 15.3.1 pins; event and object shapes follow the version the account or request uses.
STRIPE_API_VERSION = "2026-06-24.dahlia"
# Stripe's zero-decimal currencies (stripe.com/docs/currencies): their amounts are whole units, others cents.
ZERO_DECIMAL = frozenset({"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
                          "XAF", "XOF", "XPF"})

SESSION_EVENTS = frozenset({
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
})
PAID = frozenset({"paid", "no_payment_required"})
FAILED_INTENT = frozenset({"requires_payment_method", "canceled"})  # an async payment that did not go through
REFUND_STATES = {
    "succeeded": ChargeState.SUCCEEDED,
    "pending": ChargeState.PENDING,
    "requires_action": ChargeState.PENDING,
    "failed": ChargeState.FAILED,
    "canceled": ChargeState.FAILED,
}


@dataclass(frozen=True)
class StripeSettings:
    secret_key: str = ""  # sk_live_… / sk_test_…
    webhook_secret: str = ""  # whsec_… of the webhook endpoint
    base_url: str = "https://api.stripe.com"
    api_version: str = STRIPE_API_VERSION
    success_url: str = ""  # used when the request has no return URL; may contain {CHECKOUT_SESSION_ID}
    cancel_url: str = ""  # used when the request has none
    timeout_seconds: float = 10.0
    retry_attempts: int = 3
    retry_backoff_seconds: float = 0.2
    webhook_tolerance_seconds: int = 300  # stripe-python's DEFAULT_TOLERANCE

    @property
    def configured(self) -> bool:
        return bool(self.secret_key and self.webhook_secret)

    @property
    def policy(self) -> RetryPolicy:
        return RetryPolicy(self.retry_attempts, self.retry_backoff_seconds, self.timeout_seconds)


def encode_form(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Stripe's v1 form encoding: nested mappings as `a[b][c]`, lists as `a[0][b]`, booleans as `true`/`false`;
    None is left out."""
    pairs: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, Mapping):
            for key, item in value.items():
                walk(f"{prefix}[{key}]" if prefix else str(key), item)
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                walk(f"{prefix}[{index}]", item)
        elif isinstance(value, bool):
            pairs.append((prefix, "true" if value else "false"))
        else:
            pairs.append((prefix, str(value)))

    walk("", params)
    return pairs


def stripe_amount(amount: Money) -> int:
    """Money's minor units are Stripe's as long as both agree on the currency's decimals (XOF 0, EUR 2)."""
    stripe_exponent = 0 if amount.currency in ZERO_DECIMAL else 2
    if MINOR_UNITS[amount.currency] != stripe_exponent:
        raise GatewayRejected(f"Devise non prise en charge par Stripe : {amount.currency}")
    return amount.minor


def _id(value: Any) -> str | None:
    """An id field, whether Stripe sent the id or the expanded object."""
    if isinstance(value, Mapping):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


class StripeGateway:
    method = PaymentMethod.CARD
    name = "stripe"

    def __init__(self, settings: StripeSettings, client: ProviderClient | None = None) -> None:
        self.settings = settings
        self._client = client or ProviderClient(self.name, settings.base_url, settings.policy)

    @property
    def configured(self) -> bool:
        return self.settings.configured

    async def aclose(self) -> None:
        await self._client.aclose()

    # ------------------------------------------------------------ charges

    async def start_charge(self, request: ChargeRequest) -> ChargeStarted:
        metadata = {**request.metadata, "reference": str(request.reference), "order_id": request.order_id}
        price_data: dict[str, Any] = {
            "currency": request.amount.currency.lower(),
            "unit_amount": stripe_amount(request.amount),
            "product_data": {"name": request.description},
        }
        params: dict[str, Any] = {
            "mode": "subscription" if request.recurring else "payment",
            "line_items": [{"price_data": price_data, "quantity": 1}],
            "client_reference_id": request.order_id,
            "customer_email": request.payer_email,
            "success_url": request.return_url or self.settings.success_url or None,
            "cancel_url": request.cancel_url or self.settings.cancel_url or None,
            "metadata": metadata,
        }
        if request.recurring:
            price_data["recurring"] = {"interval": request.recurring.value}
            params["subscription_data"] = {"metadata": metadata}
        else:  # Stripe refuses payment_intent_data in subscription mode
            params["payment_intent_data"] = {"metadata": metadata}
        response = await self._post("/v1/checkout/sessions", params, idempotency_key=str(request.reference))
        session = self._answer(response, "création de la session")
        session_id, url = _id(session), session.get("url")
        if not session_id or not isinstance(url, str):
            raise GatewayUnavailable("Stripe : réponse de session illisible")
        log.info("stripe checkout session %s for order %s", session_id, request.order_id)
        return ChargeStarted(provider_reference=session_id, redirect_url=url)

    async def fetch_charge(self, lookup: ChargeLookup) -> ChargeStatus | None:
        response = await self._get(f"/v1/checkout/sessions/{quote(lookup.provider_reference, safe='')}",
                                   params={"expand[]": "payment_intent"})
        if response.status_code == 404:
            return None
        return self._status(self._answer(response, "lecture de la session"))

    def _status(self, session: Mapping[str, Any]) -> ChargeStatus:
        status, payment_status = str(session.get("status")), str(session.get("payment_status"))
        intent = session.get("payment_intent")
        intent_status = intent.get("status") if isinstance(intent, Mapping) else None
        reason: str | None = None
        if payment_status == "paid" or (payment_status in PAID and status == "complete"):
            state = ChargeState.SUCCEEDED
        elif status == "expired":
            state, reason = ChargeState.FAILED, "Session de paiement expirée"
        elif status == "complete" and intent_status in FAILED_INTENT:
            state = ChargeState.FAILED
            error = intent.get("last_payment_error") if isinstance(intent, Mapping) else None
            reason = (error or {}).get("message") or f"Paiement refusé ({intent_status})"
        else:
            state = ChargeState.PENDING
        provider_status = f"{status}/{payment_status}" + (f"/{intent_status}" if intent_status else "")
        return ChargeStatus(
            state=state,
            provider_status=provider_status,
            transaction_id=_id(intent) or _id(session.get("subscription")),
            reason=reason,
            amount=self._money(session.get("amount_total"), session.get("currency")),
        )

    @staticmethod
    def _money(minor: Any, currency: Any) -> Money | None:
        if not isinstance(minor, int) or not isinstance(currency, str) or currency.upper() not in MINOR_UNITS:
            return None
        code = currency.upper()
        if MINOR_UNITS[code] != (0 if code in ZERO_DECIMAL else 2):
            return None
        return Money(minor, code)

    # ------------------------------------------------------------ refunds

    async def refund(self, order: RefundOrder) -> RefundOutcome:
        if order.amount.currency != order.charge.amount.currency:
            raise GatewayRejected("Un remboursement Stripe se fait dans la devise du paiement")
        intent = order.transaction_id if (order.transaction_id or "").startswith("pi_") else None
        if intent is None:
            intent = await self._intent_of(order.charge.provider_reference)
        params = {
            "payment_intent": intent,
            "amount": stripe_amount(order.amount),
            "metadata": {"reference": str(order.reference), "order_id": order.charge.order_id,
                         "note": order.note[:500] or None},
        }
        response = await self._post("/v1/refunds", params, idempotency_key=str(order.reference))
        refund = self._answer(response, "remboursement")
        refund_id = _id(refund)
        if not refund_id:
            raise GatewayUnavailable("Stripe : réponse de remboursement illisible")
        log.info("stripe refund %s (%s) on %s", refund_id, refund.get("status"), intent)
        return RefundOutcome(provider_reference=refund_id, state=self._refund_state(refund))

    async def _intent_of(self, session_id: str) -> str:
        """The PaymentIntent of a one-off session; subscriptions are refunded from Stripe's dashboard."""
        response = await self._get(f"/v1/checkout/sessions/{quote(session_id, safe='')}")
        if response.status_code == 404:
            raise GatewayRejected("Stripe ne connaît pas cette session de paiement")
        session = self._answer(response, "lecture de la session")
        intent = _id(session.get("payment_intent"))
        if session.get("mode") == "subscription":
            raise RefundNotSupported("Abonnement Stripe : remboursez depuis le tableau de bord Stripe")
        if intent is None:
            raise GatewayRejected("Stripe : aucun paiement à rembourser sur cette session")
        return intent

    async def fetch_refund(self, provider_reference: str) -> ChargeState:
        response = await self._get(f"/v1/refunds/{quote(provider_reference, safe='')}")
        if response.status_code == 404:
            raise GatewayRejected(f"Remboursement Stripe inconnu : {provider_reference}")
        return self._refund_state(self._answer(response, "lecture du remboursement"))

    @staticmethod
    def _refund_state(refund: Mapping[str, Any]) -> ChargeState:
        return REFUND_STATES.get(str(refund.get("status")), ChargeState.PENDING)

    # ------------------------------------------------------------ webhooks

    def read_callback(self, callback: InboundCallback) -> CallbackNotice:
        check_timestamped_signature(callback.headers.get("stripe-signature"), callback.body,
                                    self.settings.webhook_secret, scheme="v1",
                                    tolerance_seconds=self.settings.webhook_tolerance_seconds,
                                    now=callback.received_at.timestamp())
        try:
            event = json.loads(callback.body)
        except ValueError as error:
            raise InvalidCallback("Événement Stripe illisible") from error
        data = event.get("data") if isinstance(event, dict) else None
        obj = data.get("object") if isinstance(data, dict) else None
        event_id, kind = (event.get("id"), event.get("type")) if isinstance(event, dict) else (None, None)
        if not isinstance(event_id, str) or not isinstance(kind, str) or not isinstance(obj, dict):
            raise InvalidCallback("Événement Stripe illisible")
        metadata = self._metadata(obj)
        order_id = obj.get("client_reference_id") or metadata.get("order_id")
        claimed: ChargeState | None = None
        if kind in SESSION_EVENTS:
            reference = _id(obj)
            claimed = self._claimed(kind, str(obj.get("payment_status")))
        else:
            reference = self._subscription_of(obj) or _id(obj.get("checkout_session")) or _id(obj)
        return CallbackNotice(
            provider_reference=reference,
            order_id=order_id if isinstance(order_id, str) else None,
            delivery_id=event_id,
            claimed_state=claimed,
            signed=True,
            kind=kind,
        )

    @staticmethod
    def _claimed(kind: str, payment_status: str) -> ChargeState:
        if kind == "checkout.session.async_payment_succeeded":
            return ChargeState.SUCCEEDED
        if kind in {"checkout.session.async_payment_failed", "checkout.session.expired"}:
            return ChargeState.FAILED
        # completed: paid now, or "unpaid" while an asynchronous method (SEPA debit...) is processing
        return ChargeState.SUCCEEDED if payment_status in PAID else ChargeState.PENDING

    @staticmethod
    def _subscription_of(obj: Mapping[str, Any]) -> str | None:
        """The subscription an object belongs to: a Subscription itself, or an Invoice (older versions put it at
        `subscription`, newer ones under `parent.subscription_details`)."""
        if obj.get("object") == "subscription":
            return _id(obj)
        parent = obj.get("parent")
        details = parent.get("subscription_details") if isinstance(parent, Mapping) else None
        if isinstance(details, Mapping) and _id(details.get("subscription")):
            return _id(details.get("subscription"))
        return _id(obj.get("subscription"))

    @staticmethod
    def _metadata(obj: Mapping[str, Any]) -> dict[str, Any]:
        """Our metadata on the object, or on the subscription an invoice carries (both API shapes)."""
        parent = obj.get("parent")
        holders = [obj.get("subscription_details"), parent.get("subscription_details")
                   if isinstance(parent, Mapping) else None]
        sources = [holder.get("metadata") for holder in holders if isinstance(holder, Mapping)]
        found: dict[str, Any] = {}
        for source in [*sources, obj.get("metadata")]:
            if isinstance(source, Mapping):
                found.update(source)
        return found

    # ------------------------------------------------------------ plumbing

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.settings.secret_key}", "Stripe-Version": self.settings.api_version}

    async def _post(self, path: str, params: Mapping[str, Any], *, idempotency_key: str) -> httpx.Response:
        headers = {**self._headers(), "Idempotency-Key": idempotency_key,
                   "Content-Type": "application/x-www-form-urlencoded"}
        return await self._client.request("POST", path, headers=headers, content=urlencode(encode_form(params)))

    async def _get(self, path: str, params: Mapping[str, str] | None = None) -> httpx.Response:
        return await self._client.request("GET", path, headers=self._headers(), params=params)

    def _answer(self, response: httpx.Response, action: str) -> dict[str, Any]:
        """The body of a 2xx answer; otherwise the error Stripe's status and error type stand for."""
        body = json_body(response)
        if response.is_success:
            return body
        error: dict[str, Any] = body["error"] if isinstance(body.get("error"), dict) else {}
        kind, code = error.get("type"), error.get("code")
        message = error.get("message") or f"HTTP {response.status_code}"
        status = response.status_code
        if kind == "idempotency_error":
            raise GatewayRejected(f"Stripe ({action}) : {message}")
        if status in {401, 403}:
            log.error("stripe %s: our credentials were refused (HTTP %d, %s %s)", action, status, kind, code)
            raise GatewayUnavailable("Stripe refuse nos identifiants")
        if status in {400, 402, 404}:
            log.warning("stripe %s refused: HTTP %d %s %s %s", action, status, kind, code, error.get("param"))
            raise GatewayRejected(f"Stripe a refusé la demande ({action}) : {message}")
        log.warning("stripe %s: HTTP %d %s %s", action, status, kind, code)
        raise GatewayUnavailable(f"Stripe indisponible ({action}) : HTTP {status}")
