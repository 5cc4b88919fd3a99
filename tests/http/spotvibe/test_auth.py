"""/api/auth/: password reset, login history, status, and who may call the /api/auth/ endpoints."""

from __future__ import annotations

import re
from typing import Any

import pytest

from application.identity.services import RequestPasswordReset
from domain.identity.model import Realm
from tests.http.conftest import Api
from tests.http.spotvibe.helpers import (
    NEW_PASSWORD,
    account,
    bearer,
    error,
    foreign_tokens,
    login,
    register,
    tokens,
    user_in_db,
)

RESET = "/api/auth/password-reset/"
CONFIRM = "/api/auth/password-reset/confirm/"
ATTEMPTS = "/api/auth/login-attempts/"
STATUS = "/api/auth/status/"
PROFILE = "/api/users/profile/"
SENT = {"message": "Si l'email est enregistré, un lien de réinitialisation a été envoyé."}


async def reset_token(api: Api, email: str = "awa@example.com") -> str:
    assert (await api.client.post(RESET, json={"email": email})).status_code == 200
    message = await api.last_email_to(email)
    assert message is not None
    found = re.search(r"token=([\w-]+)", message.text)
    assert found, message.text
    return found.group(1)


def confirm_body(token: str, new: str = NEW_PASSWORD, confirm: str | None = None) -> dict[str, str]:
    return {"token": token, "new_password": new, "confirm_password": new if confirm is None else confirm}


# --- password reset ----------------------------------------------------------------------------------------------

async def test_password_reset_answers_the_same_whether_or_not_the_email_exists(api: Api) -> None:
    assert (await register(api)).status_code == 201
    await api.run_jobs()
    api.mailbox.sent.clear()
    known = await api.client.post(RESET, json={"email": "AWA@example.com"})
    unknown = await api.client.post(RESET, json={"email": "personne@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert known.json() == unknown.json() == SENT
    await api.run_jobs()
    assert [m.to for m in api.mailbox.sent] == ["awa@example.com"]
    assert "spotvibe://reset-password?token=" in api.mailbox.sent[0].text


async def test_password_reset_without_a_valid_email_is_400_and_sends_nothing(api: Api) -> None:
    assert (await register(api)).status_code == 201
    error(await api.client.post(RESET, json={}), 400, "email")
    error(await api.client.post(RESET, json={"email": 42}), 400, "email")
    error(await api.client.post(RESET, json={"email": "awa@"}), 400, "email")
    await api.run_jobs()
    assert all("réinitialisation" not in m.subject for m in api.mailbox.sent)


async def test_reset_confirm_sets_the_password_closes_sessions_and_unlocks(api: Api) -> None:
    old = await account(api)
    for _ in range(5):
        await login(api, password="Mauvais-mot-2")
    assert error(await login(api), 401)["locked"] is True
    token = await reset_token(api)
    response = await api.client.post(CONFIRM, json=confirm_body(token))
    assert response.status_code == 200
    assert response.json() == {"message": "Votre mot de passe a été réinitialisé avec succès."}
    error(await api.client.get(PROFILE, headers=bearer(old["access"])), 401)
    error(await login(api), 401)
    assert (await login(api, password=NEW_PASSWORD)).status_code == 200


async def test_a_reset_token_works_once(api: Api) -> None:
    await account(api)
    token = await reset_token(api)
    assert (await api.client.post(CONFIRM, json=confirm_body(token))).status_code == 200
    error(await api.client.post(CONFIRM, json=confirm_body(token, "Troisieme-essai-7")), 400, "token")
    assert (await login(api, password=NEW_PASSWORD)).status_code == 200
    error(await login(api, password="Troisieme-essai-7"), 401)


async def test_a_new_reset_request_voids_the_previous_token(api: Api) -> None:
    await account(api)
    first = await reset_token(api)
    second = await reset_token(api)
    error(await api.client.post(CONFIRM, json=confirm_body(first)), 400, "token")
    assert (await api.client.post(CONFIRM, json=confirm_body(second))).status_code == 200


@pytest.mark.parametrize(("body", "field"), [
    ({"confirm_password": "Autre-chose-99"}, "confirm_password"),
    ({"new_password": "court", "confirm_password": "court"}, "new_password"),
    ({"new_password": "awa@example.com", "confirm_password": "awa@example.com"}, "new_password"),
    ({"token": "faux-token"}, "token"),
    ({"confirm_password": None}, "confirm_password"),
])
async def test_reset_confirm_refuses_bad_input_and_leaves_the_token_usable(api: Api, body: dict[str, Any],
                                                                          field: str) -> None:
    pair = await account(api)
    token = await reset_token(api)
    payload = {**confirm_body(token), **body}
    error(await api.client.post(CONFIRM, json={k: v for k, v in payload.items() if v is not None}), 400, field)
    assert (await login(api)).status_code == 200
    assert (await api.client.get(PROFILE, headers=bearer(pair["access"]))).status_code == 200
    assert (await api.client.post(CONFIRM, json=confirm_body(token))).status_code == 200


async def test_a_reset_token_is_bound_to_its_realm(api: Api) -> None:
    await foreign_tokens(api)
    await account(api)
    api.mailbox.sent.clear()
    async with api.container() as request:
        ask = await request.get(RequestPasswordReset)
        await ask(Realm.EEBC, "awa@example.com", None)
    message = await api.last_email_to("awa@example.com")
    assert message is not None
    token = re.search(r"Code de réinitialisation : ([\w-]+)", message.text)
    assert token
    error(await api.client.post(CONFIRM, json=confirm_body(token.group(1))), 400, "token")
    assert (await login(api)).status_code == 200


# --- login history -------------------------------------------------------------------------------------------------

async def test_login_attempts_list_the_callers_own_history(api: Api) -> None:
    assert (await register(api)).status_code == 201
    await login(api, password="Mauvais-mot-2")
    pair = await tokens(api)
    await account(api, "kofi", "kofi@example.com")
    response = await api.client.get(ATTEMPTS, headers=bearer(pair["access"]))
    assert response.status_code == 200, response.text
    rows = response.json()
    assert sorted(r["statut"] for r in rows) == ["ECHEC", "REUSSI"]
    for row in rows:
        assert set(row) == {"id", "email_tente", "statut", "date_tentative", "adresse_ip"}
        assert row["email_tente"] == "awa@example.com" and row["adresse_ip"] == "203.0.113.7"
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", row["date_tentative"])


# --- status ---------------------------------------------------------------------------------------------------------

async def test_status_describes_the_caller(api: Api) -> None:
    pair = await account(api)
    response = await api.client.get(STATUS, headers=bearer(pair["access"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"is_authenticated", "username", "email", "2fa_enabled", "last_login"}
    assert body["is_authenticated"] is True and body["username"] == "awa" and body["email"] == "awa@example.com"
    assert body["2fa_enabled"] is False
    stored = await user_in_db(api, "awa@example.com")
    assert stored is not None and stored.last_login is not None
    assert body["last_login"].startswith(stored.last_login.isoformat()[:19])


# --- who may call --------------------------------------------------------------------------------------------------

PROTECTED = [
    ("GET", "/api/auth/social-accounts/", None),
    ("POST", "/api/auth/social-accounts/google/disconnect/", None),
    ("POST", "/api/auth/2fa/setup/", {"method": "TOTP"}),
    ("POST", "/api/auth/2fa/verify/", {"code": "123456"}),
    ("GET", ATTEMPTS, None),
    ("GET", STATUS, None),
]


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED)
async def test_auth_endpoints_refuse_anonymous_forged_and_other_realm_tokens(
        api: Api, method: str, path: str, body: dict[str, Any] | None) -> None:
    foreign = await foreign_tokens(api)
    callers: list[dict[str, str]] = [{}, bearer("pas-un-jwt")]
    callers += [bearer(issued.access) for issued in foreign.values()]
    for headers in callers:
        error(await api.client.request(method, path, json=body, headers=headers), 401)
    for realm in foreign:
        stored = await user_in_db(api, "awa@example.com", realm)
        assert stored is not None and stored.two_factor_method is None
