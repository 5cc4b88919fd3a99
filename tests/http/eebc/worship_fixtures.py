"""Sites and members for the worship HTTP tests, inserted as the community context stores them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.community.tables import members, sites
from tests.http.conftest import Api

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


async def add_site(api: Api, code: str, name: str) -> int:
    async with api.container() as request:
        session = await request.get(AsyncSession)
        site_id: int = await session.scalar(insert(sites).values(
            code=code, name=name, address="", city="", is_active=True, next_member_number=1, created_at=NOW,
        ).returning(sites.c.id))
        await session.commit()
    return site_id


async def add_member(api: Api, site_id: int, first_name: str, last_name: str, user_id: int | None = None,
                     **fields: Any) -> int:
    async with api.container() as request:
        session = await request.get(AsyncSession)
        member_id: int = await session.scalar(insert(members).values(
            member_code=f"EEBC-{site_id}-{first_name}-{last_name}", site_id=site_id, user_id=user_id,
            first_name=first_name, last_name=last_name, created_at=NOW, updated_at=NOW, **fields,
        ).returning(members.c.id))
        await session.commit()
    return member_id
