"""FCM HTTP v1: a service account's RS256 JWT is exchanged for an OAuth token (cached, one refresh at a time),
then one `messages:send` request per message, a bounded number at once.

Protocol: /work/shared/providers/protocols.md, section 5 (FCM HTTP v1)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt

from adapters.push.retry import RETRYABLE_STATUS, Backoff, Sleep, real_sleep, retry_after
from application.notifications.channels import Priority, PushMessage, PushOutcome

log = logging.getLogger("agora.push")

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
TOKEN_GONE_CODES = frozenset({"UNREGISTERED", "SENDER_ID_MISMATCH"})
RETRY_CODES = frozenset({"QUOTA_EXCEEDED", "UNAVAILABLE", "INTERNAL"})


class ServiceAccountError(ValueError):
    pass


@dataclass(frozen=True)
class ServiceAccount:
    project_id: str
    client_email: str
    private_key: str
    private_key_id: str
    token_uri: str = "https://oauth2.googleapis.com/token"

    @classmethod
    def parse(cls, text: str) -> ServiceAccount:
        """The service-account JSON itself, or the path of a file holding it."""
        source = text.strip()
        if not source.startswith("{"):
            source = Path(source).expanduser().read_text(encoding="utf-8")
        try:
            info = json.loads(source)
        except ValueError as error:
            raise ServiceAccountError(f"service account: not JSON ({error})") from None
        missing = [key for key in ("project_id", "client_email", "private_key", "private_key_id") if not info.get(key)]
        if missing:
            raise ServiceAccountError(f"service account: missing {', '.join(missing)}")
        return cls(project_id=info["project_id"], client_email=info["client_email"],
                   private_key=info["private_key"], private_key_id=info["private_key_id"],
                   token_uri=info.get("token_uri") or cls.token_uri)


@dataclass(frozen=True)
class FcmSettings:
    account: ServiceAccount
    base_url: str = "https://fcm.googleapis.com"
    concurrency: int = 20
    timeout_seconds: float = 10.0
    backoff: Backoff = field(default_factory=Backoff)
    token_margin_seconds: float = 300.0  # an OAuth token is renewed this long before it expires
    assertion_lifetime_seconds: int = 3600


def fcm_body(message: PushMessage, now: float) -> dict[str, Any]:
    android: dict[str, Any] = {"priority": "HIGH" if message.priority is Priority.HIGH else "NORMAL"}
    headers = {"apns-priority": "10" if message.priority is Priority.HIGH else "5"}
    aps: dict[str, Any] = {}
    android_notification: dict[str, Any] = {}
    if message.ttl_seconds is not None:
        android["ttl"] = f"{message.ttl_seconds}s"
        headers["apns-expiration"] = str(int(now) + message.ttl_seconds)
    if message.collapse_key:
        android["collapse_key"] = message.collapse_key
        headers["apns-collapse-id"] = message.collapse_key
    if message.sound:
        android_notification["sound"] = message.sound
        aps["sound"] = message.sound
    if message.badge is not None:
        android_notification["notification_count"] = message.badge
        aps["badge"] = message.badge
    if message.thread_id:
        aps["thread-id"] = message.thread_id
    if android_notification:
        android["notification"] = android_notification
    body: dict[str, Any] = {
        "token": message.token,
        "notification": {"title": message.title, "body": message.body},
        "android": android,
        "apns": {"headers": headers, "payload": {"aps": aps}},
    }
    if message.data:
        body["data"] = {str(key): str(value) for key, value in message.data.items()}
    return {"message": body}


def fcm_error(response: httpx.Response) -> tuple[str, str, bool]:
    """(errorCode or status, message, whether the token is what is invalid) of an FCM error body."""
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    if not isinstance(error, dict):
        error = {}
    code = str(error.get("status") or "")
    token_field = False
    for detail in error.get("details") or []:
        if not isinstance(detail, dict):
            continue
        if detail.get("@type") == FCM_ERROR_TYPE and detail.get("errorCode"):
            code = str(detail["errorCode"])
        if detail.get("@type") == BAD_REQUEST_TYPE:
            token_field = token_field or any(
                isinstance(v, dict) and v.get("field") == "message.token" for v in detail.get("fieldViolations") or [])
    message = str(error.get("message") or response.text[:200] or f"HTTP {response.status_code}")
    token_field = token_field or "registration token" in message.lower()
    return code or f"HTTP_{response.status_code}", message, token_field


class FcmSender:
    """PushSender for FCM registration tokens."""

    def __init__(self, settings: FcmSettings, *, client: httpx.AsyncClient | None = None,
                 sleep: Sleep = real_sleep, clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(settings.timeout_seconds))
        self._sleep, self._clock, self._wall_clock = sleep, clock, wall_clock
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._token_lock = asyncio.Lock()
        self._url = (f"{settings.base_url.rstrip('/')}/v1/projects/{settings.account.project_id}"
                     "/messages:send")

    async def aclose(self) -> None:
        await self._client.aclose()

    async def send(self, messages: Sequence[PushMessage]) -> list[PushOutcome]:
        return list(await asyncio.gather(*(self._send_one(message) for message in messages)))

    # ------------------------------------------------------------ OAuth

    def assertion(self) -> str:
        account, issued = self.settings.account, int(self._wall_clock())
        claims = {"iss": account.client_email, "scope": SCOPE, "aud": account.token_uri,
                  "iat": issued, "exp": issued + self.settings.assertion_lifetime_seconds}
        return jwt.encode(claims, account.private_key, algorithm="RS256", headers={"kid": account.private_key_id})

    async def access_token(self, *, stale: str | None = None) -> str:
        """The cached OAuth token, or a new one; `stale` is one FCM refused: renewed unless another send did."""
        async with self._token_lock:
            if self._token and self._token != stale and self._clock() < self._token_expires_at:
                return self._token
            response = await self._client.post(
                self.settings.account.token_uri, data={"grant_type": JWT_BEARER, "assertion": self.assertion()})
            body = _json(response)
            if response.status_code != 200 or not body.get("access_token"):
                raise OAuthRefused(response.status_code, f"{response.status_code} {body.get('error', '')} "
                                   f"{body.get('error_description', response.text[:200])}".strip())
            lifetime = _seconds(body.get("expires_in"))
            self._token = str(body["access_token"])
            self._token_expires_at = self._clock() + max(0.0, lifetime - self.settings.token_margin_seconds)
            return self._token

    # ------------------------------------------------------------ send

    async def _send_one(self, message: PushMessage) -> PushOutcome:
        async with self._slots:
            try:
                return await self._attempts(message)
            except OAuthRefused as error:
                if error.status in RETRYABLE_STATUS:
                    return PushOutcome.retry(f"FCM OAuth: {error}", self.settings.backoff.base_seconds)
                log.error("FCM OAuth token refused: %s", error)
                return PushOutcome.rejected(f"FCM OAuth: {error}")
            except httpx.HTTPError as error:  # the token endpoint unreachable
                return PushOutcome.retry(f"FCM OAuth: {type(error).__name__}",
                                         self.settings.backoff.wait(self.settings.backoff.attempts, None))

    async def _attempts(self, message: PushMessage) -> PushOutcome:
        backoff, body, refreshed = self.settings.backoff, fcm_body(message, self._wall_clock()), False
        attempt = 1
        while True:
            token = await self.access_token()
            hint: float | None = None
            try:
                response = await self._client.post(self._url, json=body, headers={"Authorization": f"Bearer {token}"})
            except httpx.TransportError as error:  # time-outs included
                reason = f"FCM: {type(error).__name__}"
            else:
                if response.status_code == 200:
                    return PushOutcome.sent(str(_json(response).get("name", "")))
                code, text, token_field = fcm_error(response)
                if response.status_code == 401 and code != "THIRD_PARTY_AUTH_ERROR" and not refreshed:
                    refreshed = True
                    await self.access_token(stale=token)
                    continue
                outcome = _final(response.status_code, code, text, token_field)
                if outcome is not None:
                    return outcome
                reason, hint = f"FCM {code}: {text}", retry_after(response, now=self._wall_clock)
            wait = backoff.wait(attempt, hint)
            if attempt >= backoff.attempts or wait > backoff.max_wait_seconds:
                return PushOutcome.retry(reason, wait)
            log.warning("%s (try %d/%d, again in %.1fs)", reason, attempt, backoff.attempts, wait)
            await self._sleep(wait)
            attempt += 1


class OAuthRefused(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status


def _final(status: int, code: str, text: str, token_field: bool) -> PushOutcome | None:
    """The outcome of an FCM error that is not retried here; None for those that are."""
    if code in TOKEN_GONE_CODES or (code == "INVALID_ARGUMENT" and token_field):
        return PushOutcome.token_gone(f"FCM {code}: {text}")
    if code in RETRY_CODES or (status in RETRYABLE_STATUS and code not in {"INVALID_ARGUMENT"}):
        return None
    return PushOutcome.rejected(f"FCM {code}: {text}")


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _seconds(value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return 3600.0
    return seconds if 0 < seconds < 86_400 else 3600.0


def data_strings(data: Mapping[str, Any]) -> dict[str, str]:
    """FCM refuses non-string data values: what callers holding numbers or booleans pass instead."""
    return {str(key): value if isinstance(value, str) else json.dumps(value) for key, value in data.items()}
