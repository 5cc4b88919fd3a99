"""Orange Money WebPay: OAuth 2-legged token, `webpayment` (the payer is redirected to Orange's page),
`transactionstatus`, and the unsigned notification to `notif_url`. Orange WebPay has no refund API.

Protocol: /work/shared/providers/protocols.md, section 2 (the WebPay part).
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from adapters.payments.http import ProviderClient, RetryPolicy, json_body
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

SANDBOX_COUNTRY_PATH = "dev"
SANDBOX_CURRENCY = "OUV"
MAX_ORDER_ID_LENGTH = 30
MAX_URL_LENGTH = 120
EXPIRED_TOKEN_CODE = 42  # 401 {"code":42,"message":"Expired credentials",...} (Orange API gateway)

STATES = {
    "INITIATED": ChargeState.PENDING,
    "PENDING": ChargeState.PENDING,
    "SUCCESS": ChargeState.SUCCEEDED,
    "FAILED": ChargeState.FAILED,
    "EXPIRED": ChargeState.FAILED,
}
NOTIFIED_STATES = {"SUCCESS": ChargeState.SUCCEEDED, "FAILED": ChargeState.FAILED}


@dataclass(frozen=True)
class OrangeSettings:
    client_id: str = ""
    client_secret: str = ""
    merchant_key: str = ""
    token_url: str = "https://api.orange.com/oauth/v3/token"
    api_base_url: str = "https://api.orange.com"
    # "dev" in the sandbox; the live path is the country code ("ci", "cm", "sn"...): that list is UNVERIFIED.
    country_path: str = SANDBOX_COUNTRY_PATH
    currency: str = SANDBOX_CURRENCY  # "OUV" in dev, the local currency (e.g. "XOF") live
    merchant_name: str = "SpotVibe"  # sent as `reference`
    lang: str = "fr"
    return_url: str = ""  # used when the request has none
    cancel_url: str = ""  # used when the request has none (falls back to the return URL)
    timeout_seconds: float = 10.0
    retry_attempts: int = 3
    retry_backoff_seconds: float = 0.2
    token_margin_seconds: float = 60.0  # a token is renewed this long before it expires

    @property
    def configured(self) -> bool:
        return bool(self.client_id and self.client_secret and self.merchant_key)

    @property
    def sandbox(self) -> bool:
        return self.country_path == SANDBOX_COUNTRY_PATH

    def path(self, resource: str) -> str:
        return f"/orange-money-webpay/{self.country_path}/v1/{resource}"


def major_units(amount: Money) -> int:
    """WebPay's amount: an integer in major units ("1200" XOF is 1200). A fractional major part is refused."""
    value = Decimal(amount.minor).scaleb(-MINOR_UNITS[amount.currency])
    if value != value.to_integral_value():
        raise GatewayRejected(f"Orange Money n'accepte que des montants entiers ({value} {amount.currency})")
    return int(value)


def provider_message(response: httpx.Response) -> str:
    """The error text of Orange's gateway shape `{"code","message","description"}` (or whatever is there)."""
    body = json_body(response)
    parts = [str(body[key]) for key in ("message", "description") if body.get(key)]
    return " : ".join(parts) or response.text[:200] or f"HTTP {response.status_code}"


def token_lifetime(expires_in: Any) -> float:
    """Seconds the token lasts (`expires_in`, a number or a numeric string); an hour when unreadable."""
    try:
        lifetime = float(expires_in)
    except (TypeError, ValueError):
        return 3600.0
    return lifetime if 0 < lifetime < float("inf") else 3600.0


def is_unknown_order(response: httpx.Response) -> bool:
    """How `transactionstatus` says it does not know the order. UNVERIFIED: the docs show no error; 404 assumed."""
    return response.status_code == 404


class OrangeGateway:
    method = PaymentMethod.ORANGE

    def __init__(self, settings: OrangeSettings, client: ProviderClient | None = None) -> None:
        self.settings = settings
        self._client = client or ProviderClient(
            "Orange Money", settings.api_base_url,
            RetryPolicy(settings.retry_attempts, settings.retry_backoff_seconds, settings.timeout_seconds))
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._token_lock = asyncio.Lock()

    @property
    def configured(self) -> bool:
        return self.settings.configured

    async def aclose(self) -> None:
        await self._client.aclose()

    # ------------------------------------------------------------ token

    async def _access_token(self, *, stale: str | None = None) -> str:
        """The cached token, or a new one. `stale` is a token the API refused: renewed unless already done."""
        async with self._token_lock:
            if self._token and self._token != stale and time.monotonic() < self._token_expires_at:
                return self._token
            settings = self.settings
            basic = base64.b64encode(f"{settings.client_id}:{settings.client_secret}".encode()).decode()
            response = await self._client.request(
                "POST", settings.token_url, data={"grant_type": "client_credentials"},
                headers={"Authorization": f"Basic {basic}", "Accept": "application/json"})
            body = json_body(response)
            token, expires_in = body.get("access_token"), body.get("expires_in")
            if response.status_code != 200 or not isinstance(token, str) or not token:
                if response.status_code in (400, 401, 403):
                    log.error("Orange Money refused our credentials (HTTP %s): %s", response.status_code,
                              provider_message(response))
                raise GatewayUnavailable(f"Orange Money : jeton refusé (HTTP {response.status_code})")
            lifetime = token_lifetime(expires_in)
            self._token = token
            self._token_expires_at = time.monotonic() + lifetime - min(settings.token_margin_seconds, lifetime / 2)
            return token

    async def _call(self, resource: str, payload: dict[str, Any]) -> httpx.Response:
        """POSTs to a WebPay resource with the bearer token; renews the token once on a 401."""
        token = await self._access_token()
        response = await self._post(resource, payload, token)
        if response.status_code == 401:
            code = json_body(response).get("code")
            log.warning("Orange Money refused the access token (code %s): renewing it", code)
            token = await self._access_token(stale=token)
            response = await self._post(resource, payload, token)
        if response.status_code in (401, 403):
            log.error("Orange Money refused our access to %s (HTTP %s): %s", resource, response.status_code,
                      provider_message(response))
            raise GatewayUnavailable(f"Orange Money : accès refusé (HTTP {response.status_code})")
        if response.status_code >= 500:
            raise GatewayUnavailable(f"Orange Money ne répond pas : HTTP {response.status_code}")
        return response

    async def _post(self, resource: str, payload: dict[str, Any], token: str) -> httpx.Response:
        return await self._client.request(
            "POST", self.settings.path(resource), json=payload,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})

    # ------------------------------------------------------------ charges

    async def start_charge(self, request: ChargeRequest) -> ChargeStarted:
        settings = self.settings
        if len(request.order_id) > MAX_ORDER_ID_LENGTH:
            raise GatewayRejected(f"Orange Money : order_id de plus de {MAX_ORDER_ID_LENGTH} caractères")
        if not settings.sandbox and request.amount.currency != settings.currency:
            raise GatewayRejected(f"Orange Money n'accepte que des montants en {settings.currency}")
        amount = major_units(request.amount)
        return_url = request.return_url or settings.return_url
        cancel_url = request.cancel_url or settings.cancel_url or return_url
        urls = {"return_url": return_url, "cancel_url": cancel_url, "notif_url": request.callback_url}
        for name, url in urls.items():
            if not url:
                raise GatewayRejected(f"Orange Money : {name} manquante")
            if len(url) > MAX_URL_LENGTH:
                raise GatewayRejected(f"Orange Money : {name} de plus de {MAX_URL_LENGTH} caractères")
        payload = {"merchant_key": settings.merchant_key, "currency": settings.currency,
                   "order_id": request.order_id, "amount": amount, **urls, "lang": settings.lang,
                   "reference": settings.merchant_name}
        response = await self._call("webpayment", payload)
        if response.status_code not in (200, 201):  # Orange answers 201
            raise GatewayRejected(f"Orange Money a refusé le paiement : {provider_message(response)}")
        body = json_body(response)
        pay_token, payment_url, notif_token = body.get("pay_token"), body.get("payment_url"), body.get("notif_token")
        if not (isinstance(pay_token, str) and pay_token and isinstance(payment_url, str) and payment_url
                and isinstance(notif_token, str) and notif_token):
            log.error("Orange Money webpayment answer without pay_token/payment_url/notif_token (order %s)",
                      request.order_id)
            raise GatewayUnavailable("Orange Money : réponse incomplète")
        log.info("Orange Money webpayment %s started (pay_token %s...)", request.order_id, pay_token[:6])
        return ChargeStarted(provider_reference=pay_token, redirect_url=payment_url, callback_secret=notif_token)

    async def fetch_charge(self, lookup: ChargeLookup) -> ChargeStatus | None:
        payload = {"order_id": lookup.order_id, "amount": major_units(lookup.amount),
                   "pay_token": lookup.provider_reference}
        response = await self._call("transactionstatus", payload)
        if is_unknown_order(response):
            return None
        if response.status_code not in (200, 201):
            raise GatewayRejected(f"Orange Money : statut illisible ({provider_message(response)})")
        body = json_body(response)
        raw = str(body.get("status") or "")
        state = STATES.get(raw.upper())
        if state is None:
            log.warning("Orange Money: unknown status %r for order %s, kept pending", raw, lookup.order_id)
            state = ChargeState.PENDING
        txnid = body.get("txnid")
        return ChargeStatus(state=state, provider_status=raw, transaction_id=str(txnid) if txnid else None,
                            reason=raw if state is ChargeState.FAILED else None)

    # ------------------------------------------------------------ refunds

    async def refund(self, order: RefundOrder) -> RefundOutcome:
        raise RefundNotSupported("Orange Money WebPay n'a pas d'API de remboursement : à rembourser à la main")

    async def fetch_refund(self, provider_reference: str) -> ChargeState:
        raise RefundNotSupported("Orange Money WebPay n'a pas d'API de remboursement")

    # ------------------------------------------------------------ callbacks

    def read_callback(self, callback: InboundCallback) -> CallbackNotice:
        """`{"status","notif_token","txnid"}`, unsigned: the notif_token is the only proof; the use case finds
        the attempt by it and asks `transactionstatus` before believing the status."""
        try:
            body = json.loads(callback.body)
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidCallback("Notification Orange Money illisible") from error
        if not isinstance(body, dict):
            raise InvalidCallback("Notification Orange Money illisible")
        notif_token = body.get("notif_token")
        if not isinstance(notif_token, str) or not notif_token.strip():
            raise InvalidCallback("Notification Orange Money sans notif_token")
        status = body.get("status")
        return CallbackNotice(callback_secret=notif_token.strip(),
                              claimed_state=NOTIFIED_STATES.get(status) if isinstance(status, str) else None,
                              signed=False, kind="notification")
