"""`agora seed --demo` fills the catalogue through the use cases, once: a second run adds nothing."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.ticketing import tables
from adapters.sql.ticketing_sales import tables as sales_tables
from entrypoints.seed import DEMO_PASSWORD, seed_demo
from tests.http.conftest import Api
from tests.http.spotvibe.helpers import bearer, login, tokens


async def statuses(api: Api) -> Counter[str]:
    async with api.container() as request:
        session = await request.get(AsyncSession)
        rows = await session.execute(select(tables.events.c.status, tables.events.c.ends_at))
        return Counter(str(status) for status, _ in rows)


async def test_the_demo_seed_fills_the_catalogue_once(api: Api) -> None:
    first = await seed_demo(api.container)
    assert first["ticketing.events"] == 50 and first["ticketing.accounts"] == 17
    assert first["ticketing.participations"] > 0
    found = await statuses(api)
    assert set(found) == {"VALIDE", "EN_ATTENTE", "BROUILLON", "REJETE", "ANNULE"} and sum(found.values()) == 50
    again = await seed_demo(api.container)
    assert first["ticketing.ticket_types"] > 0 and first["ticketing.tickets"] > 0
    async with api.container() as request:
        session = await request.get(AsyncSession)
        sold = (await session.execute(select(sales_tables.tickets.c.status))).scalars().all()
    assert set(sold) == {"PAYE"} and len(sold) == first["ticketing.tickets"]
    # A second run adds nothing, in any context (each reports its counts, or nothing at all).
    assert {"ticketing.events", "ticketing.tickets", "community.members"} <= set(again)
    assert {name: count for name, count in again.items() if count} == {}
    assert await statuses(api) == found
    catalogue = (await api.client.get("/api/events/")).json()
    assert catalogue["count"] == 25  # published and not over
    over = (await api.client.get("/api/events/", params={"status": "TERMINE"})).json()
    assert over["count"] == 5
    assert (await login(api, "beninlive@spotvibe.demo", DEMO_PASSWORD)).status_code == 200


async def test_the_demo_seed_fills_the_demo_inboxes(api: Api) -> None:
    added = await seed_demo(api.container)
    assert added["notifications.notifications"] == 12 * 3 + 4 * 3 + 17  # reminders, comments, the announcement
    fan = await tokens(api, "fan12@spotvibe.demo", DEMO_PASSWORD)
    inbox = (await api.client.get("/api/notifications/", headers=bearer(fan["access"]))).json()
    assert [n["type_notification"] for n in inbox].count("EVENT_REMINDER") == 3
    assert all(not n["is_read"] for n in inbox)
    read_fan = await tokens(api, "fan01@spotvibe.demo", DEMO_PASSWORD)
    stats = (await api.client.get("/api/notifications/stats/", headers=bearer(read_fan["access"]))).json()
    assert stats == {"total_notifications": 4, "read_notifications": 4, "unread_notifications": 0}
    organiser = await tokens(api, "beninlive@spotvibe.demo", DEMO_PASSWORD)
    comments = (await api.client.get("/api/notifications/", headers=bearer(organiser["access"]))).json()
    assert [n["type_notification"] for n in comments].count("NEW_COMMENT") == 3
