"""MTN MoMo Open API: Collection (request to pay) for charges, Disbursement (refund) for refunds.

Protocol notes: /work/shared/providers/protocols.md section 1. In short:
- every call carries the product's `Ocp-Apim-Subscription-Key`; a bearer token comes from
  `POST /<product>/token/` (Basic api_user:api_key, no body) and is reused until shortly before `expires_in`;
- `X-Reference-Id` (our attempt's UUID4) names the resource and is the idempotency key: a 409
  RESOURCE_ALREADY_EXIST on a retry of the same reference means the first request was received;
- callbacks are unsigned and sent once: they only tell us to ask the status again. The callback body does not
  reliably carry the reference, so the reference travels in our callback URL's query (`ref=<uuid>`).

Sandbox rule on currencies: the sandbox only accepts EUR, whatever the price's currency. The code sent on the wire
is always `MtnSettings.currency`; when the Money's currency differs from it (an XOF price in sandbox), the Money's
major-unit amount is sent unchanged with the configured code ("5000" XOF goes out as "5000" EUR). In production the
setting is the operator's currency (XOF for mtnbenin) and matches the prices.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit
from uuid import UUID

import httpx

from adapters.payments.http import ProviderClient, RetryPolicy, json_body, major_units_text
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
from domain.shared.errors import InvalidInput
from domain.shared.money import Money

log = logging.getLogger("agora.payments")

SANDBOX_URL = "https://sandbox.momodeveloper.mtn.com"
PRODUCTION_URL = "https://proxy.momoapi.mtn.com"  # UNVERIFIED: used by third-party clients, no official page
CALLBACK_REFERENCE_PARAM = "ref"  # our own query parameter on X-Callback-Url
NOTE_MAX_LENGTH = 160
NOTE_FALLBACK = "Paiement"
TOKEN_MARGIN_SECONDS = 60.0
ALREADY_EXISTS = "RESOURCE_ALREADY_EXIST"
LOGIN_FAILED = "login_failed"
# 500 answers that are refusals of this request (the client or our settings must change), not outages.
BUSINESS_ERROR_CODES = frozenset({
    "NOT_ALLOWED", "INVALID_CURRENCY", "NOT_ALLOWED_TARGET_ENVIRONMENT", "INVALID_CALLBACK_URL_HOST",
})
# Documented statuses are PENDING, SUCCESSFUL and FAILED; the others appear in third-party mocks and older notes.
STATES = {
    "PENDING": ChargeState.PENDING,
    "CREATED": ChargeState.PENDING,
    "ONGOING": ChargeState.PENDING,
    "SUCCESSFUL": ChargeState.SUCCEEDED,
    "FAILED": ChargeState.FAILED,
    "REJECTED": ChargeState.FAILED,
    "TIMEOUT": ChargeState.FAILED,
    "EXPIRED": ChargeState.FAILED,
}


@dataclass(frozen=True)
class MtnSettings:
    base_url: str = SANDBOX_URL
    target_environment: str = "sandbox"  # or mtnbenin, mtnivorycoast, ...
    currency: str = "EUR"  # the code sent on the wire: EUR in sandbox, the operator's currency in production
    collection_subscription_key: str = ""
    collection_api_user: str = ""
    collection_api_key: str = ""
    disbursement_subscription_key: str = ""
    disbursement_api_user: str = ""
    disbursement_api_key: str = ""
    timeout_seconds: float = 10.0
    retries: int = 3
    backoff_seconds: float = 0.2

    @property
    def configured(self) -> bool:
        return bool(self.collection_subscription_key and self.collection_api_user and self.collection_api_key)

    @property
    def refunds_configured(self) -> bool:
        return bool(self.disbursement_subscription_key and self.disbursement_api_user and self.disbursement_api_key)

    @property
    def policy(self) -> RetryPolicy:
        return RetryPolicy(attempts=self.retries, backoff_seconds=self.backoff_seconds,
                           timeout_seconds=self.timeout_seconds)


class _Product:
    """One MoMo product (collection, disbursement): its subscription key and its cached bearer token."""

    def __init__(self, name: str, subscription_key: str, api_user: str, api_key: str, client: ProviderClient,
                 clock: Callable[[], float]) -> None:
        self.name = name
        self.subscription_key = subscription_key
        self._basic = base64.b64encode(f"{api_user}:{api_key}".encode()).decode()
        self._client = client
        self._clock = clock
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def _fresh(self) -> str | None:
        return self._token if self._token and self._clock() < self._expires_at else None

    async def token(self) -> str:
        if token := self._fresh():
            return token
        async with self._lock:  # one refresh at a time; the others wait and reuse it
            if token := self._fresh():
                return token
            self._token, lifetime = await self._fetch_token()
            self._expires_at = self._clock() + max(lifetime - TOKEN_MARGIN_SECONDS, lifetime / 2)
            return self._token

    def forget(self, token: str) -> None:
        if self._token == token:
            self._token = None

    async def _fetch_token(self) -> tuple[str, float]:
        response = await self._client.request(
            "POST", f"/{self.name}/token/",  # no body: MTN answers 400 to a body on /token
            headers={"Authorization": f"Basic {self._basic}", "Ocp-Apim-Subscription-Key": self.subscription_key},
            final=is_decision)
        body = json_body(response)
        if response.status_code == 200 and isinstance(body.get("access_token"), str):
            try:
                lifetime = float(body.get("expires_in") or 3600)
            except (TypeError, ValueError):
                lifetime = 3600.0
            return body["access_token"], lifetime
        if response.status_code in (401, 403) or body.get("error") == LOGIN_FAILED:
            log.error("MTN MoMo %s: nos identifiants sont refusés au jeton (HTTP %s %s)", self.name,
                      response.status_code, _describe(body, response))
            raise GatewayUnavailable("MTN MoMo refuse nos identifiants")
        log.error("MTN MoMo %s: jeton impossible (HTTP %s %s)", self.name, response.status_code,
                  _describe(body, response))
        raise GatewayUnavailable(f"MTN MoMo ne délivre pas de jeton (HTTP {response.status_code})")


class MtnGateway:
    method = PaymentMethod.MTN

    def __init__(self, settings: MtnSettings, client: ProviderClient | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self._client = client or ProviderClient("MTN MoMo", settings.base_url, settings.policy)
        self._collection = _Product("collection", settings.collection_subscription_key,
                                    settings.collection_api_user, settings.collection_api_key, self._client, clock)
        self._disbursement = _Product("disbursement", settings.disbursement_subscription_key,
                                      settings.disbursement_api_user, settings.disbursement_api_key,
                                      self._client, clock)

    @property
    def configured(self) -> bool:
        return self.settings.configured

    async def aclose(self) -> None:
        await self._client.aclose()

    # ------------------------------------------------------------ charges

    async def start_charge(self, request: ChargeRequest) -> ChargeStarted:
        reference = str(request.reference)
        headers = {"X-Reference-Id": reference}
        if request.callback_url:
            headers["X-Callback-Url"] = callback_url_with_reference(request.callback_url, reference)
        note = sanitize_note(request.description)
        body = {
            "amount": major_units_text(request.amount),
            "currency": self.settings.currency,
            "externalId": request.order_id,
            "payer": {"partyIdType": "MSISDN", "partyId": msisdn(request.payer_phone)},
            "payerMessage": note,
            "payeeNote": note,
        }
        response = await self._call(self._collection, "POST", "/collection/v1_0/requesttopay", headers, body)
        if response.status_code == 202 or _is_duplicate(response):
            if response.status_code != 202:
                log.info("MTN MoMo: requesttopay %s already received (409 on a retry)", reference)
            log.info("MTN MoMo: requesttopay %s sent for order %s", reference, request.order_id)
            return ChargeStarted(provider_reference=reference)
        raise self._refusal(response, "la demande de paiement")

    async def fetch_charge(self, lookup: ChargeLookup) -> ChargeStatus | None:
        path = f"/collection/v1_0/requesttopay/{quote(lookup.provider_reference, safe='')}"
        response = await self._call(self._collection, "GET", path)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._refusal(response, "le suivi du paiement")
        body = json_body(response)
        raw = str(body.get("status") or "")
        state = _state(raw)
        return ChargeStatus(
            state=state,
            provider_status=raw,
            transaction_id=_text(body.get("financialTransactionId")),
            reason=failure_reason(body.get("reason")) if state is not ChargeState.SUCCEEDED else None,
            amount=self._amount(body, lookup.amount.currency),
        )

    # ------------------------------------------------------------ refunds

    async def refund(self, order: RefundOrder) -> RefundOutcome:
        if not self.settings.refunds_configured:
            raise RefundNotSupported("Remboursement MTN MoMo non configuré (Disbursement) : à payer à la main")
        reference = str(order.reference)
        note = sanitize_note(order.note, fallback="Remboursement")
        body = {
            "amount": major_units_text(order.amount),
            "currency": self.settings.currency,
            "externalId": order.charge.order_id,
            "payerMessage": note,
            "payeeNote": note,
            "referenceIdToRefund": order.charge.provider_reference,
        }
        response = await self._call(self._disbursement, "POST", "/disbursement/v1_0/refund",
                                    {"X-Reference-Id": reference}, body)
        if response.status_code == 202 or _is_duplicate(response):
            log.info("MTN MoMo: refund %s of %s sent", reference, order.charge.provider_reference)
            return RefundOutcome(provider_reference=reference, state=ChargeState.PENDING)
        raise self._refusal(response, "le remboursement")

    async def fetch_refund(self, provider_reference: str) -> ChargeState:
        if not self.settings.refunds_configured:
            raise RefundNotSupported("Remboursement MTN MoMo non configuré (Disbursement)")
        path = f"/disbursement/v1_0/refund/{quote(provider_reference, safe='')}"
        response = await self._call(self._disbursement, "GET", path)
        if response.status_code == 404:
            # Never reached MTN (our 202 was for another reference, or it was purged): it did not happen.
            log.warning("MTN MoMo: refund %s unknown to MTN, counted as failed", provider_reference)
            return ChargeState.FAILED
        if response.status_code != 200:
            raise self._refusal(response, "le suivi du remboursement")
        return _state(str(json_body(response).get("status") or ""))

    # ------------------------------------------------------------ callbacks

    def read_callback(self, callback: InboundCallback) -> CallbackNotice:
        """MTN does not sign callbacks: the notice only names the charge, to be asked again (signed=False)."""
        body = _json_object(callback.body)
        provider_reference: str | None = None
        if CALLBACK_REFERENCE_PARAM in callback.query:
            provider_reference = _uuid_text(callback.query[CALLBACK_REFERENCE_PARAM])
            if provider_reference is None:
                raise InvalidCallback("Rappel MTN MoMo : référence illisible")
        else:
            provider_reference = _uuid_text(body.get("referenceId"))
        order_id = _text(body.get("externalId"))
        if provider_reference is None and order_id is None:
            raise InvalidCallback("Rappel MTN MoMo sans référence")
        raw = body.get("status")
        return CallbackNotice(
            provider_reference=provider_reference,
            order_id=order_id,
            claimed_state=STATES.get(raw.upper()) if isinstance(raw, str) else None,
            signed=False,
            kind="requesttopay",
        )

    # ------------------------------------------------------------ plumbing

    async def _call(self, product: _Product, method: str, path: str, headers: Mapping[str, str] | None = None,
                    body: Mapping[str, Any] | None = None) -> httpx.Response:
        """Sends with the product's token; a 401 drops the token and tries once more with a new one."""
        for attempt in (1, 2):
            token = await product.token()
            response = await self._client.request(method, path, headers={
                "Authorization": f"Bearer {token}",
                "Ocp-Apim-Subscription-Key": product.subscription_key,
                "X-Target-Environment": self.settings.target_environment,
                **(headers or {}),
            }, json=body, final=is_decision)
            if response.status_code != 401:
                break
            product.forget(token)
            if attempt == 2:
                log.error("MTN MoMo %s: %s %s refused with a new token (HTTP 401 %s)", product.name, method, path,
                          _describe(json_body(response), response))
                raise GatewayUnavailable("MTN MoMo refuse nos identifiants")
        if response.status_code == 403:
            log.error("MTN MoMo %s: %s %s forbidden (HTTP 403 %s; IP not whitelisted?)", product.name, method, path,
                      _describe(json_body(response), response))
            raise GatewayUnavailable("MTN MoMo refuse l'accès")
        return response

    def _refusal(self, response: httpx.Response, action: str) -> Exception:
        body = json_body(response)
        code = _text(body.get("code")) or ""
        detail = _describe(body, response)
        status = response.status_code
        if (status >= 500 and code in BUSINESS_ERROR_CODES) or (400 <= status < 500 and status != 404):
            log.warning("MTN MoMo refused %s: HTTP %s %s", action, status, detail)
            return GatewayRejected(f"MTN MoMo refuse {action} : {detail}")
        log.error("MTN MoMo: %s impossible: HTTP %s %s", action, status, detail)
        return GatewayUnavailable(f"MTN MoMo indisponible pour {action} (HTTP {status})")

    def _amount(self, body: Mapping[str, Any], currency: str) -> Money | None:
        """The amount MTN holds, in the price's currency (see the sandbox rule in the module's notes)."""
        if body.get("currency") not in (currency, self.settings.currency):
            return None
        try:
            return Money.parse(str(body.get("amount")), currency)
        except (InvalidInput, ArithmeticError, ValueError):
            return None


# ---------------------------------------------------------------- wire helpers


def msisdn(phone: str | None) -> str:
    """The payer's number as MTN wants it: country code, digits only, no '+' (the "no +" is UNVERIFIED)."""
    digits = re.sub(r"[\s().-]", "", phone or "")
    digits = digits[1:] if digits.startswith("+") else digits[2:] if digits.startswith("00") else digits
    if not re.fullmatch(r"[0-9]{8,15}", digits):
        raise GatewayRejected.on_field("telephone", "Numéro MTN MoMo invalide (indicatif pays compris)")
    return digits


def sanitize_note(text: str, fallback: str = NOTE_FALLBACK) -> str:
    """payerMessage / payeeNote: letters, digits and spaces only (an apostrophe or '&' gives 400), accents dropped,
    at most 160 characters, never empty (an empty note gives 500 in production)."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    cleaned = " ".join(re.sub(r"[^A-Za-z0-9 ]+", " ", ascii_text).split())
    return cleaned[:NOTE_MAX_LENGTH].strip() or fallback


def callback_url_with_reference(url: str, reference: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != CALLBACK_REFERENCE_PARAM]
    query.append((CALLBACK_REFERENCE_PARAM, reference))
    return urlunsplit(parts._replace(query=urlencode(query)))


def failure_reason(reason: Any) -> str | None:
    """Live MTN sends a string ("APPROVAL_REJECTED"); the old swagger and mocks send {"code","message"}."""
    if isinstance(reason, Mapping):
        return _text(reason.get("code")) or _text(reason.get("message"))
    return _text(reason)


def _state(raw: str) -> ChargeState:
    state = STATES.get(raw.upper())
    if state is None:
        log.warning("MTN MoMo: unknown status %r, counted as pending", raw)
        return ChargeState.PENDING
    return state


def _is_duplicate(response: httpx.Response) -> bool:
    return response.status_code == 409 and json_body(response).get("code", ALREADY_EXISTS) == ALREADY_EXISTS


def _describe(body: Mapping[str, Any], response: httpx.Response) -> str:
    code = _text(body.get("code")) or _text(body.get("error")) or ""
    message = _text(body.get("message")) or ("" if body else response.text[:200])
    return " ".join(part for part in (code, message) if part) or "sans détail"


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _uuid_text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return str(UUID(value))
    except ValueError:
        return None


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def is_decision(response: httpx.Response) -> bool:
    """A 500 carrying a business code or `login_failed` is MTN's answer, not an outage: no point retrying."""
    body = json_body(response)
    return _text(body.get("code")) in BUSINESS_ERROR_CODES or body.get("error") == LOGIN_FAILED
