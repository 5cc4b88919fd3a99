"""Helpers of the EEBC events tests: sites in the community tables, accounts by role and site, events by staff."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.community.tables import sites
from adapters.sql.shared.tables import outbox
from application.notifications.topics import NOTIFY
from tests.http.conftest import Api
from tests.http.eebc.conftest import bearer, create_user, log_in

EVENTS = "/eebc/api/v1/events/"
STAFF = "/eebc/api/v1/staff/events/"


def in_days(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def today() -> date:
    return datetime.now(UTC).date()


async def add_site(api: Api, code: str, name: str) -> int:
    async with api.container() as request:
        session = await request.get(AsyncSession)
        site_id = await session.scalar(insert(sites).values(
            code=code, name=name, address="", city="", is_active=True, next_member_number=1,
            created_at=datetime.now(UTC)).returning(sites.c.id))
        await session.commit()
    assert site_id is not None
    return int(site_id)


async def headers_of(api: Api, username: str, role: str = "membre", site: str = "CAB") -> dict[str, str]:
    await create_user(api, username, f"{username}@example.com", role=role, site_code=site)
    return bearer((await log_in(api, username))["access"])


async def user_id(api: Api, headers: dict[str, str]) -> int:
    response = await api.client.get("/eebc/api/v1/profile/", headers=headers)
    assert response.status_code == 200, response.text
    return int(response.json()["data"]["id"])


async def create_event(api: Api, headers: dict[str, str], site_id: int, **fields: Any) -> dict[str, Any]:
    body = {"title": "Culte dominical", "start_date": in_days(5), "start_time": "09:30:00",
            "end_time": "12:00:00", "location": "Temple de Cabassou", "site": site_id, **fields}
    response = await api.client.post(STAFF, json=body, headers=headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def notify_messages(api: Api, kind: str) -> list[dict[str, Any]]:
    """The `notify` requests of this kind: relayed to the queue already, or still in the outbox."""
    relayed = [payload for topic, payload, _ in api.jobs.enqueued if topic == NOTIFY]
    async with api.container() as request:
        session = await request.get(AsyncSession)
        rows = await session.execute(select(outbox.c.payload).where(outbox.c.topic == NOTIFY,
                                                                   outbox.c.dispatched_at.is_(None)))
        pending = [row.payload for row in rows]
    return [payload for payload in relayed + pending if payload.get("kind") == kind]
