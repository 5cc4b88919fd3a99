"""Twilio's Messages API: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, HTTP Basic auth (Account SID
and Auth Token, or an API key SID and secret), form body `To`, `From` (a number or an alphanumeric sender id) or
`MessagingServiceSid`, `Body`, optional `StatusCallback`. Answers `201` with the message (`sid`, `status`
"queued" or "accepted"); errors are `{"code","message","more_info","status"}`. The protocol, with its sources,
is in docs/push-and-sms.md."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from adapters.push.retry import RETRYABLE_STATUS, Backoff, Sleep, real_sleep, retry_after
from application.notifications.channels import SmsOutcome
from application.shared.ports import SmsMessage

log = logging.getLogger("agora.sms")

# The number can never receive from us: invalid, unroutable, not a mobile, or it answered STOP.
NUMBER_GONE_CODES = frozenset({21211, 21214, 21217, 21612, 21614, 21610})
RATE_LIMIT_CODES = frozenset({20429, 14107})
MAX_BODY = 1600


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str = ""
    auth_token: str = ""
    api_key_sid: str = ""  # optional: Basic auth with an API key instead of the Auth Token
    sender: str = ""  # `From`: an E.164 number or an alphanumeric sender id (e.g. "SpotVibe")
    messaging_service_sid: str = ""  # `MessagingServiceSid` instead of `From`
    status_callback: str = ""
    base_url: str = "https://api.twilio.com"
    timeout_seconds: float = 10.0
    backoff: Backoff = field(default_factory=Backoff)

    @property
    def configured(self) -> bool:
        return bool(self.account_sid and self.auth_token and (self.sender or self.messaging_service_sid))


class SmsNotSent(Exception):
    """The existing SmsSender port has no outcome: `send` raises this for anything but `sent`."""

    def __init__(self, outcome: SmsOutcome) -> None:
        super().__init__(f"{outcome.kind.value}: {outcome.reason}")
        self.outcome = outcome


def twilio_error(response: httpx.Response) -> tuple[int | None, str]:
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return None, response.text[:200] or f"HTTP {response.status_code}"
    code = body.get("code")
    return (code if isinstance(code, int) else None), str(body.get("message") or f"HTTP {response.status_code}")


class TwilioSms:
    """SmsChannel (`deliver`, with an outcome) and SmsSender (`send`, raising SmsNotSent)."""

    def __init__(self, settings: TwilioSettings, *, client: httpx.AsyncClient | None = None,
                 sleep: Sleep = real_sleep, wall_clock: Callable[[], float] | None = None) -> None:
        self.settings = settings
        username = settings.api_key_sid or settings.account_sid
        self._client = client or httpx.AsyncClient(
            base_url=settings.base_url.rstrip("/"), auth=httpx.BasicAuth(username, settings.auth_token),
            timeout=httpx.Timeout(settings.timeout_seconds))
        self._path = f"/2010-04-01/Accounts/{settings.account_sid}/Messages.json"
        self._sleep, self._wall_clock = sleep, wall_clock

    async def aclose(self) -> None:
        await self._client.aclose()

    async def send(self, message: SmsMessage) -> None:
        outcome = await self.deliver(message)
        if outcome.provider_id is None:
            raise SmsNotSent(outcome)

    async def deliver(self, message: SmsMessage, *, sender: str | None = None) -> SmsOutcome:
        if len(message.text) > MAX_BODY:
            return SmsOutcome.rejected(f"Twilio 21617: more than {MAX_BODY} characters")
        form = {"To": message.to, "Body": message.text}
        if sender or (self.settings.sender and not self.settings.messaging_service_sid):
            form["From"] = sender or self.settings.sender
        else:
            form["MessagingServiceSid"] = self.settings.messaging_service_sid
        if self.settings.status_callback:
            form["StatusCallback"] = self.settings.status_callback
        backoff, attempt = self.settings.backoff, 1
        while True:
            hint: float | None = None
            try:
                response = await self._client.post(self._path, data=form)
            except httpx.TransportError as error:
                reason = f"Twilio: {type(error).__name__}"
            else:
                if response.status_code in (200, 201):
                    try:
                        sid = response.json().get("sid")
                    except (ValueError, AttributeError):
                        sid = None
                    return SmsOutcome.sent(str(sid or ""))
                code, text = twilio_error(response)
                reason = f"Twilio {code or response.status_code}: {text}"
                if code in NUMBER_GONE_CODES:
                    return SmsOutcome.token_gone(reason)
                if response.status_code not in RETRYABLE_STATUS and code not in RATE_LIMIT_CODES:
                    return SmsOutcome.rejected(reason)
                hint = (retry_after(response) if self._wall_clock is None
                        else retry_after(response, now=self._wall_clock))
            wait = backoff.wait(attempt, hint)
            if attempt >= backoff.attempts or wait > backoff.max_wait_seconds:
                return SmsOutcome.retry(reason, wait)
            log.warning("%s (try %d/%d, again in %.1fs)", reason, attempt, backoff.attempts, wait)
            await self._sleep(wait)
            attempt += 1
