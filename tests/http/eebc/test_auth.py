"""POST /auth/login/, /auth/refresh/, /auth/logout/ and PUT /auth/password/ on the EEBC face."""

from __future__ import annotations

import re

from application.identity.services import ConfirmTwoFactor, SetUpTwoFactor
from domain.identity.model import TwoFactorMethod, User
from tests.http.conftest import Api
from tests.http.eebc.conftest import (
    LOGIN,
    LOGOUT,
    PASSWORD,
    PASSWORD_URL,
    PROFILE,
    REFRESH,
    assert_error,
    bearer,
    create_user,
    log_in,
    spotvibe_tokens,
)

LOCKED_BODY = {"success": False, "error": {"code": 401, "message": "Compte verrouillé. Réessayez dans 15 minutes.",
                                           "locked": True, "remaining_minutes": 15}}
NEW_PASSWORD = "Nouvelle-alliance-77"


# --- login ------------------------------------------------------------------------------------------------


async def test_login_by_username_returns_the_spec_body(api: Api, member: User) -> None:
    response = await api.client.post(LOGIN, json={"username": "jean.dupont", "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert set(data) == {"access", "refresh", "user", "must_change_password"}
    assert data["user"] == {
        "id": member.id, "username": "jean.dupont", "email": "jean@example.com", "first_name": "Jean",
        "last_name": "Dupont", "role": "membre", "phone": "+594694123456", "photo": None, "member_id": None,
    }
    assert data["must_change_password"] is False
    me = await api.client.get(PROFILE, headers=bearer(data["access"]))
    assert me.status_code == 200 and me.json()["data"]["id"] == member.id


async def test_login_by_email_any_case(api: Api, member: User) -> None:
    data = await log_in(api, "  Jean@Example.COM ")
    assert data["user"]["id"] == member.id
    assert data["user"]["username"] == "jean.dupont"


async def test_login_keeps_the_french_role(api: Api) -> None:
    await create_user(api, "pasteur.paul", "paul@example.com", role="pasteur", site_code="MAC")
    assert (await log_in(api, "pasteur.paul"))["user"]["role"] == "pasteur"


async def test_login_wrong_password_or_unknown_user_is_401(api: Api, member: User) -> None:
    wrong = await api.client.post(LOGIN, json={"username": "jean.dupont", "password": "pas-le-bon-1"})
    body = assert_error(wrong, 401)
    assert "locked" not in body["error"]
    unknown = await api.client.post(LOGIN, json={"username": "personne", "password": PASSWORD})
    assert_error(unknown, 401)


async def test_login_bad_input_is_400_with_details_and_counts_no_failure(api: Api, member: User) -> None:
    assert_error(await api.client.post(LOGIN, json={}), 400, "username", "password")
    assert_error(await api.client.post(LOGIN, json={"username": "jean.dupont"}), 400, "password")
    assert_error(await api.client.post(LOGIN, json={"username": "  ", "password": PASSWORD}), 400, "username")
    assert_error(await api.client.post(LOGIN, json={"username": 12, "password": PASSWORD}), 400, "username")
    assert_error(await api.client.post(LOGIN, json={"challenge": "x"}), 400, "code")
    not_json = await api.client.post(LOGIN, content=b"username=jean", headers={"content-type": "application/json"})
    assert_error(not_json, 400)
    for _ in range(5):
        assert_error(await api.client.post(LOGIN, json={"username": "jean.dupont", "password": ""}), 400,
                     "password")
    assert (await log_in(api))["user"]["id"] == member.id  # blank attempts did not lock the account


async def test_account_from_another_realm_cannot_log_in(api: Api) -> None:
    await spotvibe_tokens(api)  # a SpotVibe account jean.dupont / jean@example.com with the same password
    assert_error(await api.client.post(LOGIN, json={"username": "jean.dupont", "password": PASSWORD}), 401)
    assert_error(await api.client.post(LOGIN, json={"username": "jean@example.com", "password": PASSWORD}), 401)


async def test_five_failures_lock_the_account_for_15_minutes(api: Api, member: User) -> None:
    for attempt in range(4):
        failed = await api.client.post(LOGIN, json={"username": "jean.dupont", "password": f"mauvais-{attempt}xx"})
        assert "locked" not in assert_error(failed, 401)["error"], attempt
    fifth = await api.client.post(LOGIN, json={"username": "jean.dupont", "password": "mauvais-5xx"})
    assert fifth.status_code == 401
    assert fifth.json() == LOCKED_BODY
    right = await api.client.post(LOGIN, json={"username": "jean.dupont", "password": PASSWORD})
    assert right.status_code == 401
    assert right.json() == LOCKED_BODY
    by_email = await api.client.post(LOGIN, json={"username": "jean@example.com", "password": PASSWORD})
    assert by_email.json() == LOCKED_BODY


async def test_a_success_resets_the_failure_count(api: Api, member: User) -> None:
    for _ in range(4):
        assert_error(await api.client.post(LOGIN, json={"username": "jean.dupont", "password": "mauvais-xx"}), 401)
    await log_in(api)
    for _ in range(4):
        failed = await api.client.post(LOGIN, json={"username": "jean.dupont", "password": "mauvais-xx"})
        assert "locked" not in assert_error(failed, 401)["error"]
    await log_in(api)


async def test_must_change_password_is_reported_then_cleared(api: Api) -> None:
    await create_user(api, must_change_password=True)
    data = await log_in(api)
    assert data["must_change_password"] is True
    changed = await api.client.put(PASSWORD_URL, headers=bearer(data["access"]), json={
        "old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert changed.status_code == 200, changed.text
    assert (await log_in(api, password=NEW_PASSWORD))["must_change_password"] is False


async def _enable_email_two_factor(api: Api, user: User) -> None:
    assert user.id is not None
    async with api.container() as request:
        await (await request.get(SetUpTwoFactor))(user.id, TwoFactorMethod.EMAIL)
    code = _code_in(await api.last_email_to(user.email))
    async with api.container() as request:
        await (await request.get(ConfirmTwoFactor))(user.id, code)


def _code_in(message: object) -> str:
    assert message is not None
    found = re.search(r"\b(\d{6})\b", message.text)  # type: ignore[attr-defined]
    assert found, message
    return found.group(1)


async def test_two_factor_account_gets_a_challenge_then_tokens(api: Api, member: User) -> None:
    await _enable_email_two_factor(api, member)
    first = await api.client.post(LOGIN, json={"username": "jean.dupont", "password": PASSWORD})
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["success"] is True
    step = body["data"]
    assert set(step) == {"two_factor_required", "challenge", "method", "expires_in"}
    assert step["two_factor_required"] is True and step["method"] == "EMAIL" and step["expires_in"] > 0
    assert_error(await api.client.get(PROFILE, headers=bearer(step["challenge"])), 401)  # not an access token
    code = _code_in(await api.last_email_to("jean@example.com"))
    wrong = "000000" if code != "000000" else "111111"
    assert_error(await api.client.post(LOGIN, json={"challenge": step["challenge"], "code": wrong}), 400, "code")
    assert_error(await api.client.post(LOGIN, json={"challenge": "pas-un-jwt", "code": code}), 401)
    done = await api.client.post(LOGIN, json={"challenge": step["challenge"], "code": code})
    assert done.status_code == 200, done.text
    data = done.json()["data"]
    assert data["user"]["id"] == member.id and data["must_change_password"] is False
    assert (await api.client.get(PROFILE, headers=bearer(data["access"]))).status_code == 200
    replay = await api.client.post(LOGIN, json={"challenge": step["challenge"], "code": code})
    assert_error(replay, 400, "code")  # the code is spent


# --- refresh ----------------------------------------------------------------------------------------------


async def test_refresh_rotates_the_pair(api: Api, member: User) -> None:
    first = await log_in(api)
    response = await api.client.post(REFRESH, json={"refresh": first["refresh"]})
    assert response.status_code == 200, response.text
    pair = response.json()
    assert set(pair) == {"access", "refresh"}
    assert pair["refresh"] != first["refresh"]
    assert (await api.client.get(PROFILE, headers=bearer(pair["access"]))).status_code == 200
    again = await api.client.post(REFRESH, json={"refresh": pair["refresh"]})
    assert again.status_code == 200, again.text


async def test_reusing_a_spent_refresh_token_revokes_the_session(api: Api, member: User) -> None:
    first = await log_in(api)
    rotated = (await api.client.post(REFRESH, json={"refresh": first["refresh"]})).json()
    assert_error(await api.client.post(REFRESH, json={"refresh": first["refresh"]}), 401)
    assert_error(await api.client.post(REFRESH, json={"refresh": rotated["refresh"]}), 401)
    assert_error(await api.client.get(PROFILE, headers=bearer(rotated["access"])), 401)


async def test_refresh_bad_input(api: Api, member: User) -> None:
    assert_error(await api.client.post(REFRESH, json={}), 400, "refresh")
    assert_error(await api.client.post(REFRESH, json={"refresh": 42}), 400, "refresh")
    assert_error(await api.client.post(REFRESH, json={"refresh": "pas-un-jwt"}), 401)
    tokens = await log_in(api)
    assert_error(await api.client.post(REFRESH, json={"refresh": tokens["access"]}), 401)


async def test_refresh_token_of_another_realm_is_refused(api: Api) -> None:
    spotvibe = await spotvibe_tokens(api)
    assert_error(await api.client.post(REFRESH, json={"refresh": spotvibe["refresh"]}), 401)


# --- logout -----------------------------------------------------------------------------------------------


async def test_logout_revokes_the_session(api: Api, member: User) -> None:
    tokens = await log_in(api)
    response = await api.client.post(LOGOUT, json={"refresh": tokens["refresh"]}, headers=bearer(tokens["access"]))
    assert response.status_code == 200, response.text
    assert response.json() == {"success": True, "message": "Déconnexion réussie"}
    assert_error(await api.client.get(PROFILE, headers=bearer(tokens["access"])), 401)
    assert_error(await api.client.post(REFRESH, json={"refresh": tokens["refresh"]}), 401)


async def test_logout_leaves_other_sessions_open(api: Api, member: User) -> None:
    phone, tablet = await log_in(api), await log_in(api)
    out = await api.client.post(LOGOUT, json={"refresh": phone["refresh"]}, headers=bearer(phone["access"]))
    assert out.status_code == 200
    assert (await api.client.get(PROFILE, headers=bearer(tablet["access"]))).status_code == 200


async def test_logout_needs_an_eebc_bearer(api: Api, member: User) -> None:
    tokens = await log_in(api)
    assert_error(await api.client.post(LOGOUT, json={"refresh": tokens["refresh"]}), 401)
    spotvibe = await spotvibe_tokens(api)
    assert_error(await api.client.post(LOGOUT, json={"refresh": tokens["refresh"]},
                                       headers=bearer(spotvibe["access"])), 401)
    assert_error(await api.client.post(LOGOUT, json={"refresh": spotvibe["refresh"]},
                                       headers=bearer(tokens["access"])), 401)
    assert (await api.client.post(REFRESH, json={"refresh": tokens["refresh"]})).status_code == 200


async def test_logout_with_another_users_refresh_is_refused(api: Api, member: User) -> None:
    await create_user(api, "marie.clair", "marie@example.com")
    mine, hers = await log_in(api), await log_in(api, "marie.clair")
    refused = await api.client.post(LOGOUT, json={"refresh": hers["refresh"]}, headers=bearer(mine["access"]))
    assert_error(refused, 401)
    assert (await api.client.get(PROFILE, headers=bearer(hers["access"]))).status_code == 200
    assert (await api.client.post(REFRESH, json={"refresh": hers["refresh"]})).status_code == 200


async def test_logout_bad_input_keeps_the_session(api: Api, member: User) -> None:
    tokens = await log_in(api)
    assert_error(await api.client.post(LOGOUT, json={}, headers=bearer(tokens["access"])), 400, "refresh")
    assert_error(await api.client.post(LOGOUT, json={"refresh": "pas-un-jwt"}, headers=bearer(tokens["access"])),
                 401)
    assert (await api.client.get(PROFILE, headers=bearer(tokens["access"]))).status_code == 200


# --- password ---------------------------------------------------------------------------------------------


async def test_change_password_returns_new_tokens_and_closes_old_sessions(api: Api, member: User) -> None:
    tokens, other_device = await log_in(api), await log_in(api)
    response = await api.client.put(PASSWORD_URL, headers=bearer(tokens["access"]), json={
        "old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and body["message"] == "Mot de passe modifié avec succès"
    assert set(body["data"]) == {"access", "refresh"}
    for old in (tokens, other_device):
        assert_error(await api.client.get(PROFILE, headers=bearer(old["access"])), 401)
        assert_error(await api.client.post(REFRESH, json={"refresh": old["refresh"]}), 401)
    assert (await api.client.get(PROFILE, headers=bearer(body["data"]["access"]))).status_code == 200
    assert (await api.client.post(REFRESH, json={"refresh": body["data"]["refresh"]})).status_code == 200
    assert_error(await api.client.post(LOGIN, json={"username": "jean.dupont", "password": PASSWORD}), 401)
    await log_in(api, password=NEW_PASSWORD)


async def test_change_password_bad_input_changes_nothing(api: Api) -> None:
    await create_user(api, must_change_password=True)
    tokens = await log_in(api)
    auth = bearer(tokens["access"])
    cases = [
        ({"old_password": "pas-le-bon-1", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
         "old_password"),
        ({"old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": "Autre-chose-99"},
         "confirm_password"),
        ({"old_password": PASSWORD, "new_password": "court", "confirm_password": "court"}, "new_password"),
        ({"old_password": PASSWORD, "new_password": PASSWORD, "confirm_password": PASSWORD}, "new_password"),
        ({"old_password": PASSWORD, "new_password": NEW_PASSWORD}, "confirm_password"),
    ]
    for payload, field in cases:
        assert_error(await api.client.put(PASSWORD_URL, headers=auth, json=payload), 400, field)
    assert (await api.client.get(PROFILE, headers=auth)).status_code == 200
    assert (await log_in(api))["must_change_password"] is True
    assert_error(await api.client.post(LOGIN, json={"username": "jean.dupont", "password": NEW_PASSWORD}), 401)


async def test_change_password_needs_an_eebc_bearer(api: Api, member: User) -> None:
    payload = {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    assert_error(await api.client.put(PASSWORD_URL, json=payload), 401)
    spotvibe = await spotvibe_tokens(api)
    assert_error(await api.client.put(PASSWORD_URL, json=payload, headers=bearer(spotvibe["access"])), 401)
    await log_in(api)  # the EEBC password did not change
