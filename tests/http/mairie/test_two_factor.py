"""POST /api/v1/settings/2fa/enable/ and /confirm/ (spec 7.4, 7.5) and the two-step login they turn on."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from dishka import Provider

from adapters.memory.store import FrozenClock
from application.identity.ports import SecretBox
from tests.http.conftest import Api, frozen, totp_code
from tests.http.mairie.helpers import API, account, bearer, error, login, mayor, spotvibe_token, user_in_db

ENABLE = f"{API}/settings/2fa/enable/"
CONFIRM = f"{API}/settings/2fa/confirm/"
LOGIN = f"{API}/auth/login/"


@pytest.fixture
def extra_providers(clock: FrozenClock) -> list[Provider]:
    return [frozen(clock)]


def next_step_code(api: Api, secret: str) -> str:
    """A code of the next 30-second step: the current one is spent by the confirmation (replays are refused)."""
    return totp_code(api, secret, steps=1)


async def enabled(api: Api, tokens: dict[str, Any]) -> dict[str, Any]:
    setup: dict[str, Any] = (await api.client.post(ENABLE, headers=bearer(tokens["access_token"]))).json()
    confirmed = await api.client.post(CONFIRM, json={"code": totp_code(api, setup["secret"])},
                                      headers=bearer(tokens["access_token"]))
    assert confirmed.status_code == 200, confirmed.text
    return setup


async def challenge(api: Api, email: str = "maire@paris1.fr") -> str:
    response = await login(api, email)
    assert response.status_code == 200 and response.json()["two_factor_required"] is True, response.text
    token: str = response.json()["challenge_token"]
    return token


async def test_enable_returns_a_secret_a_qr_code_and_eight_backup_codes(api: Api) -> None:
    tokens = await mayor(api)

    response = await api.client.post(ENABLE, headers=bearer(tokens["access_token"]))

    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"secret", "qr_code_url", "backup_codes"}
    assert len(base64.b32decode(body["secret"])) >= 10
    prefix = "data:image/png;base64,"
    assert body["qr_code_url"].startswith(prefix)
    assert base64.b64decode(body["qr_code_url"][len(prefix):]).startswith(b"\x89PNG")
    codes = body["backup_codes"]
    assert len(codes) == 8 and len(set(codes)) == 8 and all(c.isdigit() and len(c) == 8 for c in codes)
    # not on until confirmed: login still answers with tokens
    assert "access_token" in (await login(api, "maire@paris1.fr")).json()


async def test_confirm_turns_two_factor_on(api: Api) -> None:
    tokens = await mayor(api)
    setup = (await api.client.post(ENABLE, headers=bearer(tokens["access_token"]))).json()

    response = await api.client.post(CONFIRM, json={"code": totp_code(api, setup["secret"])},
                                     headers=bearer(tokens["access_token"]))

    assert response.status_code == 200, response.text
    assert response.json() == {"two_factor_enabled": True, "message": "Authentification à deux facteurs activée"}
    stored = await user_in_db(api, "maire@paris1.fr")
    assert stored is not None and stored.two_factor_enabled is True


async def test_confirm_with_a_wrong_code_changes_nothing(api: Api) -> None:
    tokens = await mayor(api)
    setup = (await api.client.post(ENABLE, headers=bearer(tokens["access_token"]))).json()
    wrong = "000000" if totp_code(api, setup["secret"]) != "000000" else "111111"

    bad = await api.client.post(CONFIRM, json={"code": wrong}, headers=bearer(tokens["access_token"]))
    backup = await api.client.post(CONFIRM, json={"code": setup["backup_codes"][0]},
                                   headers=bearer(tokens["access_token"]))
    missing = await api.client.post(CONFIRM, json={}, headers=bearer(tokens["access_token"]))

    assert "code" in error(bad, 422, "VALIDATION_ERROR")["details"]
    assert "code" in error(backup, 422, "VALIDATION_ERROR")["details"]
    assert error(missing, 422, "VALIDATION_ERROR")["details"] == {"code": ["Ce champ est requis"]}
    stored = await user_in_db(api, "maire@paris1.fr")
    assert stored is not None and stored.two_factor_enabled is False
    assert "access_token" in (await login(api, "maire@paris1.fr")).json()


async def test_confirm_before_enable_and_enable_twice_are_refused(api: Api) -> None:
    tokens = await mayor(api)

    early = await api.client.post(CONFIRM, json={"code": "123456"}, headers=bearer(tokens["access_token"]))
    error(early, 400, "BAD_REQUEST")
    setup = await enabled(api, tokens)
    twice = await api.client.post(ENABLE, headers=bearer(tokens["access_token"]))

    error(twice, 400, "BAD_REQUEST")
    stored = await user_in_db(api, "maire@paris1.fr")
    assert stored is not None and stored.totp_secret is not None and stored.totp_secret != setup["secret"]
    assert (await api.container.get(SecretBox)).open(stored.totp_secret) == setup["secret"]


async def test_settings_2fa_needs_a_mairie_access_token(api: Api) -> None:
    tokens = await mayor(api)
    sv = await spotvibe_token(api)

    for headers in (None, bearer(sv), bearer(tokens["refresh_token"])):
        error(await api.client.post(ENABLE, headers=headers), 401, "UNAUTHORIZED")
        error(await api.client.post(CONFIRM, json={"code": "123456"}, headers=headers), 401, "UNAUTHORIZED")
    stored = await user_in_db(api, "maire@paris1.fr")
    assert stored is not None and stored.two_factor_method is None


async def test_two_factor_of_one_user_does_not_touch_another(api: Api) -> None:
    boss = await mayor(api)
    citizen = await account(api, "citoyen@exemple.fr")

    await enabled(api, citizen)

    assert "access_token" in (await login(api, "maire@paris1.fr")).json()
    assert (await login(api, "citoyen@exemple.fr")).json()["two_factor_required"] is True
    assert boss["user"]["id"] != citizen["user"]["id"]


async def test_login_with_two_factor_takes_a_second_step(api: Api) -> None:
    tokens = await mayor(api)
    setup = await enabled(api, tokens)

    first = await login(api, "maire@paris1.fr")

    assert first.status_code == 200, first.text
    step = first.json()
    assert step["two_factor_required"] is True and step["method"] == "TOTP" and step["expires_in"] == 300
    assert "access_token" not in step and step["challenge_token"]
    second = await api.client.post(LOGIN, json={"challenge_token": step["challenge_token"],
                                                "otp_code": next_step_code(api, setup["secret"])})
    assert second.status_code == 200, second.text
    body = second.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["user"]["email"] == "maire@paris1.fr" and body["user"]["municipality"]["code"] == "75001"
    assert (await api.client.get(f"{API}/auth/profile/", headers=bearer(body["access_token"]))).status_code == 200


async def test_a_backup_code_works_once(api: Api) -> None:
    tokens = await mayor(api)
    setup = await enabled(api, tokens)
    code = setup["backup_codes"][3]

    used = await api.client.post(LOGIN, json={"challenge_token": await challenge(api), "otp_code": code})
    reused = await api.client.post(LOGIN, json={"challenge_token": await challenge(api), "otp_code": code})

    assert used.status_code == 200 and "access_token" in used.json(), used.text
    assert "otp_code" in error(reused, 422, "VALIDATION_ERROR")["details"]
    other = await api.client.post(LOGIN, json={"challenge_token": await challenge(api),
                                               "otp_code": setup["backup_codes"][4]})
    assert other.status_code == 200, other.text


async def test_a_totp_code_is_accepted_once(api: Api) -> None:
    tokens = await mayor(api)
    setup = await enabled(api, tokens)
    code = next_step_code(api, setup["secret"])

    used = await api.client.post(LOGIN, json={"challenge_token": await challenge(api), "otp_code": code})
    replay = await api.client.post(LOGIN, json={"challenge_token": await challenge(api), "otp_code": code})

    assert used.status_code == 200, used.text
    assert "otp_code" in error(replay, 422, "VALIDATION_ERROR")["details"]


async def test_second_step_bad_input(api: Api) -> None:
    tokens = await mayor(api)
    await enabled(api, tokens)
    token = await challenge(api)

    no_code = await api.client.post(LOGIN, json={"challenge_token": token})
    no_token = await api.client.post(LOGIN, json={"otp_code": "123456"})
    wrong = await api.client.post(LOGIN, json={"challenge_token": token, "otp_code": "12345678"})

    assert error(no_code, 422, "VALIDATION_ERROR")["details"] == {"otp_code": ["Ce champ est requis"]}
    assert error(no_token, 422, "VALIDATION_ERROR")["details"] == {"challenge_token": ["Ce champ est requis"]}
    assert "otp_code" in error(wrong, 422, "VALIDATION_ERROR")["details"]


async def test_second_step_refuses_tokens_that_are_not_a_challenge(api: Api) -> None:
    tokens = await mayor(api)
    setup = await enabled(api, tokens)
    sv = await spotvibe_token(api)

    for fake in ("forged", tokens["access_token"], tokens["refresh_token"], sv):
        response = await api.client.post(LOGIN, json={"challenge_token": fake, "otp_code": setup["backup_codes"][0]})
        error(response, 401, "UNAUTHORIZED")
    # the backup code was not spent by those refusals
    ok = await api.client.post(LOGIN, json={"challenge_token": await challenge(api),
                                            "otp_code": setup["backup_codes"][0]})
    assert ok.status_code == 200, ok.text


async def test_five_wrong_codes_lock_the_account_and_exhaust_the_challenge(api: Api) -> None:
    tokens = await mayor(api)
    setup = await enabled(api, tokens)
    token = await challenge(api)
    answers = [await api.client.post(LOGIN, json={"challenge_token": token, "otp_code": "99999999"})
               for _ in range(5)]

    blocked = await api.client.post(LOGIN, json={"challenge_token": token, "otp_code": setup["backup_codes"][0]})

    assert [a.status_code for a in answers] == [422] * 4 + [401]
    assert answers[-1].json()["error"]["code"] == "ACCOUNT_LOCKED"
    assert answers[-1].json()["error"]["details"]["locked"] is True
    error(blocked, 429, "RATE_LIMITED")
    assert blocked.headers["retry-after"]


async def test_wrong_password_never_reaches_the_second_step(api: Api) -> None:
    tokens = await mayor(api)
    await enabled(api, tokens)

    response = await login(api, "maire@paris1.fr", "Pas-le-bon-1")

    error(response, 401, "UNAUTHORIZED")
    assert "two_factor_required" not in response.json()


async def test_enable_validates_the_body_it_may_have(api: Api) -> None:
    headers = bearer((await mayor(api))["access_token"])
    bad = {"method": "SMS"}, {"method": 3}, {"methode": "TOTP"}, [1], "TOTP"

    refused = [await api.client.post(ENABLE, json=body, headers=headers) for body in bad]

    assert [error(r, 422, "VALIDATION_ERROR")["details"] for r in refused] == [
        {"method": ["Valeur invalide"]}, {"method": ["Une chaîne de caractères est attendue"]},
        {"methode": ["Champ inconnu"]}, {"non_field_errors": ["Un objet JSON est attendu"]},
        {"non_field_errors": ["Un objet JSON est attendu"]}]
    for body in (None, {}, {"method": "TOTP"}):
        assert (await api.client.post(ENABLE, json=body, headers=headers)).status_code == 200
