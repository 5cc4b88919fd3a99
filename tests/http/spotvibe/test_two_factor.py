"""/api/auth/2fa/: setup, confirmation, and the second step of a login (TOTP, backup codes, EMAIL, SMS)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from dishka import Provider

from adapters.memory.store import FrozenClock
from application.identity.ports import SecretBox
from tests.http.conftest import Api, frozen, totp_code
from tests.http.spotvibe.helpers import account, bearer, error, last_code, login, user_in_db

SETUP = "/api/auth/2fa/setup/"
VERIFY = "/api/auth/2fa/verify/"
STATUS = "/api/auth/status/"
PROFILE = "/api/users/profile/"
VERIFIED = "Vérification 2FA réussie."


@pytest.fixture
def extra_providers(clock: FrozenClock) -> list[Provider]:
    return [frozen(clock)]


async def setup(api: Api, access: str, method: str = "TOTP") -> dict[str, Any]:
    response = await api.client.post(SETUP, json={"method": method}, headers=bearer(access))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def two_factor_status(api: Api, access: str) -> bool:
    enabled: bool = (await api.client.get(STATUS, headers=bearer(access))).json()["2fa_enabled"]
    return enabled


async def with_totp(api: Api) -> tuple[dict[str, str], dict[str, Any]]:
    """An account with TOTP on: its tokens and the setup answer. The setup used the previous step's code,
    so the current step is still free for a login."""
    pair = await account(api)
    answer = await setup(api, pair["access"])
    confirmed = await api.client.post(VERIFY, json={"code": totp_code(api, answer["secret_key"], steps=-1)},
                                      headers=bearer(pair["access"]))
    assert confirmed.status_code == 200, confirmed.text
    return pair, answer


async def challenge(api: Api, method: str = "TOTP") -> str:
    response = await login(api)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["two_factor_required"] is True and body["method"] == method and body["expires_in"] > 0
    assert "access" not in body and "refresh" not in body
    token: str = body["challenge"]
    return token


# --- TOTP ---------------------------------------------------------------------------------------------------------

async def test_totp_setup_shows_the_qr_code_secret_and_backup_codes_once(api: Api) -> None:
    pair = await account(api)
    body = await setup(api, pair["access"])
    assert body["method"] == "TOTP" and body["message"]
    assert body["qr_code_url"].startswith("data:image/png;base64,")
    assert re.fullmatch(r"[A-Z2-7]{16,}", body["secret_key"])
    assert len(body["backup_codes"]) == 8 and len(set(body["backup_codes"])) == 8
    assert all(re.fullmatch(r"\d{8}", code) for code in body["backup_codes"])
    assert await two_factor_status(api, pair["access"]) is False
    assert (await login(api)).json().keys() == {"access", "refresh"}


async def test_totp_end_to_end(api: Api) -> None:
    pair, answer = await with_totp(api)
    assert await two_factor_status(api, pair["access"]) is True
    assert (await api.client.get(PROFILE, headers=bearer(pair["access"]))).json()["two_factor_enabled"] is True
    token = await challenge(api)
    response = await api.client.post(VERIFY, json={"code": totp_code(api, answer["secret_key"]), "challenge": token})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["message"] == VERIFIED and body.keys() == {"message", "access", "refresh"}
    assert (await api.client.get(PROFILE, headers=bearer(body["access"]))).status_code == 200


async def test_a_totp_code_counts_once(api: Api) -> None:
    _, answer = await with_totp(api)
    code = totp_code(api, answer["secret_key"])
    first = await api.client.post(VERIFY, json={"code": code, "challenge": await challenge(api)})
    assert first.status_code == 200, first.text
    error(await api.client.post(VERIFY, json={"code": code, "challenge": await challenge(api)}), 400, "code")


async def test_a_backup_code_works_once(api: Api) -> None:
    _, answer = await with_totp(api)
    backup = answer["backup_codes"][3]
    used = await api.client.post(VERIFY, json={"code": backup, "challenge": await challenge(api)})
    assert used.status_code == 200 and used.json()["access"]
    error(await api.client.post(VERIFY, json={"code": backup, "challenge": await challenge(api)}), 400, "code")
    other = await api.client.post(VERIFY, json={"code": answer["backup_codes"][4], "challenge": await challenge(api)})
    assert other.status_code == 200


async def test_second_step_refuses_a_wrong_code_or_challenge(api: Api) -> None:
    pair, answer = await with_totp(api)
    token = await challenge(api)
    error(await api.client.post(VERIFY, json={"code": "000000", "challenge": token}), 400, "code")
    error(await api.client.post(VERIFY, json={"code": totp_code(api, answer["secret_key"]), "challenge": "forgé"}), 400)
    error(await api.client.post(VERIFY, json={"code": totp_code(api, answer["secret_key"]),
                                              "challenge": pair["access"]}), 400)
    error(await api.client.post(VERIFY, json={"challenge": token}), 400, "code")
    good = await api.client.post(VERIFY, json={"code": totp_code(api, answer["secret_key"]), "challenge": token})
    assert good.status_code == 200, good.text


async def test_second_step_needs_no_bearer_and_ignores_a_stale_one(api: Api) -> None:
    pair, answer = await with_totp(api)
    await api.client.post("/api/users/logout/", json={"refresh": pair["refresh"]}, headers=bearer(pair["access"]))
    response = await api.client.post(VERIFY, json={"code": totp_code(api, answer["secret_key"]),
                                                   "challenge": await challenge(api)},
                                     headers=bearer(pair["access"]))
    assert response.status_code == 200, response.text


async def test_confirming_with_a_wrong_code_leaves_two_factor_off(api: Api) -> None:
    pair = await account(api)
    await setup(api, pair["access"])
    error(await api.client.post(VERIFY, json={"code": "000000"}, headers=bearer(pair["access"])), 400, "code")
    assert await two_factor_status(api, pair["access"]) is False
    assert (await login(api)).json().keys() == {"access", "refresh"}


async def test_confirming_without_a_pending_setup_is_400(api: Api) -> None:
    pair = await account(api)
    error(await api.client.post(VERIFY, json={"code": "123456"}, headers=bearer(pair["access"])), 400)
    assert await two_factor_status(api, pair["access"]) is False


async def test_setup_when_already_on_is_400_and_keeps_the_secret(api: Api) -> None:
    pair, answer = await with_totp(api)
    before = await user_in_db(api, "awa@example.com")
    error(await api.client.post(SETUP, json={"method": "EMAIL"}, headers=bearer(pair["access"])), 400)
    after = await user_in_db(api, "awa@example.com")
    assert before is not None and after is not None
    assert after.totp_secret == before.totp_secret and after.totp_secret is not None
    assert (await api.container.get(SecretBox)).open(after.totp_secret) == answer["secret_key"]
    assert after.two_factor_method == before.two_factor_method and after.backup_code_hashes == before.backup_code_hashes


@pytest.mark.parametrize(("body", "field"), [
    ({"method": "PIGEON"}, "method"),
    ({"method": "totp "}, "method"),
    ({}, "method"),
    ({"method": "SMS"}, "method"),
])
async def test_setup_refuses_bad_methods_and_writes_nothing(api: Api, body: dict[str, Any], field: str) -> None:
    pair = await account(api)
    error(await api.client.post(SETUP, json=body, headers=bearer(pair["access"])), 400, field)
    stored = await user_in_db(api, "awa@example.com")
    assert stored is not None and stored.two_factor_method is None and stored.backup_code_hashes == []
    assert api.sms.sent == []


async def test_another_user_cannot_confirm_your_setup(api: Api) -> None:
    awa = await account(api)
    kofi = await account(api, "kofi", "kofi@example.com")
    answer = await setup(api, awa["access"])
    error(await api.client.post(VERIFY, json={"code": totp_code(api, answer["secret_key"])},
                                headers=bearer(kofi["access"])), 400)
    assert await two_factor_status(api, awa["access"]) is False
    assert await two_factor_status(api, kofi["access"]) is False


# --- EMAIL and SMS --------------------------------------------------------------------------------------------------

async def test_email_two_factor_end_to_end(api: Api) -> None:
    pair = await account(api)
    body = await setup(api, pair["access"], "EMAIL")
    assert body["method"] == "EMAIL" and body["qr_code_url"] is None and body["secret_key"] is None
    assert len(body["backup_codes"]) == 8
    code = await last_code(api, "awa@example.com")
    confirmed = await api.client.post(VERIFY, json={"code": code}, headers=bearer(pair["access"]))
    assert confirmed.status_code == 200 and confirmed.json() == {"message": VERIFIED}
    token = await challenge(api, "EMAIL")
    login_code = await last_code(api, "awa@example.com")
    assert len([m for m in api.mailbox.sent if m.to == "awa@example.com"]) == 3
    response = await api.client.post(VERIFY, json={"code": login_code, "challenge": token})
    assert response.status_code == 200, response.text
    assert (await api.client.get(PROFILE, headers=bearer(response.json()["access"]))).status_code == 200
    error(await api.client.post(VERIFY, json={"code": login_code, "challenge": await challenge(api, "EMAIL")}),
          400, "code")


async def test_sms_two_factor_end_to_end(api: Api) -> None:
    pair = await account(api, telephone="+2290197000000")
    await setup(api, pair["access"], "SMS")
    await api.run_jobs()
    assert [m.to for m in api.sms.sent] == ["+2290197000000"]
    code = re.search(r"\b(\d{6})\b", api.sms.sent[-1].text)
    assert code
    confirmed = await api.client.post(VERIFY, json={"code": code.group(1)}, headers=bearer(pair["access"]))
    assert confirmed.status_code == 200, confirmed.text
    token = await challenge(api, "SMS")
    await api.run_jobs()
    login_code = re.search(r"\b(\d{6})\b", api.sms.sent[-1].text)
    assert login_code and len(api.sms.sent) == 2
    response = await api.client.post(VERIFY, json={"code": login_code.group(1), "challenge": token})
    assert response.status_code == 200, response.text
