"""Identity's accounts of a town, as the publications context reads them (its `TownAccounts` port)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.identity.tables import users
from domain.identity.model import Realm


class SqlTownAccounts:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def active_ids(self, municipality_id: int, after_id: int, limit: int) -> Sequence[int]:
        rows = await self._session.scalars(
            select(users.c.id).where(users.c.realm == Realm.MAIRIE, users.c.municipality_id == municipality_id,
                                     users.c.is_active.is_(True), users.c.id > after_id)
            .order_by(users.c.id).limit(limit))
        return list(rows)
