"""EEBC helpers: accounts are created by administrators (RegisterUser administrative=True), as the CLI does."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from application.identity.services import RegisterCommand, RegisterUser
from domain.identity.model import Realm, User
from tests.http.conftest import Api

PASSWORD = "Grace-et-paix-2024"
LOGIN = "/eebc/api/v1/auth/login/"
REFRESH = "/eebc/api/v1/auth/refresh/"
LOGOUT = "/eebc/api/v1/auth/logout/"
PASSWORD_URL = "/eebc/api/v1/auth/password/"
PROFILE = "/eebc/api/v1/profile/"


async def create_user(api: Api, username: str = "jean.dupont", email: str = "jean@example.com", *,
                      password: str = PASSWORD, role: str = "membre", site_code: str = "CAB",
                      must_change_password: bool = False, **fields: Any) -> User:
    async with api.container() as request:
        register = await request.get(RegisterUser)
        return await register(RegisterCommand(
            realm=Realm.EEBC, username=username, email=email, password=password, role=role,
            site_code=site_code, must_change_password=must_change_password, **fields,
        ), administrative=True)


async def log_in(api: Api, username: str = "jean.dupont", password: str = PASSWORD) -> dict[str, Any]:
    """The `data` of a successful login."""
    response = await api.client.post(LOGIN, json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_error(response: httpx.Response, status: int, *fields: str) -> dict[str, Any]:
    """The EEBC envelope with this status, and `details` naming these fields when given."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["success"] is False, body
    assert body["error"]["code"] == status, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"], body
    for name in fields:
        assert name in body["error"]["details"], body
    return body


async def spotvibe_tokens(api: Api) -> dict[str, str]:
    """A valid SpotVibe pair {access, refresh} (face mounted at /), for realm-separation tests."""
    created = await api.client.post("/api/users/register/", json={
        "username": "jean.dupont", "email": "jean@example.com", "password": PASSWORD})
    assert created.status_code == 201, created.text
    login = await api.client.post("/api/users/login/", json={"email": "jean@example.com", "password": PASSWORD})
    assert login.status_code == 200, login.text
    tokens: dict[str, str] = login.json()
    return tokens


@pytest.fixture
async def member(api: Api) -> User:
    return await create_user(api, first_name="Jean", last_name="Dupont", phone="0694123456")
