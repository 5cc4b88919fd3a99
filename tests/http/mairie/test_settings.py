"""PUT /api/v1/settings/password/ (spec 7.3)."""

from __future__ import annotations

from tests.http.conftest import Api
from tests.http.mairie.helpers import API, PASSWORD, bearer, error, login, mayor, spotvibe_token

URL = f"{API}/settings/password/"
PROFILE = f"{API}/auth/profile/"
NEW = "N0uveau-secret!"


def body(current: str = PASSWORD, new: str = NEW, confirm: str = NEW) -> dict[str, str]:
    return {"current_password": current, "new_password": new, "new_password_confirm": confirm}


async def test_change_password(api: Api) -> None:
    tokens = await mayor(api)
    other = (await login(api, "maire@paris1.fr")).json()

    response = await api.client.put(URL, json=body(), headers=bearer(tokens["access_token"]))

    assert response.status_code == 200, response.text
    assert response.json() == {"message": "Mot de passe modifié avec succès"}
    assert (await login(api, "maire@paris1.fr", NEW)).status_code == 200
    error(await login(api, "maire@paris1.fr", PASSWORD), 401, "UNAUTHORIZED")
    # the current session stays, the others are closed
    assert (await api.client.get(PROFILE, headers=bearer(tokens["access_token"]))).status_code == 200
    error(await api.client.get(PROFILE, headers=bearer(other["access_token"])), 401, "UNAUTHORIZED")


async def test_bad_input_leaves_the_password_unchanged(api: Api) -> None:
    tokens = await mayor(api)
    headers = bearer(tokens["access_token"])

    wrong_current = await api.client.put(URL, json=body(current="Pas-le-bon-1"), headers=headers)
    mismatch = await api.client.put(URL, json=body(confirm="Autre-chose-1"), headers=headers)
    short = await api.client.put(URL, json=body(new="court", confirm="court"), headers=headers)
    same = await api.client.put(URL, json=body(new=PASSWORD, confirm=PASSWORD), headers=headers)
    missing = await api.client.put(URL, json={"new_password": NEW}, headers=headers)

    assert "current_password" in error(wrong_current, 422, "VALIDATION_ERROR")["details"]
    assert "new_password_confirm" in error(mismatch, 422, "VALIDATION_ERROR")["details"]
    assert "new_password" in error(short, 422, "VALIDATION_ERROR")["details"]
    assert "new_password" in error(same, 422, "VALIDATION_ERROR")["details"]
    assert error(missing, 422, "VALIDATION_ERROR")["details"] == {"current_password": ["Ce champ est requis"]}
    assert (await login(api, "maire@paris1.fr", PASSWORD)).status_code == 200
    error(await login(api, "maire@paris1.fr", NEW), 401, "UNAUTHORIZED")


async def test_change_password_needs_a_mairie_access_token(api: Api) -> None:
    tokens = await mayor(api)
    sv = await spotvibe_token(api)

    for headers in (None, bearer(sv), bearer(tokens["refresh_token"])):
        error(await api.client.put(URL, json=body(), headers=headers), 401, "UNAUTHORIZED")
    assert (await login(api, "maire@paris1.fr", PASSWORD)).status_code == 200


async def test_a_logged_out_session_cannot_change_the_password(api: Api) -> None:
    tokens = await mayor(api)
    await api.client.post(f"{API}/auth/logout/", headers=bearer(tokens["access_token"]))

    response = await api.client.put(URL, json=body(), headers=bearer(tokens["access_token"]))

    error(response, 401, "UNAUTHORIZED")
    assert (await login(api, "maire@paris1.fr", PASSWORD)).status_code == 200
