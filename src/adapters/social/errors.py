"""What goes wrong on the provider's side, as opposed to a bad token.

`ProviderUnavailable` means Google or Facebook is down, too slow or answered nonsense: the user's token may
well be fine, so the client should simply try again later (a 503-like condition). It is a plain DomainError
subclass of the shared `Unavailable` kind, which every face answers with 503.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import httpx

from domain.shared.errors import Unavailable

RETRY_DELAY_SECONDS = 0.1


class ProviderUnavailable(Unavailable):
    def __init__(self, provider: str) -> None:
        super().__init__(f"{provider} est injoignable pour le moment, réessayez plus tard")
        self.provider = provider


async def get_with_retry(
    client: httpx.AsyncClient, url: str, *, provider: str, params: Mapping[str, str] | None = None
) -> httpx.Response:
    """GET, tried a second time after a 5xx answer, a timeout or a network failure.

    The exception is not chained: request URLs can carry tokens and the app secret.
    """
    for attempt in range(2):
        if attempt:
            await asyncio.sleep(RETRY_DELAY_SECONDS)
        try:
            response = await client.get(url, params=params)
        except httpx.TransportError:
            continue
        if response.status_code < 500:
            return response
    raise ProviderUnavailable(provider)
