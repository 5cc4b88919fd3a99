"""Moov Money through FedaPay: a transaction, its payment token, then the no-redirect push to the payer's phone.

Protocol (FedaPay's SDKs and API reference, see protocols.md section 3):
- `POST /v1/transactions` creates a transaction (answer wrapped under "v1/transaction");
- `POST /v1/transactions/{id}/token` gives `{token, url}`: `url` is FedaPay's hosted payment page;
- `POST /v1/{mode}` with `{token, phone_number}` pushes the payment to the payer's phone (mode `moov`, `moov_tg`);
- `GET /v1/transactions/{id}` is the source of truth: webhooks only say "look again".
FedaPay documents no idempotency key and no refund call.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx
import phonenumbers

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

FEDAPAY_SANDBOX_URL = "https://sandbox-api.fedapay.com"
FEDAPAY_LIVE_URL = "https://api.fedapay.com"
# UNVERIFIED: the SDKs push to `POST /v1/{mode}`, the API reference lists `POST /transactions/{mode}`.
PUSH_PATH = "/v1/{mode}"
SIGNATURE_HEADER = "x-fedapay-signature"
SIGNATURE_SCHEME = "s"  # `t=<unix>,s=<hex>`, not Stripe's `v1`
TRANSACTION_KEY = "v1/transaction"

PAID = frozenset({"approved", "transferred", "refunded", "approved_partially_refunded",
                  "transferred_partially_refunded"})  # the SDK's "paid" set
FAILED = frozenset({"declined", "canceled"})

_REMEMBERED = 1024  # start_charge progress kept per reference (see FedapayGateway.start_charge)


@dataclass(frozen=True)
class FedapaySettings:
    secret_key: str = ""                 # sk_sandbox_... / sk_live_...
    webhook_secret: str = ""             # the webhook endpoint's secret (X-FEDAPAY-SIGNATURE)
    account: str | None = None           # optional FedaPay-Account header
    base_url: str = FEDAPAY_SANDBOX_URL  # FEDAPAY_LIVE_URL in production; paths carry the /v1 prefix
    mode: str = "moov"                   # "moov_tg" for Moov Togo
    country: str = "bj"                  # the payer's country, for phone numbers ("tg" with moov_tg)
    currency: str = "XOF"
    push_path: str = PUSH_PATH
    signature_tolerance_seconds: int = 300
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def configured(self) -> bool:
        return bool(self.secret_key and self.webhook_secret)


@dataclass
class _Progress:
    """How far start_charge went for one reference, so a retry resumes instead of creating a second transaction."""

    transaction_id: str | None = None
    url: str | None = None
    token: str | None = None
    pushed: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class FedapayGateway:
    method = PaymentMethod.MOOV

    def __init__(self, settings: FedapaySettings, client: ProviderClient | None = None) -> None:
        self._settings = settings
        self._client = client or ProviderClient("FedaPay", settings.base_url, settings.retry)
        self._progress: OrderedDict[UUID, _Progress] = OrderedDict()

    @property
    def configured(self) -> bool:
        return self._settings.configured

    async def aclose(self) -> None:
        await self._client.aclose()

    # ------------------------------------------------------------ charges

    async def start_charge(self, request: ChargeRequest) -> ChargeStarted:
        """Creates the transaction, gets its payment page, and pushes to the payer's phone when it is known.

        FedaPay has no idempotency key, so a duplicate is avoided two ways: the create is never retried
        (a timed-out create may still have succeeded at FedaPay), and each step's result is remembered per
        `request.reference`, so calling again with the same reference resumes (token, push) without creating
        a second transaction."""
        phone = self._phone(request.payer_phone) if request.payer_phone else None
        progress = self._progress_for(request.reference)
        async with progress.lock:
            if progress.transaction_id is None:
                progress.transaction_id = await self._create(request, phone)
            if progress.token is None:
                progress.token, progress.url = await self._token(progress.transaction_id)
            if phone and not progress.pushed:
                await self._push(progress.token, phone)
                progress.pushed = True
            return ChargeStarted(provider_reference=progress.transaction_id, redirect_url=progress.url)

    async def fetch_charge(self, lookup: ChargeLookup) -> ChargeStatus | None:
        response = await self._call("GET", f"/v1/transactions/{lookup.provider_reference}")
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise self._rejected(response)
        return self._status(_unwrap(json_body(response)))

    async def refund(self, order: RefundOrder) -> RefundOutcome:
        raise RefundNotSupported("FedaPay ne propose pas de remboursement par API : à rembourser à la main")

    async def fetch_refund(self, provider_reference: str) -> ChargeState:
        raise RefundNotSupported("FedaPay ne propose pas de remboursement par API : à rembourser à la main")

    # ------------------------------------------------------------ webhooks

    def read_callback(self, callback: InboundCallback) -> CallbackNotice:
        """Verifies X-FEDAPAY-SIGNATURE, then names the transaction. The state is left to a re-fetch, as FedaPay
        asks (`claimed_state` stays None)."""
        check_timestamped_signature(callback.headers.get(SIGNATURE_HEADER), callback.body,
                                    self._settings.webhook_secret, scheme=SIGNATURE_SCHEME,
                                    tolerance_seconds=self._settings.signature_tolerance_seconds)
        try:
            event = json.loads(callback.body)
        except ValueError:
            raise InvalidCallback("Notification FedaPay illisible") from None
        if not isinstance(event, dict):
            raise InvalidCallback("Notification FedaPay illisible")
        entity = _event_entity(event)
        if entity is None or entity.get("id") is None:
            raise InvalidCallback("Notification FedaPay sans transaction")
        name = str(event.get("name") or event.get("type") or "")
        event_id = event.get("id")
        delivery_id = (str(event_id) if event_id not in (None, "")
                       else f"{name}:{entity['id']}:{entity.get('updated_at')}")
        return CallbackNotice(provider_reference=str(entity["id"]), delivery_id=delivery_id, signed=True, kind=name)

    # ------------------------------------------------------------ steps

    async def _create(self, request: ChargeRequest, phone: str | None) -> str:
        currency = request.amount.currency
        if currency != self._settings.currency or MINOR_UNITS[currency] != 0:
            raise GatewayRejected(f"FedaPay n'accepte que des montants en {self._settings.currency}")
        body: dict[str, Any] = {
            "description": request.description,
            "amount": request.amount.minor,  # XOF has no minor unit: the integer amount as is
            "currency": {"iso": currency},
            # FedaPay's callback_url is where the payer's browser comes back; the webhook is set in the dashboard.
            "callback_url": request.return_url or request.callback_url,
            "custom_metadata": {**request.metadata, "reference": str(request.reference),
                                "order_id": request.order_id},
        }
        customer: dict[str, Any] = {}
        if request.payer_email:
            customer["email"] = request.payer_email
        if phone:
            customer["phone_number"] = {"number": phone, "country": self._settings.country}
        if customer:
            body["customer"] = customer
        # No retry: FedaPay has no idempotency key, and a timed-out create may have created the transaction.
        response = await self._call("POST", "/v1/transactions", json=body, retry=False)
        if response.status_code >= 400:
            raise self._rejected(response)
        transaction = _unwrap(json_body(response))
        if transaction.get("id") is None:
            raise GatewayUnavailable("FedaPay : réponse sans transaction")
        log.info("FedaPay transaction %s created for %s", transaction["id"], request.reference)
        return str(transaction["id"])

    async def _token(self, transaction_id: str) -> tuple[str, str | None]:
        response = await self._call("POST", f"/v1/transactions/{transaction_id}/token")
        if response.status_code >= 400:
            raise self._rejected(response)
        body = json_body(response)
        token = body.get("token")
        if not isinstance(token, str) or not token:
            raise GatewayUnavailable("FedaPay : réponse sans jeton de paiement")
        url = body.get("url")
        return token, url if isinstance(url, str) else None

    async def _push(self, token: str, phone: str) -> None:
        path = self._settings.push_path.format(mode=self._settings.mode)
        body = {"token": token, "phone_number": {"number": phone, "country": self._settings.country}}
        response = await self._call("POST", path, json=body)
        if response.status_code >= 400:
            raise self._rejected(response)

    # ------------------------------------------------------------ plumbing

    async def _call(self, method: str, path: str, *, json: Any = None, retry: bool = True) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self._settings.secret_key}", "Accept": "application/json"}
        if self._settings.account:
            headers["FedaPay-Account"] = self._settings.account
        response = await self._client.request(method, path, retry=retry, json=json, headers=headers)
        if response.status_code in (401, 403):
            log.error("FedaPay refused our credentials on %s %s: HTTP %d %s", method, path,
                      response.status_code, _message(response))
            raise GatewayUnavailable("FedaPay refuse nos identifiants")
        if response.status_code >= 500:
            raise GatewayUnavailable(f"FedaPay ne répond pas : HTTP {response.status_code}")
        return response

    def _rejected(self, response: httpx.Response) -> GatewayRejected:
        message = _message(response)
        log.warning("FedaPay refused a request: HTTP %d %s", response.status_code, message)
        return GatewayRejected(f"FedaPay : {message}")

    def _phone(self, raw: str) -> str:
        """E.164 with its +, as FedaPay wants it; a local number is read in the configured country."""
        try:
            number = phonenumbers.parse(raw.strip(), self._settings.country.upper())
        except phonenumbers.NumberParseException:
            raise GatewayRejected("Numéro de téléphone invalide") from None
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def _status(self, transaction: dict[str, Any]) -> ChargeStatus:
        status = str(transaction.get("status") or "")
        state = ChargeState.SUCCEEDED if status in PAID else ChargeState.FAILED if status in FAILED \
            else ChargeState.PENDING
        reason = None
        if state is ChargeState.FAILED:
            reason = str(transaction.get("last_error_code") or status)  # last_error_code: UNVERIFIED field name
        reference = transaction.get("reference")
        return ChargeStatus(state=state, provider_status=status, reason=reason,
                            transaction_id=str(reference) if reference not in (None, "") else None,
                            amount=self._amount(transaction))

    def _amount(self, transaction: dict[str, Any]) -> Money | None:
        currency = transaction.get("currency")
        iso = currency.get("iso") if isinstance(currency, dict) else None
        iso = iso if isinstance(iso, str) else self._settings.currency
        amount = transaction.get("amount")
        if iso not in MINOR_UNITS or MINOR_UNITS[iso] != 0 or isinstance(amount, bool) \
                or not isinstance(amount, int | float) or amount != int(amount):
            return None
        return Money(int(amount), iso)

    def _progress_for(self, reference: UUID) -> _Progress:
        progress = self._progress.get(reference)
        if progress is None:
            progress = self._progress[reference] = _Progress()
            while len(self._progress) > _REMEMBERED:
                oldest, kept = next(iter(self._progress.items()))
                if kept.lock.locked():
                    break
                del self._progress[oldest]
        return progress


def _unwrap(body: dict[str, Any]) -> dict[str, Any]:
    """FedaPay wraps a resource under its class name: {"v1/transaction": {...}}."""
    inner = body.get(TRANSACTION_KEY)
    return inner if isinstance(inner, dict) else body


def _event_entity(event: dict[str, Any]) -> dict[str, Any] | None:
    """The transaction a webhook is about: under "entity" (most handlers), else "object" or "data.object"
    (UNVERIFIED shapes), possibly wrapped under "v1/transaction"."""
    data = event.get("data")
    for candidate in (event.get("entity"), event.get("object"), data.get("object") if isinstance(data, dict) else None):
        if isinstance(candidate, dict):
            return _unwrap(candidate)
    return None


def _message(response: httpx.Response) -> str:
    body = json_body(response)
    message = str(body.get("message") or f"HTTP {response.status_code}")
    errors = body.get("errors")
    if isinstance(errors, dict) and errors:
        details = [f"{key} {' '.join(map(str, value)) if isinstance(value, list) else value}"
                   for key, value in errors.items()]
        message = f"{message} ({'; '.join(details)})"
    return message
