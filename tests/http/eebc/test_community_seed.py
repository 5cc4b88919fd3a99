"""The community demo seed: two sites, 150 members in 50 families, ten accounts; once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.identity.tables import users
from entrypoints.seed_community import DEMO_PASSWORD, community_demo
from tests.http.conftest import Api
from tests.http.eebc.community_helpers import MEMBERS
from tests.http.eebc.conftest import bearer, log_in


async def test_the_demo_seed_adds_the_directory_once(api: Api) -> None:
    first = await community_demo(api.container)
    assert first["members"] == 150 and first["families"] == 50 and first["accounts"] == 10
    again = await community_demo(api.container)
    assert again == {"sites": 0, "members": 0, "families": 0, "accounts": 0}
    async with api.container() as request:
        session = await request.get(AsyncSession)
        names = (await session.execute(select(users.c.username))).scalars().all()
    assert len(names) == 10 and all(name.endswith(".head") for name in names)
    login = await log_in(api, names[0], DEMO_PASSWORD)
    assert login["user"]["member_id"] is not None
    body = (await api.client.get(MEMBERS, headers=bearer(login["access"]))).json()
    assert body["count"] == 150
    assert {m["site"]["code"] for m in body["results"]} <= {"CAB", "MAC"}
