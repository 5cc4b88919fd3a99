"""`agora seed --demo`'s church events: 25 events across the sites, registrations of members with an account
(the waiting list of full events too), idempotent; nothing without sites."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.church_events.tables import events, registrations
from adapters.sql.community.tables import members
from entrypoints.seed_church_events import church_events_demo
from tests.http.conftest import Api
from tests.http.eebc.church_event_helpers import add_site
from tests.http.eebc.conftest import create_user


async def counts(api: Api) -> tuple[int, int, int]:
    async with api.container() as request:
        session = await request.get(AsyncSession)
        n_events = await session.scalar(select(func.count()).select_from(events))
        n_regs = await session.scalar(select(func.count()).select_from(registrations))
        waiting = await session.scalar(select(func.count()).select_from(registrations)
                                       .where(registrations.c.status == "waiting"))
        return int(n_events or 0), int(n_regs or 0), int(waiting or 0)


async def test_the_demo_seed_adds_events_and_registrations_once(api: Api) -> None:
    assert await church_events_demo(api.container) == {"events": 0, "registrations": 0}  # no site yet
    cab, mac = await add_site(api, "CAB", "Cabassou"), await add_site(api, "MAC", "Macouria")
    now = datetime.now(UTC)
    async with api.container() as request:
        session = await request.get(AsyncSession)
        for n in range(40):
            user = await create_user(api, f"membre{n:02d}", f"membre{n:02d}@example.com")
            await session.execute(insert(members).values(
                member_code=f"EEBC-T-{n:04d}", site_id=cab if n % 2 else mac, user_id=user.id, first_name="M",
                last_name=f"N{n}", created_at=now, updated_at=now))
        await session.commit()
    added = await church_events_demo(api.container)
    assert added["events"] == 25 and added["registrations"] > 0
    n_events, n_regs, waiting = await counts(api)
    assert (n_events, n_regs) == (25, added["registrations"]) and waiting > 0
    assert await church_events_demo(api.container) == {"events": 0, "registrations": 0}
    assert (await counts(api))[0] == 25
