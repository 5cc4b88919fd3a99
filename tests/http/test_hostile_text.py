"""Text PostgreSQL cannot store (NUL, lone surrogates) is the client's error: a clear 400/422, never a 500."""

from __future__ import annotations

import pytest

from tests.http.conftest import Api

NUL = "ab\u0000cd"
SURROGATE = '"ab\\udc80cd"'


@pytest.mark.parametrize(("path", "body"), [
    ("/mairie/api/v1/auth/email/verify/confirm/", {"email": "x\u0000@y.fr", "otp_code": "123456"}),
    ("/mairie/api/v1/auth/login/", {"email": NUL, "password": NUL}),
    ("/eebc/api/v1/auth/login/", {"username": NUL, "password": "whatever-pass"}),
    ("/api/users/login/", {"email": NUL, "password": "whatever-pass"}),
    ("/api/users/register/", {"username": "awa", "email": "awa@example.com", "password": "Sup3r-secret!",
                              "first_name": NUL}),
])
async def test_nul_characters_are_refused_cleanly(api: Api, path: str, body: dict[str, str]) -> None:
    response = await api.client.post(path, json=body)
    assert response.status_code in (400, 401, 422), response.text


async def test_lone_surrogates_are_refused_cleanly(api: Api) -> None:
    raw = ('{"username": "awa", "email": "awa@example.com", "password": "Sup3r-secret!", "first_name": '
           + SURROGATE + "}").encode()
    response = await api.client.post("/api/users/register/", content=raw,
                                     headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert (await api.client.post("/api/users/login/", json={"email": "awa@example.com",
                                                             "password": "Sup3r-secret!"})).status_code == 401


async def test_a_profile_field_with_nul_changes_nothing(api: Api) -> None:
    await api.client.post("/api/users/register/", json={"username": "awa", "email": "awa@example.com",
                                                        "password": "Sup3r-secret!", "first_name": "Awa"})
    tokens = (await api.client.post("/api/users/login/", json={"email": "awa@example.com",
                                                               "password": "Sup3r-secret!"})).json()
    headers = {"Authorization": f"Bearer {tokens['access']}"}
    response = await api.client.put("/api/users/profile/", json={"first_name": NUL, "bio": NUL}, headers=headers)
    assert response.status_code == 400, response.text
    assert (await api.client.get("/api/users/profile/", headers=headers)).json()["first_name"] == "Awa"


async def test_a_missing_json_body_is_named_as_such(api: Api) -> None:
    answer = await api.client.post("/api/users/login/")
    assert answer.status_code == 400
    assert answer.json()["details"] == {"non_field_errors": ["Corps de requête JSON requis"]}
