"""The LiveFeed over PostgreSQL: a NOTIFY per new inbox entry, sent inside the transaction that stores it, so that
every API process's listener hears it once it commits (and never when it rolls back)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.live.hub import CHANNEL, payload
from domain.notifications.model import Notification

_NOTIFY = text("SELECT pg_notify(:channel, p) FROM unnest(CAST(:payloads AS text[])) AS p")


class SqlLiveFeed:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def announce(self, notifications: Sequence[Notification]) -> None:
        payloads = [payload(n) for n in notifications if n.id is not None]
        if payloads:
            await self._session.execute(_NOTIFY, {"channel": CHANNEL, "payloads": payloads})
