"""Expo push: messages in batches of at most 100 per request, at most 6 requests at once; tickets in the
messages' order; receipts later through `getReceipts` (at most 1000 ids a request).

Protocol: /work/shared/providers/protocols.md, section 5 (Expo push)."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from adapters.push.retry import RETRYABLE_STATUS, Backoff, Sleep, real_sleep, retry_after
from application.notifications.channels import Priority, PushMessage, PushOutcome, is_expo_token

log = logging.getLogger("agora.push")

SEND_PATH = "/--/api/v2/push/send"
RECEIPTS_PATH = "/--/api/v2/push/getReceipts"
MAX_BATCH = 100
MAX_RECEIPT_IDS = 1000
GONE_ERRORS = frozenset({"DeviceNotRegistered"})
RETRY_ERRORS = frozenset({"MessageRateExceeded"})


@dataclass(frozen=True)
class ExpoSettings:
    access_token: str | None = None  # needed once "enhanced push security" is on for the project
    base_url: str = "https://exp.host"
    batch_size: int = MAX_BATCH
    concurrency: int = 6
    gzip_above_bytes: int = 1024
    timeout_seconds: float = 10.0
    backoff: Backoff = field(default_factory=lambda: Backoff(attempts=4, base_seconds=1.0, max_wait_seconds=30.0))


def expo_body(message: PushMessage) -> dict[str, Any]:
    body: dict[str, Any] = {"to": message.token, "title": message.title, "body": message.body,
                            "priority": "high" if message.priority is Priority.HIGH else "normal"}
    if message.data:
        body["data"] = dict(message.data)
    if message.sound:
        body["sound"] = message.sound
    if message.badge is not None:
        body["badge"] = message.badge
    if message.ttl_seconds is not None:
        body["ttl"] = message.ttl_seconds
    return body


def ticket_outcome(ticket: Any) -> PushOutcome:
    """A ticket (or a receipt) as an outcome."""
    if not isinstance(ticket, dict):
        return PushOutcome.retry("Expo: ticket illisible", 60.0)
    if ticket.get("status") == "ok":
        return PushOutcome.sent(str(ticket.get("id", "")))
    details = ticket.get("details")
    error = str(details.get("error") or "") if isinstance(details, dict) else ""
    reason = f"Expo {error or 'error'}: {ticket.get('message', '')}".strip()
    if error in GONE_ERRORS:
        return PushOutcome.token_gone(reason)
    if error in RETRY_ERRORS:
        return PushOutcome.retry(reason, 60.0)
    return PushOutcome.rejected(reason)


def request_errors(response: httpx.Response) -> tuple[set[str], str]:
    """The codes and the text of a whole-request failure `{"errors":[{"code","message"}]}`."""
    try:
        errors = response.json().get("errors") or []
    except (ValueError, AttributeError):
        errors = []
    codes = {str(e.get("code")) for e in errors if isinstance(e, dict)}
    text = "; ".join(str(e.get("message", "")) for e in errors if isinstance(e, dict)) or response.text[:200]
    return codes, text


class ExpoSender:
    """PushSender for Expo tokens and ExpoReceipts."""

    def __init__(self, settings: ExpoSettings | None = None, *, client: httpx.AsyncClient | None = None,
                 sleep: Sleep = real_sleep, wall_clock: Callable[[], float] | None = None) -> None:
        self.settings = settings or ExpoSettings()
        self._client = client or httpx.AsyncClient(base_url=self.settings.base_url.rstrip("/"),
                                                   timeout=httpx.Timeout(self.settings.timeout_seconds))
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._slots = asyncio.Semaphore(self.settings.concurrency)

    async def aclose(self) -> None:
        await self._client.aclose()

    # ------------------------------------------------------------ send

    async def send(self, messages: Sequence[PushMessage]) -> list[PushOutcome]:
        outcomes: list[PushOutcome | None] = [None] * len(messages)
        valid: list[int] = []
        for index, message in enumerate(messages):
            if is_expo_token(message.token):
                valid.append(index)
            else:
                outcomes[index] = PushOutcome.token_gone(f"not an Expo push token: {message.token[:40]!r}")
        size = max(1, min(self.settings.batch_size, MAX_BATCH))
        batches = [valid[start:start + size] for start in range(0, len(valid), size)]
        answers = await asyncio.gather(*(self._send_batch([messages[i] for i in batch]) for batch in batches))
        for batch, answer in zip(batches, answers, strict=True):
            for index, outcome in zip(batch, answer, strict=True):
                outcomes[index] = outcome
        return [outcome for outcome in outcomes if outcome is not None]

    async def _send_batch(self, batch: list[PushMessage]) -> list[PushOutcome]:
        answer = await self._post(SEND_PATH, [expo_body(m) for m in batch])
        if isinstance(answer, PushOutcome):
            if "PUSH_TOO_MANY_NOTIFICATIONS" in answer.reason and len(batch) > 1:
                log.error("Expo refused a batch of %d as too many: splitting it (a bug: at most %d)",
                          len(batch), MAX_BATCH)
                half = len(batch) // 2
                first, second = await asyncio.gather(self._send_batch(batch[:half]), self._send_batch(batch[half:]))
                return first + second
            return [answer] * len(batch)
        tickets = answer.get("data")
        if not isinstance(tickets, list) or len(tickets) != len(batch):
            return [PushOutcome.retry("Expo: réponse sans un ticket par message", self.settings.backoff.base_seconds)
                    ] * len(batch)
        return [ticket_outcome(ticket) for ticket in tickets]

    # ------------------------------------------------------------ receipts

    async def check(self, ticket_ids: Sequence[str]) -> dict[str, PushOutcome]:
        ids = list(dict.fromkeys(ticket_ids))
        chunks = [ids[start:start + MAX_RECEIPT_IDS] for start in range(0, len(ids), MAX_RECEIPT_IDS)]
        found: dict[str, PushOutcome] = {}
        for answer in await asyncio.gather(*(self._post(RECEIPTS_PATH, {"ids": chunk}) for chunk in chunks)):
            if isinstance(answer, PushOutcome):
                log.warning("Expo receipts not read (asked again later): %s", answer.reason)
                continue
            receipts = answer.get("data")
            if isinstance(receipts, dict):
                found.update({str(key): ticket_outcome({"id": key, **value}) if isinstance(value, dict)
                              else ticket_outcome(value) for key, value in receipts.items()})
        return found

    # ------------------------------------------------------------ plumbing

    async def _post(self, path: str, payload: Any) -> dict[str, Any] | PushOutcome:
        """The 200 body, or the outcome that applies to every message of the request (after the retries)."""
        content = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        headers = {"accept": "application/json", "accept-encoding": "gzip, deflate",
                   "content-type": "application/json"}
        if len(content) > self.settings.gzip_above_bytes:
            content, headers["content-encoding"] = gzip.compress(content), "gzip"
        if self.settings.access_token:
            headers["authorization"] = f"Bearer {self.settings.access_token}"
        backoff, attempt = self.settings.backoff, 1
        while True:
            hint: float | None = None
            try:
                async with self._slots:
                    response = await self._client.post(path, content=content, headers=headers)
            except httpx.TransportError as error:
                reason = f"Expo: {type(error).__name__}"
            else:
                if response.status_code == 200:
                    try:
                        body = response.json()
                    except ValueError:
                        body = None
                    if isinstance(body, dict):
                        return body
                    reason = "Expo: réponse illisible"
                else:
                    codes, text = request_errors(response)
                    reason = f"{','.join(sorted(codes)) or response.status_code}: {text}"
                    if response.status_code not in RETRYABLE_STATUS and "TOO_MANY_REQUESTS" not in codes:
                        return PushOutcome.rejected(reason)
                    hint = (retry_after(response) if self._wall_clock is None
                            else retry_after(response, now=self._wall_clock))
            wait = backoff.wait(attempt, hint)
            if attempt >= backoff.attempts or wait > backoff.max_wait_seconds:
                return PushOutcome.retry(reason, wait)
            log.warning("Expo %s: %s (try %d/%d, again in %.1fs)", path, reason, attempt, backoff.attempts, wait)
            await self._sleep(wait)
            attempt += 1
