"""The HTTP plumbing every gateway shares: time-outs, retries on 5xx and time-outs, clear errors."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx

from domain.payments.errors import GatewayUnavailable, InvalidCallback
from domain.shared.money import MINOR_UNITS, Money

log = logging.getLogger("agora.payments")

RETRYABLE_STATUS = frozenset({500, 502, 503, 504})
# Loading the CA bundle costs tens of milliseconds: every provider client shares one context.
TLS = ssl.create_default_context()


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    backoff_seconds: float = 0.2
    timeout_seconds: float = 10.0


class ProviderClient:
    """One httpx client per provider. A request is retried on time-outs, connection errors and 5xx;
    callers pass an idempotency key wherever the provider has one, so a retry never charges twice."""

    def __init__(self, name: str, base_url: str, policy: RetryPolicy | None = None,
                 client: httpx.AsyncClient | None = None) -> None:
        self.name = name
        self.policy = policy or RetryPolicy()
        self._client = client or httpx.AsyncClient(base_url=base_url.rstrip("/"), verify=TLS,
                                                   timeout=httpx.Timeout(self.policy.timeout_seconds))

    async def request(self, method: str, url: str, *, retry: bool = True,
                      final: Callable[[httpx.Response], bool] | None = None, **kwargs: Any) -> httpx.Response:
        """The provider's response; 4xx are returned for the gateway to interpret. Raises GatewayUnavailable
        once the retries are spent on time-outs, connection errors or 5xx. `final` marks 5xx answers that are
        decisions, not outages (MTN refuses with 500 + a business code): those are returned at once."""
        attempts = self.policy.attempts if retry else 1
        last: str = ""
        for attempt in range(1, attempts + 1):
            try:
                response = await self._client.request(method, url, **kwargs)
            except httpx.TimeoutException:
                last = "délai dépassé"
            except httpx.TransportError as error:
                last = f"connexion impossible ({type(error).__name__})"
            else:
                if response.status_code not in RETRYABLE_STATUS or (final is not None and final(response)):
                    return response
                last = f"HTTP {response.status_code} {response.text[:200]}"
                if attempt == attempts:
                    return response
            log.warning("%s %s %s: %s (try %d/%d)", self.name, method, url, last, attempt, attempts)
            if attempt < attempts:
                await asyncio.sleep(self.policy.backoff_seconds * 2 ** (attempt - 1))
        raise GatewayUnavailable(f"{self.name} ne répond pas : {last}")

    async def aclose(self) -> None:
        await self._client.aclose()


def major_units_text(amount: Money) -> str:
    """The amount in major units as providers write it: "5000" for XOF, "12.50" for EUR."""
    exponent = MINOR_UNITS[amount.currency]
    return str(Decimal(amount.minor).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent)))


def json_body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def check_timestamped_signature(header: str | None, body: bytes, secret: str, *, scheme: str,
                                tolerance_seconds: int = 300, now: float | None = None) -> None:
    """`t=<unix>,<scheme>=<hex>[,...]` with hex = HMAC-SHA256(secret, f"{t}.{body}"), as Stripe (`v1`) and
    FedaPay (`s`) sign. Raises InvalidCallback when missing, malformed, wrong or older than the tolerance."""
    if not header or not secret:
        raise InvalidCallback("Signature absente")
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == scheme:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise InvalidCallback("Signature illisible")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise InvalidCallback("Signature invalide")
    current = time.time() if now is None else now
    if timestamp < current - tolerance_seconds:
        raise InvalidCallback("Signature trop ancienne")


def sign_timestamped(body: bytes, secret: str, *, scheme: str, timestamp: int | None = None) -> str:
    """The header value a provider would send (used by the fakes and the tests)."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},{scheme}={digest}"


def lower_keys(headers: Mapping[str, str]) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}
