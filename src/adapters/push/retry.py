"""The short retries the push and SMS adapters make themselves before answering `retry` to their caller."""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

Sleep = Callable[[float], Awaitable[None]]
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Backoff:
    """`attempts` requests at most; waits `base * 2**n` (or the provider's Retry-After) between them. A wait
    longer than `max_wait` is not slept: the adapter answers `retry` with that hint for the caller's queue."""

    attempts: int = 3
    base_seconds: float = 0.5
    max_wait_seconds: float = 10.0

    def wait(self, attempt: int, retry_after: float | None) -> float:
        """The pause before try `attempt + 1` (`attempt` counts from 1)."""
        exponential = self.base_seconds * 2.0 ** (attempt - 1)
        return max(exponential, retry_after or 0.0)


def retry_after(response: httpx.Response, *, now: Callable[[], float] = time.time) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None when absent or unreadable."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - now())


async def real_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)
