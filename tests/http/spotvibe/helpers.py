"""SpotVibe wire-test helpers: accounts, tokens, the {"error": ...} envelope, and state read back from the DB."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sql.identity import tables as identity_tables
from application.identity.ports import UserRepository
from application.identity.services import Authenticate, IssuedTokens, LogIn, LogInCommand, RegisterCommand, RegisterUser
from domain.identity.model import Realm, User
from tests.http.conftest import Api

PASSWORD = "Sup3r-secret!"
NEW_PASSWORD = "Autre-secret-42"
# The smallest valid PNG (1x1, transparent).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def register(api: Api, username: str = "awa", email: str = "awa@example.com", **fields: Any
                   ) -> httpx.Response:
    body: dict[str, Any] = {"username": username, "email": email, "password": PASSWORD, "first_name": "Awa",
                            "last_name": "Diallo"}
    body.update(fields)
    return await api.client.post("/api/users/register/", json=body)


async def login(api: Api, email: str = "awa@example.com", password: str = PASSWORD) -> httpx.Response:
    return await api.client.post("/api/users/login/", json={"email": email, "password": password})


async def account(api: Api, username: str = "awa", email: str = "awa@example.com", **fields: Any
                  ) -> dict[str, str]:
    """Registers then logs in; returns {"access", "refresh"}."""
    created = await register(api, username, email, **fields)
    assert created.status_code == 201, created.text
    return await tokens(api, email)


async def tokens(api: Api, email: str = "awa@example.com", password: str = PASSWORD) -> dict[str, str]:
    logged = await login(api, email, password)
    assert logged.status_code == 200, logged.text
    body: dict[str, str] = logged.json()
    assert set(body) == {"access", "refresh"}, body
    return body


def error(response: httpx.Response, status: int, *fields: str) -> dict[str, Any]:
    """Asserts SpotVibe's envelope with this status, and "details" naming these fields when given."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert isinstance(body.get("error"), str) and body["error"], body
    assert not {"access", "refresh"} & set(body), body
    for name in fields:
        assert name in body.get("details", {}), body
    return body


async def user_count(api: Api) -> int:
    async with api.container() as request:
        session = await request.get(AsyncSession)
        count = await session.scalar(select(func.count()).select_from(identity_tables.users))
        return int(count or 0)


async def user_in_db(api: Api, email: str, realm: Realm = Realm.SPOTVIBE) -> User | None:
    async with api.container() as request:
        users = await request.get(UserRepository)
        user: User | None = await users.by_email(realm, email)
        return user


async def foreign_tokens(api: Api, email: str = "awa@example.com") -> dict[Realm, IssuedTokens]:
    """Valid sessions of the Mairie and EEBC realms (same email, same password as the SpotVibe helpers)."""
    found: dict[Realm, IssuedTokens] = {}
    commands = (RegisterCommand(realm=Realm.MAIRIE, email=email, password=PASSWORD, role="mayor",
                                municipality_code="75001"),
                RegisterCommand(realm=Realm.EEBC, email=email, password=PASSWORD, username="awa.eebc",
                                site_code="CAB"))
    for command in commands:
        realm = command.realm
        async with api.container() as request:
            register_user = await request.get(RegisterUser)
            await register_user(command, administrative=True)
        async with api.container() as request:
            log_in = await request.get(LogIn)
            result = await log_in(LogInCommand(realm=realm, identifier=email, password=PASSWORD))
            assert isinstance(result, IssuedTokens)
            found[realm] = result
        async with api.container() as request:
            authenticate = await request.get(Authenticate)
            await authenticate(realm, result.access)
    return found


async def last_code(api: Api, address: str) -> str:
    """The 6-digit code of the latest email to this address that carries one (after relaying the outbox): the
    welcome email is another job, which may be delivered after the code's."""
    assert await api.last_email_to(address) is not None, [m.to for m in api.mailbox.sent]
    texts = [m.text for m in api.mailbox.sent if m.to == address]
    codes = [found.group(1) for text in texts if (found := re.search(r"\b(\d{6})\b", text))]
    assert codes, texts
    return codes[-1]
