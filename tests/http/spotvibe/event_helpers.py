"""SpotVibe events wire-test helpers: people (organiser, other, admin), an event body, events created and
moderated over the wire, and the events table read back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.ticketing import tables
from application.identity.ports import UserRepository
from application.shared.ports import UnitOfWork
from domain.identity.model import Realm
from tests.http.conftest import Api
from tests.http.spotvibe.helpers import account, bearer

EVENTS = "/api/events/"
CREATE = "/api/events/create/"
BULK = "/api/admin/bulk-action/"
DETAIL_FIELDS = {"id", "titre", "description", "description_courte", "date_debut", "date_fin", "lieu", "adresse",
                 "latitude", "longitude", "createur", "categorie", "type_acces", "prix", "image_couverture", "statut",
                 "nombre_vues", "nombre_partages", "capacite", "places_restantes", "types_billets", "raison_rejet",
                 "date_creation"}
ITEM_FIELDS = {"id", "titre", "description_courte", "date_debut", "lieu", "image_couverture", "statut"}


@dataclass
class Person:
    id: int
    username: str
    headers: dict[str, str]


async def person(api: Api, username: str, *, admin: bool = False, verified: bool = True) -> Person:
    """A SpotVibe account (identity verified unless told otherwise: no creation limit) and its bearer."""
    issued = await account(api, username, f"{username}@example.com")
    async with api.container() as request:
        users = await request.get(UserRepository)
        user = await users.by_email(Realm.SPOTVIBE, f"{username}@example.com")
        assert user is not None and user.id is not None
        user.identity_verified = verified
        user.photo = f"/media/avatars/{username}.png"
        if admin:
            user.roles = [*user.roles, "admin"]
        await users.save(user)
        await (await request.get(UnitOfWork)).commit()
    return Person(user.id, username, bearer(issued["access"]))


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def body(**changes: Any) -> dict[str, Any]:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    values: dict[str, Any] = {
        "titre": "Festival de Jazz", "description": "Un festival annuel de jazz avec des artistes internationaux.",
        "date_debut": iso(start), "date_fin": iso(start + timedelta(days=2)), "lieu": "Parc Central",
        "adresse": "123 Rue de la Musique, Cotonou", "categorie": 1, "type_acces": "PAYANT", "prix": "5000.00",
        "capacite": 300, "latitude": 6.3654, "longitude": 2.4183}
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


async def create(api: Api, who: Person, **changes: Any) -> dict[str, Any]:
    response = await api.client.post(CREATE, json=body(**changes), headers=who.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()["event"]
    return created


async def published(api: Api, who: Person, admin: Person, **changes: Any) -> dict[str, Any]:
    created = await create(api, who, **changes)
    response = await api.client.post(BULK, json={"action_type": "approve_events", "object_ids": [created["id"]]},
                                     headers=admin.headers)
    assert response.status_code == 200, response.text
    return created


async def event_count(api: Api) -> int:
    async with api.container() as request:
        session = await request.get(AsyncSession)
        return int(await session.scalar(select(func.count()).select_from(tables.events)) or 0)


async def stored(api: Api, event_id: int) -> Any:
    async with api.container() as request:
        session = await request.get(AsyncSession)
        return (await session.execute(select(tables.events).where(tables.events.c.id == event_id))).one_or_none()
