"""The publications' demo seed: 200 publications of the demo town across statuses, once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.publications import tables
from entrypoints.seed_publications import publications_demo
from tests.http.conftest import Api


async def test_the_demo_seed_adds_200_publications_once(api: Api) -> None:
    first = await publications_demo(api.container)
    assert first["publications"] == 200 and first["likes"] > 0 and first["comments"] > 0
    async with api.container() as request:
        session = await request.get(AsyncSession)
        found = Counter((await session.execute(select(tables.publications.c.status))).scalars().all())
    assert found == {"published": 150, "draft": 20, "scheduled": 15, "archived": 15}
    assert await publications_demo(api.container) == {}
