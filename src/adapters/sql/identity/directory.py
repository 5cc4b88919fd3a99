"""Identity's accounts as the notifications context reads them (its `Directory` port): one query per batch."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.identity.tables import users
from application.notifications.ports import Recipient

_RECIPIENTS = select(users.c.id, users.c.realm, users.c.username, users.c.first_name, users.c.email, users.c.phone,
                     users.c.is_active)


class SqlDirectory:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def recipients(self, user_ids: Sequence[int]) -> dict[int, Recipient]:
        if not user_ids:
            return {}
        rows = await self._session.execute(_RECIPIENTS.where(users.c.id.in_(list(user_ids))))
        return {row.id: Recipient(user_id=row.id, realm=row.realm, username=row.username, first_name=row.first_name,
                                  email=row.email or None, phone=row.phone, active=row.is_active)
                for row in rows}
