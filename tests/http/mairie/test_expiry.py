"""What expires, with the app's clock frozen and moved by hand (FrozenClock replaces the system clock)."""

from __future__ import annotations

import pyotp
import pytest
from dishka import Provider

from adapters.memory.store import FrozenClock
from tests.http.conftest import Api, frozen
from tests.http.mairie.helpers import API, PASSWORD, bearer, emailed_code, error, login, mayor, reset_token, user_in_db


@pytest.fixture
def extra_providers(clock: FrozenClock) -> list[Provider]:
    return [frozen(clock)]


async def test_access_token_expires_after_an_hour_and_refresh_still_works(api: Api, clock: FrozenClock) -> None:
    tokens = await mayor(api)
    clock.advance(minutes=59)
    assert (await api.client.get(f"{API}/auth/profile/", headers=bearer(tokens["access_token"]))).status_code == 200

    clock.advance(minutes=2)

    error(await api.client.get(f"{API}/auth/profile/", headers=bearer(tokens["access_token"])), 401, "UNAUTHORIZED")
    fresh = await api.client.post(f"{API}/auth/token/refresh/", json={"refresh_token": tokens["refresh_token"]})
    assert fresh.status_code == 200, fresh.text
    assert (await api.client.get(f"{API}/auth/profile/",
                                 headers=bearer(fresh.json()["access_token"]))).status_code == 200


async def test_email_code_expires_after_ten_minutes(api: Api, clock: FrozenClock) -> None:
    await mayor(api)
    await api.client.post(f"{API}/auth/email/verify/send/", json={"email": "maire@paris1.fr"})
    code = await emailed_code(api, "maire@paris1.fr")

    clock.advance(minutes=10, seconds=1)

    response = await api.client.post(f"{API}/auth/email/verify/confirm/",
                                     json={"email": "maire@paris1.fr", "otp_code": code})
    assert "otp_code" in error(response, 422, "VALIDATION_ERROR")["details"]
    stored = await user_in_db(api, "maire@paris1.fr")
    assert stored is not None and stored.email_verified is False


async def test_reset_token_expires_after_an_hour(api: Api, clock: FrozenClock) -> None:
    await mayor(api)
    await api.client.post(f"{API}/auth/password/forgot/", json={"email": "maire@paris1.fr"})
    token = await reset_token(api, "maire@paris1.fr")

    clock.advance(hours=1, seconds=1)

    response = await api.client.post(f"{API}/auth/password/reset/", json={
        "token": token, "password": "N0uveau-secret!", "password_confirm": "N0uveau-secret!"})
    assert "token" in error(response, 422, "VALIDATION_ERROR")["details"]
    assert (await login(api, "maire@paris1.fr", PASSWORD)).status_code == 200


async def test_two_factor_challenge_expires_after_five_minutes(api: Api, clock: FrozenClock) -> None:
    tokens = await mayor(api)
    setup = (await api.client.post(f"{API}/settings/2fa/enable/", headers=bearer(tokens["access_token"]))).json()
    totp = pyotp.TOTP(setup["secret"])
    confirmed = await api.client.post(f"{API}/settings/2fa/confirm/", json={"code": totp.at(clock.now())},
                                      headers=bearer(tokens["access_token"]))
    assert confirmed.status_code == 200, confirmed.text
    challenge = (await login(api, "maire@paris1.fr")).json()["challenge_token"]

    clock.advance(minutes=5, seconds=1)

    late = await api.client.post(f"{API}/auth/login/", json={"challenge_token": challenge,
                                                             "otp_code": totp.at(clock.now())})
    error(late, 401, "UNAUTHORIZED")
    fresh = (await login(api, "maire@paris1.fr")).json()["challenge_token"]
    ok = await api.client.post(f"{API}/auth/login/", json={"challenge_token": fresh, "otp_code": totp.at(clock.now())})
    assert ok.status_code == 200, ok.text
