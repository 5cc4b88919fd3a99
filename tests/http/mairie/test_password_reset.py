"""POST /api/v1/auth/password/forgot/ and /reset/ (spec 1.7, 1.8)."""

from __future__ import annotations

from tests.http.conftest import Api
from tests.http.mairie.helpers import API, PASSWORD, bearer, error, login, mayor, reset_token

FORGOT = f"{API}/auth/password/forgot/"
RESET = f"{API}/auth/password/reset/"
NEW = "N0uveau-secret!"


async def test_forgot_then_reset(api: Api) -> None:
    tokens = await mayor(api)

    forgot = await api.client.post(FORGOT, json={"email": "Maire@Paris1.fr"})

    assert forgot.status_code == 200, forgot.text
    assert forgot.json() == {"message": "Email de réinitialisation envoyé"}
    token = await reset_token(api, "maire@paris1.fr")
    reset = await api.client.post(RESET, json={"token": token, "password": NEW, "password_confirm": NEW})
    assert reset.status_code == 200, reset.text
    assert reset.json() == {"message": "Mot de passe réinitialisé avec succès"}
    assert (await login(api, "maire@paris1.fr", NEW)).status_code == 200
    error(await login(api, "maire@paris1.fr", PASSWORD), 401, "UNAUTHORIZED")
    # every session is closed
    error(await api.client.get(f"{API}/auth/profile/", headers=bearer(tokens["access_token"])), 401,
          "UNAUTHORIZED")


async def test_the_token_is_single_use(api: Api) -> None:
    await mayor(api)
    await api.client.post(FORGOT, json={"email": "maire@paris1.fr"})
    token = await reset_token(api, "maire@paris1.fr")
    first = await api.client.post(RESET, json={"token": token, "password": NEW, "password_confirm": NEW})
    assert first.status_code == 200, first.text

    second = await api.client.post(RESET, json={"token": token, "password": "Encore-un-autre1",
                                                "password_confirm": "Encore-un-autre1"})

    assert "token" in error(second, 422, "VALIDATION_ERROR")["details"]
    assert (await login(api, "maire@paris1.fr", NEW)).status_code == 200


async def test_unknown_email_gets_the_same_answer_and_no_email(api: Api) -> None:
    await mayor(api)
    known = await api.client.post(FORGOT, json={"email": "maire@paris1.fr"})

    unknown = await api.client.post(FORGOT, json={"email": "personne@paris1.fr"})

    assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())
    assert await api.last_email_to("personne@paris1.fr") is None
    assert await api.last_email_to("maire@paris1.fr") is not None


async def test_forgot_bad_input(api: Api) -> None:
    response = await api.client.post(FORGOT, json={})

    assert error(response, 422, "VALIDATION_ERROR")["details"] == {"email": ["Ce champ est requis"]}


async def test_a_bad_new_password_changes_nothing_and_keeps_the_token(api: Api) -> None:
    await mayor(api)
    await api.client.post(FORGOT, json={"email": "maire@paris1.fr"})
    token = await reset_token(api, "maire@paris1.fr")

    short = await api.client.post(RESET, json={"token": token, "password": "court", "password_confirm": "court"})
    mismatch = await api.client.post(RESET, json={"token": token, "password": NEW, "password_confirm": "Autre-1234"})
    missing = await api.client.post(RESET, json={"token": token})

    assert "password" in error(short, 422, "VALIDATION_ERROR")["details"]
    assert "password_confirm" in error(mismatch, 422, "VALIDATION_ERROR")["details"]
    assert error(missing, 422, "VALIDATION_ERROR")["details"] == {"password": ["Ce champ est requis"]}
    assert (await login(api, "maire@paris1.fr", PASSWORD)).status_code == 200
    ok = await api.client.post(RESET, json={"token": token, "password": NEW, "password_confirm": NEW})
    assert ok.status_code == 200, ok.text


async def test_a_bad_token_is_refused(api: Api) -> None:
    await mayor(api)

    response = await api.client.post(RESET, json={"token": "forged", "password": NEW, "password_confirm": NEW})

    assert "token" in error(response, 422, "VALIDATION_ERROR")["details"]
    assert (await login(api, "maire@paris1.fr", PASSWORD)).status_code == 200


async def test_a_new_request_replaces_the_previous_token(api: Api) -> None:
    await mayor(api)
    await api.client.post(FORGOT, json={"email": "maire@paris1.fr"})
    old = await reset_token(api, "maire@paris1.fr")
    await api.client.post(FORGOT, json={"email": "maire@paris1.fr"})
    new = await reset_token(api, "maire@paris1.fr")

    stale = await api.client.post(RESET, json={"token": old, "password": NEW, "password_confirm": NEW})
    fresh = await api.client.post(RESET, json={"token": new, "password": NEW, "password_confirm": NEW})

    assert old != new
    error(stale, 422, "VALIDATION_ERROR")
    assert fresh.status_code == 200, fresh.text
