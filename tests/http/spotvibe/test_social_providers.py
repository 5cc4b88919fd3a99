"""Social login through the real wiring: Google and Facebook adapters configured by settings, talking to the
local fake providers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.social_providers import FakeFacebook, FakeGoogle
from tests.http.conftest import Api

CLIENT_ID = "web-client.apps.googleusercontent.com"
APP_ID = "424242"
APP_SECRET = "facebook-app-secret"


@pytest.fixture(scope="module")
def google() -> Iterator[FakeGoogle]:
    with FakeGoogle(max_age=600) as fake:
        yield fake


@pytest.fixture(scope="module")
def facebook() -> Iterator[FakeFacebook]:
    with FakeFacebook(app_id=APP_ID, app_secret=APP_SECRET) as fake:
        yield fake


@pytest.fixture
def settings_changes(google: FakeGoogle, facebook: FakeFacebook) -> dict[str, Any]:
    return {"google_client_ids": (CLIENT_ID,), "google_jwks_url": google.jwks_url,
            "facebook_app_id": APP_ID, "facebook_app_secret": APP_SECRET, "facebook_graph_url": facebook.url}


async def test_a_google_id_token_logs_in_and_creates_the_account(api: Api, google: FakeGoogle) -> None:
    token = google.mint_id_token("g-777", "kossi@gmail.com", CLIENT_ID)
    response = await api.client.post("/api/auth/google/", json={"access_token": token})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user"]["email"] == "kossi@gmail.com" and body["access"] and body["refresh"]
    again = await api.client.post("/api/auth/google/", json={"access_token": token})
    assert again.json()["user"]["id"] == body["user"]["id"]
    linked = await api.client.get("/api/auth/social-accounts/",
                                  headers={"Authorization": f"Bearer {body['access']}"})
    assert [(a["provider"], a["social_id"]) for a in linked.json()] == [("GOOGLE", "g-777")]


async def test_a_google_token_for_another_client_or_forged_is_refused(api: Api, google: FakeGoogle) -> None:
    for token in (google.mint_id_token("g-1", "a@gmail.com", "someone-else"),
                  google.mint_id_token("g-1", "a@gmail.com", CLIENT_ID, sign_with_other_key=True),
                  google.mint_id_token("g-1", "a@gmail.com", CLIENT_ID, exp_in=-10)):
        response = await api.client.post("/api/auth/google/", json={"access_token": token})
        assert response.status_code == 400 and "error" in response.json()


async def test_google_down_answers_503(api: Api, google: FakeGoogle) -> None:
    google.rotate_keys()
    token = google.mint_id_token("g-2", "b@gmail.com", CLIENT_ID)
    google.fail_next(5, status=500)
    response = await api.client.post("/api/auth/google/", json={"access_token": token})
    assert response.status_code == 503 and "error" in response.json()


async def test_a_facebook_token_logs_in_with_the_profile_from_the_graph(api: Api, facebook: FakeFacebook) -> None:
    token = facebook.add_user_token(email="kofi@example.com")
    response = await api.client.post("/api/auth/facebook/", json={"access_token": token})
    assert response.status_code == 200, response.text
    assert response.json()["user"]["first_name"] == "Kofi"
    other_app = facebook.add_user_token(app_id="999")
    refused = await api.client.post("/api/auth/facebook/", json={"access_token": other_app})
    assert refused.status_code == 400
