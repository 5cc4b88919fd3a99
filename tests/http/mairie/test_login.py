"""POST /api/v1/auth/login/ (spec 1.2), password step; the two-factor step is in test_two_factor.py."""

from __future__ import annotations

from tests.http.conftest import Api
from tests.http.mairie.helpers import API, PASSWORD, bearer, error, login, mayor, register, spotvibe_token, user_in_db


async def test_login_returns_tokens_and_the_user_with_its_municipality(api: Api) -> None:
    await register(api, "maire@paris1.fr", role="mayor", municipality_name="Mairie de Paris 1er")

    response = await login(api, "Maire@Paris1.fr")

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in", "user"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["access_token"] != body["refresh_token"]
    user = body["user"]
    assert set(user) == {"id", "email", "first_name", "last_name", "role", "avatar_url", "municipality"}
    assert (user["email"], user["role"], user["avatar_url"]) == ("maire@paris1.fr", "mayor", None)
    assert user["municipality"]["name"] == "Mairie de Paris 1er"
    assert user["municipality"]["code"] == "75001"
    assert isinstance(user["municipality"]["id"], int)
    me = await api.client.get(f"{API}/auth/profile/", headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.json()["id"] == user["id"]


async def test_wrong_password_and_unknown_email_answer_alike(api: Api) -> None:
    await mayor(api)

    wrong = await login(api, "maire@paris1.fr", "Wrong-password1")
    unknown = await login(api, "personne@paris1.fr", PASSWORD)

    assert error(wrong, 401, "UNAUTHORIZED") == error(unknown, 401, "UNAUTHORIZED")
    stored = await user_in_db(api, "maire@paris1.fr")
    assert stored is not None and stored.last_login is not None  # from the successful login in mayor()
    assert stored.failed_logins == 1


async def test_missing_fields_are_named(api: Api) -> None:
    response = await api.client.post(f"{API}/auth/login/", json={})

    details = error(response, 422, "VALIDATION_ERROR")["details"]
    assert details == {"email": ["Ce champ est requis"], "password": ["Ce champ est requis"]}


async def test_wrong_types_are_a_validation_error(api: Api) -> None:
    response = await api.client.post(f"{API}/auth/login/", json={"email": 3, "password": "x"})

    assert "email" in error(response, 422, "VALIDATION_ERROR")["details"]


async def test_a_body_mixing_both_steps_is_refused(api: Api) -> None:
    await mayor(api)

    response = await api.client.post(f"{API}/auth/login/", json={
        "email": "maire@paris1.fr", "password": PASSWORD, "challenge_token": "x", "otp_code": "123456"})

    assert "non_field_errors" in error(response, 422, "VALIDATION_ERROR")["details"]


async def test_five_failures_lock_the_account(api: Api) -> None:
    await mayor(api)
    for _ in range(4):
        error(await login(api, "maire@paris1.fr", "Wrong-password1"), 401, "UNAUTHORIZED")

    locked = error(await login(api, "maire@paris1.fr", "Wrong-password1"), 401, "ACCOUNT_LOCKED")
    still = error(await login(api, "maire@paris1.fr", PASSWORD), 401, "ACCOUNT_LOCKED")

    assert locked["details"]["locked"] is True and locked["details"]["remaining_minutes"] == 15
    assert still["details"]["locked"] is True


async def test_an_account_of_another_realm_cannot_log_in_here(api: Api) -> None:
    await spotvibe_token(api)  # awa@example.com exists on SpotVibe only

    response = await login(api, "awa@example.com", PASSWORD)

    error(response, 401, "UNAUTHORIZED")


async def test_a_mairie_token_is_refused_by_spotvibe(api: Api) -> None:
    tokens = await mayor(api)

    response = await api.client.get("/api/users/profile/", headers=bearer(tokens["access_token"]))

    assert response.status_code == 401
