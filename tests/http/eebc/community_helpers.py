"""Sites, staff accounts and members for the community tests (and any EEBC test that needs a directory)."""

from __future__ import annotations

from typing import Any

from application.community.ports import SiteRepository
from application.shared.ports import Clock, UnitOfWork
from domain.community.model import DEFAULT_SITES, Site
from tests.http.conftest import Api
from tests.http.eebc.conftest import bearer, create_user, log_in

MEMBERS = "/eebc/api/v1/members/"
STAFF_MEMBERS = "/eebc/api/v1/staff/members/"
STAFF_SITES = "/eebc/api/v1/staff/sites/"
STAFF_FAMILIES = "/eebc/api/v1/staff/families/"


async def ensure_sites(api: Api) -> dict[str, int]:
    """CAB and MAC (as the migration puts them), whatever the clean-up left: code -> id."""
    async with api.container() as request:
        sites, uow, clock = await request.get(SiteRepository), await request.get(UnitOfWork), await request.get(Clock)
        for code, name in DEFAULT_SITES:
            if await sites.by_code(code) is None:
                await sites.add(Site(code=code, name=name, created_at=clock.now()))
        await uow.commit()
        return {s.code: s.id for s in await sites.all() if s.id is not None}


async def staff(api: Api, role: str = "admin", site: str = "CAB", username: str | None = None) -> dict[str, str]:
    """Headers of a signed-in account with this role on this site."""
    name = username or f"{role}.{site}".lower()
    await create_user(api, name, f"{name}@example.com", role=role, site_code=site)
    return bearer((await log_in(api, name))["access"])


async def add_member(api: Api, headers: dict[str, str], site_id: int, first_name: str, last_name: str,
                     **fields: Any) -> dict[str, Any]:
    response = await api.client.post(STAFF_MEMBERS, headers=headers, json={
        "site": site_id, "first_name": first_name, "last_name": last_name, **fields})
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data
