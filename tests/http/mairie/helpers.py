"""Small helpers for the Mairie wire tests: accounts, tokens, the envelope, and reading state back."""

from __future__ import annotations

import re
from typing import Any

import httpx

from application.identity.ports import MunicipalityRepository, UserRepository
from domain.identity.model import Municipality, Realm, User
from tests.http.conftest import Api

API = "/mairie/api/v1"
PASSWORD = "Sup3r-secret!"
# The smallest valid PNG (1x1, transparent).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def register(api: Api, email: str, *, role: str = "citizen", code: str = "75001", token: str | None = None,
                   **fields: Any) -> httpx.Response:
    body: dict[str, Any] = {
        "email": email, "password": PASSWORD, "password_confirm": PASSWORD, "first_name": "Jean",
        "last_name": "Dupont", "role": role, "phone": "+33612345678", "municipality_code": code,
    }
    body.update(fields)
    return await api.client.post(f"{API}/auth/register/", json=body, headers=bearer(token) if token else None)


async def login(api: Api, email: str, password: str = PASSWORD) -> httpx.Response:
    return await api.client.post(f"{API}/auth/login/", json={"email": email, "password": password})


async def account(api: Api, email: str, *, role: str = "citizen", code: str = "75001",
                  token: str | None = None) -> dict[str, Any]:
    """Registers then logs in; returns the login body."""
    created = await register(api, email, role=role, code=code, token=token)
    assert created.status_code == 201, created.text
    logged = await login(api, email)
    assert logged.status_code == 200, logged.text
    body: dict[str, Any] = logged.json()
    return body


async def mayor(api: Api, email: str = "maire@paris1.fr", code: str = "75001") -> dict[str, Any]:
    return await account(api, email, role="mayor", code=code)


async def spotvibe_token(api: Api) -> str:
    created = await api.client.post("/api/users/register/", json={
        "username": "awa", "email": "awa@example.com", "password": PASSWORD})
    assert created.status_code == 201, created.text
    logged = await api.client.post("/api/users/login/", json={"email": "awa@example.com", "password": PASSWORD})
    assert logged.status_code == 200, logged.text
    token: str = logged.json()["access"]
    return token


def error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Asserts the Mairie envelope with this status and code; returns the inner error object."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["code"] == code, body
    assert body["error"]["message"], body
    inner: dict[str, Any] = body["error"]
    return inner


async def user_in_db(api: Api, email: str) -> User | None:
    async with api.container() as request:
        users: UserRepository = await request.get(UserRepository)
        return await users.by_email(Realm.MAIRIE, email)


async def municipality_in_db(api: Api, code: str) -> Municipality | None:
    async with api.container() as request:
        municipalities: MunicipalityRepository = await request.get(MunicipalityRepository)
        return await municipalities.by_code(code)


async def emailed_code(api: Api, email: str) -> str:
    message = await api.last_email_to(email)
    assert message is not None, f"no email to {email}"
    found = re.search(r"\b(\d{6})\b", message.text)
    assert found, message.text
    return found.group(1)


async def reset_token(api: Api, email: str) -> str:
    message = await api.last_email_to(email)
    assert message is not None, f"no email to {email}"
    found = re.search(r"Code de réinitialisation : (\S+)", message.text)
    assert found, message.text
    return found.group(1)
