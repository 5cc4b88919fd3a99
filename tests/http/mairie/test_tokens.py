"""POST /api/v1/auth/token/refresh/ (spec 1.3) and /logout/ (spec 1.4)."""

from __future__ import annotations

from tests.http.conftest import Api
from tests.http.mairie.helpers import API, account, bearer, error, login, mayor, spotvibe_token

PROFILE = f"{API}/auth/profile/"


async def test_refresh_rotates_the_pair(api: Api) -> None:
    first = await mayor(api)

    response = await api.client.post(f"{API}/auth/token/refresh/", json={"refresh_token": first["refresh_token"]})

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["refresh_token"] != first["refresh_token"]
    assert body["access_token"] != first["access_token"]
    assert (await api.client.get(PROFILE, headers=bearer(body["access_token"]))).status_code == 200
    again = await api.client.post(f"{API}/auth/token/refresh/", json={"refresh_token": body["refresh_token"]})
    assert again.status_code == 200, again.text


async def test_reusing_a_spent_refresh_token_revokes_the_family(api: Api) -> None:
    first = await mayor(api)
    rotated = (await api.client.post(f"{API}/auth/token/refresh/",
                                     json={"refresh_token": first["refresh_token"]})).json()

    reuse = await api.client.post(f"{API}/auth/token/refresh/", json={"refresh_token": first["refresh_token"]})

    error(reuse, 401, "UNAUTHORIZED")
    after = await api.client.post(f"{API}/auth/token/refresh/", json={"refresh_token": rotated["refresh_token"]})
    error(after, 401, "UNAUTHORIZED")
    error(await api.client.get(PROFILE, headers=bearer(rotated["access_token"])), 401, "UNAUTHORIZED")
    error(await api.client.get(PROFILE, headers=bearer(first["access_token"])), 401, "UNAUTHORIZED")


async def test_reuse_does_not_touch_the_users_other_sessions(api: Api) -> None:
    first = await mayor(api)
    other = (await login(api, "maire@paris1.fr")).json()
    await api.client.post(f"{API}/auth/token/refresh/", json={"refresh_token": first["refresh_token"]})

    await api.client.post(f"{API}/auth/token/refresh/", json={"refresh_token": first["refresh_token"]})

    assert (await api.client.get(PROFILE, headers=bearer(other["access_token"]))).status_code == 200


async def test_refresh_bad_input(api: Api) -> None:
    tokens = await mayor(api)
    sv = await spotvibe_token(api)

    missing = await api.client.post(f"{API}/auth/token/refresh/", json={})
    garbage = await api.client.post(f"{API}/auth/token/refresh/", json={"refresh_token": "garbage"})
    access = await api.client.post(f"{API}/auth/token/refresh/", json={"refresh_token": tokens["access_token"]})
    other_realm = await api.client.post(f"{API}/auth/token/refresh/", json={"refresh_token": sv})

    assert error(missing, 422, "VALIDATION_ERROR")["details"] == {"refresh_token": ["Ce champ est requis"]}
    error(garbage, 401, "UNAUTHORIZED")
    error(access, 401, "UNAUTHORIZED")
    error(other_realm, 401, "UNAUTHORIZED")
    # the genuine refresh token was not spent by any of these
    ok = await api.client.post(f"{API}/auth/token/refresh/", json={"refresh_token": tokens["refresh_token"]})
    assert ok.status_code == 200, ok.text


async def test_logout_closes_the_session_of_the_access_token(api: Api) -> None:
    tokens = await mayor(api)
    other = (await login(api, "maire@paris1.fr")).json()

    response = await api.client.post(f"{API}/auth/logout/", headers=bearer(tokens["access_token"]))

    assert response.status_code == 200, response.text
    assert response.json() == {"message": "Déconnexion réussie"}
    error(await api.client.get(PROFILE, headers=bearer(tokens["access_token"])), 401, "UNAUTHORIZED")
    error(await api.client.post(f"{API}/auth/token/refresh/", json={"refresh_token": tokens["refresh_token"]}),
          401, "UNAUTHORIZED")
    assert (await api.client.get(PROFILE, headers=bearer(other["access_token"]))).status_code == 200


async def test_logout_with_a_refresh_token_in_the_body(api: Api) -> None:
    tokens = await mayor(api)
    other = (await login(api, "maire@paris1.fr")).json()

    response = await api.client.post(f"{API}/auth/logout/", json={"refresh_token": other["refresh_token"]},
                                     headers=bearer(tokens["access_token"]))

    assert response.status_code == 200, response.text
    error(await api.client.get(PROFILE, headers=bearer(tokens["access_token"])), 401, "UNAUTHORIZED")
    error(await api.client.get(PROFILE, headers=bearer(other["access_token"])), 401, "UNAUTHORIZED")


async def test_logout_refuses_the_refresh_token_of_another_user(api: Api) -> None:
    mine = await mayor(api)
    theirs = await account(api, "citoyen@exemple.fr")

    response = await api.client.post(f"{API}/auth/logout/", json={"refresh_token": theirs["refresh_token"]},
                                     headers=bearer(mine["access_token"]))

    error(response, 401, "UNAUTHORIZED")
    assert (await api.client.get(PROFILE, headers=bearer(theirs["access_token"]))).status_code == 200
    assert (await api.client.get(PROFILE, headers=bearer(mine["access_token"]))).status_code == 200


async def test_logout_bad_body(api: Api) -> None:
    tokens = await mayor(api)

    response = await api.client.post(f"{API}/auth/logout/", json={"refresh_token": 12},
                                     headers=bearer(tokens["access_token"]))

    assert "refresh_token" in error(response, 422, "VALIDATION_ERROR")["details"]
    assert (await api.client.get(PROFILE, headers=bearer(tokens["access_token"]))).status_code == 200


async def test_logout_needs_a_mairie_access_token(api: Api) -> None:
    tokens = await mayor(api)
    sv = await spotvibe_token(api)

    error(await api.client.post(f"{API}/auth/logout/"), 401, "UNAUTHORIZED")
    error(await api.client.post(f"{API}/auth/logout/", headers=bearer(sv)), 401, "UNAUTHORIZED")
    error(await api.client.post(f"{API}/auth/logout/", headers=bearer(tokens["refresh_token"])), 401, "UNAUTHORIZED")
    assert (await api.client.get(PROFILE, headers=bearer(tokens["access_token"]))).status_code == 200
