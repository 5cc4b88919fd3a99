"""/api/users/: register, login (lockout, rate limit), token refresh, logout, profile, change-password."""

from __future__ import annotations

from typing import Any

import pytest

from domain.identity.model import Realm
from tests.http.conftest import Api
from tests.http.spotvibe.helpers import (
    NEW_PASSWORD,
    PASSWORD,
    PNG,
    account,
    bearer,
    error,
    foreign_tokens,
    login,
    register,
    tokens,
    user_count,
    user_in_db,
)

PROFILE = "/api/users/profile/"
REFRESH = "/api/users/token/refresh/"
LOGOUT = "/api/users/logout/"
CHANGE = "/api/users/change-password/"


# --- register ------------------------------------------------------------------------------------------------

async def test_register_creates_the_account_and_sends_a_welcome_email(api: Api) -> None:
    response = await register(api, telephone="+2290197000000")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["message"] == "Utilisateur enregistré avec succès. Veuillez vérifier votre email."
    assert body["user"]["username"] == "awa" and body["user"]["email"] == "awa@example.com"
    stored = await user_in_db(api, "awa@example.com")
    assert stored is not None and stored.id == body["user"]["id"] and stored.phone == "+2290197000000"
    assert stored.password_hash and PASSWORD not in stored.password_hash
    assert await api.last_email_to("awa@example.com") is not None


@pytest.mark.parametrize(("changes", "field"), [
    ({"email": "pas-un-email"}, "email"),
    ({"password": "court"}, "password"),
    ({"password": "12345678901"}, "password"),
    ({"password_confirm": "Autre-chose-99"}, "password_confirm"),
    ({"username": "a b"}, "username"),
    ({"telephone": "12"}, "telephone"),
    ({"username": None}, "username"),
])
async def test_register_refuses_bad_fields_and_writes_nothing(api: Api, changes: dict[str, Any], field: str) -> None:
    response = await register(api, **changes)
    error(response, 400, field)
    assert await user_count(api) == 0
    assert await api.run_jobs() == 0 and api.mailbox.sent == []


async def test_register_without_required_field_is_400_naming_it(api: Api) -> None:
    response = await api.client.post("/api/users/register/", json={"username": "awa", "password": PASSWORD})
    error(response, 400, "email")
    assert await user_count(api) == 0


async def test_register_refuses_a_taken_email_or_username(api: Api) -> None:
    assert (await register(api)).status_code == 201
    error(await register(api, username="autre", email="AWA@example.com"), 400, "email")
    error(await register(api, username="AWA", email="autre@example.com"), 400, "username")
    assert await user_count(api) == 1


async def test_the_same_email_may_exist_in_another_realm_without_sharing_the_password(api: Api) -> None:
    await foreign_tokens(api)
    error(await login(api), 401)
    assert (await register(api)).status_code == 201
    assert (await login(api)).status_code == 200


# --- login -----------------------------------------------------------------------------------------------------

async def test_login_with_email_or_username_returns_a_working_pair(api: Api) -> None:
    assert (await register(api)).status_code == 201
    pair = await tokens(api)
    assert (await api.client.get(PROFILE, headers=bearer(pair["access"]))).status_code == 200
    by_name = await login(api, "awa")
    assert by_name.status_code == 200 and by_name.json()["access"] != pair["access"]


async def test_login_failures_do_not_reveal_whether_the_account_exists(api: Api) -> None:
    assert (await register(api)).status_code == 201
    wrong = error(await login(api, password="Mauvais-mot-2"), 401)
    unknown = error(await login(api, email="personne@example.com"), 401)
    assert wrong == unknown


async def test_login_with_missing_field_is_400(api: Api) -> None:
    error(await api.client.post("/api/users/login/", json={"email": "awa@example.com"}), 400, "password")


async def test_five_failures_lock_the_account_even_for_the_right_password(api: Api) -> None:
    assert (await register(api)).status_code == 201
    for _ in range(4):
        body = error(await login(api, password="Mauvais-mot-2"), 401)
        assert "locked" not in body
    locked = error(await login(api, password="Mauvais-mot-2"), 401)
    assert locked["locked"] is True and locked["remaining_minutes"] == 15
    still = error(await login(api), 401)
    assert still["locked"] is True and 1 <= still["remaining_minutes"] <= 15
    stored = await user_in_db(api, "awa@example.com")
    assert stored is not None and stored.locked_until is not None


class TestLoginFlood:
    @pytest.fixture
    def settings_changes(self) -> dict[str, Any]:
        return {"login_limit_per_minute": 3}

    async def test_the_fourth_try_in_a_minute_is_429_even_with_the_right_password(self, api: Api) -> None:
        assert (await register(api)).status_code == 201
        for _ in range(3):
            error(await login(api, password="Mauvais-mot-2"), 401)
        flooded = await login(api)
        body = error(flooded, 429)
        assert int(flooded.headers["retry-after"]) >= 1 and body["retry_after"] >= 1
        stored = await user_in_db(api, "awa@example.com")
        assert stored is not None and stored.last_login is None


# --- token refresh ---------------------------------------------------------------------------------------------

async def test_refresh_rotates_the_pair(api: Api) -> None:
    pair = await account(api)
    response = await api.client.post(REFRESH, json={"refresh": pair["refresh"]})
    assert response.status_code == 200, response.text
    fresh = response.json()
    assert set(fresh) == {"access", "refresh"} and fresh["refresh"] != pair["refresh"]
    assert (await api.client.get(PROFILE, headers=bearer(fresh["access"]))).status_code == 200


async def test_a_reused_refresh_token_revokes_the_whole_family(api: Api) -> None:
    pair = await account(api)
    fresh = (await api.client.post(REFRESH, json={"refresh": pair["refresh"]})).json()
    error(await api.client.post(REFRESH, json={"refresh": pair["refresh"]}), 401)
    error(await api.client.post(REFRESH, json={"refresh": fresh["refresh"]}), 401)
    error(await api.client.get(PROFILE, headers=bearer(fresh["access"])), 401)
    other = await tokens(api)
    assert (await api.client.get(PROFILE, headers=bearer(other["access"]))).status_code == 200


async def test_refresh_refuses_bad_tokens(api: Api) -> None:
    pair = await account(api)
    foreign = await foreign_tokens(api)
    error(await api.client.post(REFRESH, json={}), 400, "refresh")
    error(await api.client.post(REFRESH, json={"refresh": "pas-un-jwt"}), 401)
    error(await api.client.post(REFRESH, json={"refresh": pair["access"]}), 401)
    for issued in foreign.values():
        error(await api.client.post(REFRESH, json={"refresh": issued.refresh}), 401)
    assert (await api.client.post(REFRESH, json={"refresh": pair["refresh"]})).status_code == 200


# --- logout ----------------------------------------------------------------------------------------------------

async def test_logout_revokes_the_access_and_refresh_tokens(api: Api) -> None:
    pair = await account(api)
    out = await api.client.post(LOGOUT, json={"refresh": pair["refresh"]}, headers=bearer(pair["access"]))
    assert out.status_code == 200 and out.json() == {"message": "Déconnexion réussie."}
    error(await api.client.get(PROFILE, headers=bearer(pair["access"])), 401)
    error(await api.client.post(REFRESH, json={"refresh": pair["refresh"]}), 401)


async def test_logout_closes_the_bearer_session_and_the_one_of_the_refresh_token(api: Api) -> None:
    phone = await account(api)
    laptop = await tokens(api)
    tablet = await tokens(api)
    out = await api.client.post(LOGOUT, json={"refresh": laptop["refresh"]}, headers=bearer(phone["access"]))
    assert out.status_code == 200, out.text
    error(await api.client.get(PROFILE, headers=bearer(phone["access"])), 401)
    error(await api.client.get(PROFILE, headers=bearer(laptop["access"])), 401)
    assert (await api.client.get(PROFILE, headers=bearer(tablet["access"]))).status_code == 200


async def test_logout_with_a_bad_refresh_token_is_400_and_closes_nothing(api: Api) -> None:
    pair = await account(api)
    error(await api.client.post(LOGOUT, json={"refresh": "pas-un-jwt"}, headers=bearer(pair["access"])), 400)
    error(await api.client.post(LOGOUT, json={}, headers=bearer(pair["access"])), 400, "refresh")
    assert (await api.client.get(PROFILE, headers=bearer(pair["access"]))).status_code == 200
    assert (await api.client.post(REFRESH, json={"refresh": pair["refresh"]})).status_code == 200


async def test_logout_cannot_close_another_users_session(api: Api) -> None:
    awa = await account(api)
    kofi = await account(api, "kofi", "kofi@example.com")
    error(await api.client.post(LOGOUT, json={"refresh": awa["refresh"]}, headers=bearer(kofi["access"])), 400)
    assert (await api.client.get(PROFILE, headers=bearer(awa["access"]))).status_code == 200
    assert (await api.client.get(PROFILE, headers=bearer(kofi["access"]))).status_code == 200


# --- profile ---------------------------------------------------------------------------------------------------

async def test_profile_shows_the_callers_own_account(api: Api) -> None:
    awa = await account(api, telephone="+2290197000000")
    kofi = await account(api, "kofi", "kofi@example.com", first_name="Kofi")
    body = (await api.client.get(PROFILE, headers=bearer(awa["access"]))).json()
    assert body["username"] == "awa" and body["email"] == "awa@example.com"
    assert body["first_name"] == "Awa" and body["last_name"] == "Diallo"
    assert body["telephone"] == "+2290197000000" and body["photo_profil"] is None
    assert body["date_naissance"] is None and body["bio"] == "" and body["est_verifie"] is False
    assert body["notifications_email"] is True and body["notifications_push"] is True
    assert (await api.client.get(PROFILE, headers=bearer(kofi["access"]))).json()["username"] == "kofi"


async def test_profile_update_as_json(api: Api) -> None:
    pair = await account(api)
    response = await api.client.put(PROFILE, headers=bearer(pair["access"]), json={
        "first_name": "Awa-Marie", "bio": "Fan de concerts.", "date_naissance": "1990-01-01",
        "notifications_push": False, "telephone": "+2290166000000"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["message"] == "Profil mis à jour avec succès."
    assert body["user"]["first_name"] == "Awa-Marie" and body["user"]["last_name"] == "Diallo"
    again = (await api.client.get(PROFILE, headers=bearer(pair["access"]))).json()
    assert again["bio"] == "Fan de concerts." and again["date_naissance"] == "1990-01-01"
    assert again["notifications_push"] is False and again["telephone"] == "+2290166000000"


async def test_profile_update_as_multipart_with_a_photo_that_can_then_be_downloaded(api: Api) -> None:
    pair = await account(api)
    response = await api.client.put(PROFILE, headers=bearer(pair["access"]), data={"bio": "Avec photo"},
                                    files={"photo_profil": ("moi.png", PNG, "image/png")})
    assert response.status_code == 200, response.text
    photo = response.json()["user"]["photo_profil"]
    assert photo.startswith("/media/") and response.json()["user"]["bio"] == "Avec photo"
    download = await api.client.get(photo)
    assert download.status_code == 200 and download.content.startswith(b"\x89PNG\r\n\x1a\n")  # re-encoded
    assert (await api.client.get(PROFILE, headers=bearer(pair["access"]))).json()["photo_profil"] == photo


@pytest.mark.parametrize(("body", "field"), [
    ({"telephone": "12"}, "telephone"),
    ({"email": "pas-un-email"}, "email"),
    ({"bio": "x" * 2001}, "bio"),
    ({"date_naissance": "hier"}, "date_naissance"),
    ({"notifications_push": "peut-être"}, "notifications_push"),
])
async def test_profile_update_refuses_bad_fields_and_changes_nothing(api: Api, body: dict[str, Any],
                                                                     field: str) -> None:
    pair = await account(api)
    before = (await api.client.get(PROFILE, headers=bearer(pair["access"]))).json()
    error(await api.client.put(PROFILE, headers=bearer(pair["access"]), json={"first_name": "Changé", **body}),
          400, field)
    assert (await api.client.get(PROFILE, headers=bearer(pair["access"]))).json() == before


async def test_profile_update_refuses_a_file_that_is_not_an_image(api: Api) -> None:
    pair = await account(api)
    response = await api.client.put(PROFILE, headers=bearer(pair["access"]), data={"bio": "Nouveau"},
                                    files={"photo_profil": ("moi.png", b"MZ\x90\x00 pas une image", "image/png")})
    error(response, 400, "photo_profil")
    after = (await api.client.get(PROFILE, headers=bearer(pair["access"]))).json()
    assert after["photo_profil"] is None and after["bio"] == ""


async def test_profile_update_refuses_an_email_of_another_user(api: Api) -> None:
    await account(api, "kofi", "kofi@example.com")
    pair = await account(api)
    error(await api.client.put(PROFILE, headers=bearer(pair["access"]), json={"email": "kofi@example.com"}),
          400, "email")
    assert (await api.client.get(PROFILE, headers=bearer(pair["access"]))).json()["email"] == "awa@example.com"


async def test_a_profile_update_changes_only_the_callers_account(api: Api) -> None:
    awa = await account(api)
    kofi = await account(api, "kofi", "kofi@example.com")
    assert (await api.client.put(PROFILE, headers=bearer(kofi["access"]), json={"bio": "Kofi"})).status_code == 200
    assert (await api.client.get(PROFILE, headers=bearer(awa["access"]))).json()["bio"] == ""


# --- change password ---------------------------------------------------------------------------------------------

async def test_change_password_keeps_this_session_and_closes_the_others(api: Api) -> None:
    here = await account(api)
    elsewhere = await tokens(api)
    response = await api.client.post(CHANGE, headers=bearer(here["access"]), json={
        "old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 200 and response.json() == {"message": "Mot de passe changé avec succès."}
    assert (await api.client.get(PROFILE, headers=bearer(here["access"]))).status_code == 200
    error(await api.client.get(PROFILE, headers=bearer(elsewhere["access"])), 401)
    error(await login(api), 401)
    assert (await login(api, password=NEW_PASSWORD)).status_code == 200


@pytest.mark.parametrize(("body", "field"), [
    ({"old_password": "Mauvais-mot-2"}, "old_password"),
    ({"confirm_password": "Autre-chose-99"}, "confirm_password"),
    ({"new_password": "court", "confirm_password": "court"}, "new_password"),
    ({"new_password": PASSWORD, "confirm_password": PASSWORD}, "new_password"),
    ({"confirm_password": None}, "confirm_password"),
])
async def test_change_password_refuses_bad_input_and_keeps_the_password(api: Api, body: dict[str, Any],
                                                                        field: str) -> None:
    here = await account(api)
    elsewhere = await tokens(api)
    payload = {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD, **body}
    error(await api.client.post(CHANGE, headers=bearer(here["access"]),
                                json={k: v for k, v in payload.items() if v is not None}), 400, field)
    assert (await login(api)).status_code == 200
    assert (await api.client.get(PROFILE, headers=bearer(elsewhere["access"]))).status_code == 200


# --- who may call ------------------------------------------------------------------------------------------------

PROTECTED = [
    ("GET", PROFILE, None),
    ("PUT", PROFILE, {"bio": "intrus"}),
    ("POST", LOGOUT, {"refresh": "x"}),
    ("POST", CHANGE, {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}),
]


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
async def test_users_endpoints_refuse_anonymous_forged_and_other_realm_tokens(
        api: Api, method: str, path: str, body: dict[str, Any] | None) -> None:
    foreign = await foreign_tokens(api)
    callers: list[dict[str, str]] = [{}, bearer("pas-un-jwt"), {"Authorization": "Basic YXdhOnB3"}]
    callers += [bearer(foreign[realm].access) for realm in (Realm.MAIRIE, Realm.EEBC)]
    for headers in callers:
        error(await api.client.request(method, path, json=body, headers=headers), 401)
    for realm, issued in foreign.items():
        stored = await user_in_db(api, "awa@example.com", realm)
        assert stored is not None and stored.bio == issued.user.bio
        assert stored.password_hash == issued.user.password_hash
