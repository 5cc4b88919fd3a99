"""/api/auth/google/, /facebook/ and the linked social accounts, with a verifier that knows a few tokens."""

from __future__ import annotations

from typing import Any

import pytest
from dishka import Provider, Scope

from adapters.memory.ports import MemorySocialVerifier
from adapters.memory.store import FrozenClock
from application.identity.ports import SocialProfile, SocialTokenVerifier
from domain.identity.model import SocialProvider
from tests.http.conftest import Api, frozen, totp_code
from tests.http.spotvibe.helpers import account, bearer, error, user_count, user_in_db

GOOGLE = "/api/auth/google/"
FACEBOOK = "/api/auth/facebook/"
ACCOUNTS = "/api/auth/social-accounts/"
PROFILE = "/api/users/profile/"


def disconnect(provider: str) -> str:
    return f"/api/auth/social-accounts/{provider}/disconnect/"


def profile(provider: SocialProvider, social_id: str, email: str | None = "ama@gmail.com", *,
            verified: bool = True) -> SocialProfile:
    return SocialProfile(provider=provider, social_id=social_id, email=email, email_verified=verified,
                         full_name="Ama Mensah", first_name="Ama", last_name="Mensah",
                         photo_url=f"https://photos.example/{social_id}.jpg")


@pytest.fixture
def verifier() -> MemorySocialVerifier:
    known = MemorySocialVerifier()
    known.register("google-ama", profile(SocialProvider.GOOGLE, "g-111"))
    known.register("facebook-ama", profile(SocialProvider.FACEBOOK, "f-222"))
    known.register("google-awa", profile(SocialProvider.GOOGLE, "g-333", "awa@example.com"))
    known.register("google-awa-unverified", profile(SocialProvider.GOOGLE, "g-444", "awa@example.com",
                                                    verified=False))
    known.register("facebook-no-email", profile(SocialProvider.FACEBOOK, "f-555", None))
    return known


@pytest.fixture
def extra_providers(verifier: MemorySocialVerifier, clock: FrozenClock) -> list[Provider]:
    provider = Provider(scope=Scope.APP)
    provider.provide(lambda: verifier, provides=SocialTokenVerifier)
    return [provider, frozen(clock)]


async def social(api: Api, path: str, token: str) -> dict[str, Any]:
    response = await api.client.post(path, json={"access_token": token})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def linked(api: Api, access: str) -> list[dict[str, Any]]:
    response = await api.client.get(ACCOUNTS, headers=bearer(access))
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows


# --- social login -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "token", "provider", "social_id"), [
    (GOOGLE, "google-ama", "GOOGLE", "g-111"),
    (FACEBOOK, "facebook-ama", "FACEBOOK", "f-222"),
])
async def test_social_login_creates_a_passwordless_account_and_links_it(api: Api, path: str, token: str,
                                                                       provider: str, social_id: str) -> None:
    body = await social(api, path, token)
    assert body.keys() == {"access", "refresh", "user"}
    user = body["user"]
    assert user == {"id": user["id"], "username": "ama", "email": "ama@gmail.com", "first_name": "Ama",
                    "last_name": "Mensah", "photo_profil": None, "est_verifie": False}
    stored = await user_in_db(api, "ama@gmail.com")
    assert stored is not None and stored.id == body["user"]["id"] and stored.password_hash is None
    assert stored.email_verified is True
    rows = await linked(api, body["access"])
    assert rows == [{"id": rows[0]["id"], "provider": provider, "social_id": social_id, "email": "ama@gmail.com",
                     "nom_complet": "Ama Mensah", "photo_url": f"https://photos.example/{social_id}.jpg"}]
    assert (await api.client.get(PROFILE, headers=bearer(body["access"]))).json()["email"] == "ama@gmail.com"


async def test_a_second_social_login_reuses_the_account(api: Api) -> None:
    first = await social(api, GOOGLE, "google-ama")
    second = await social(api, GOOGLE, "google-ama")
    assert second["user"]["id"] == first["user"]["id"] and second["access"] != first["access"]
    assert await user_count(api) == 1
    assert len(await linked(api, second["access"])) == 1


async def test_both_providers_with_the_same_verified_email_share_one_account(api: Api) -> None:
    google = await social(api, GOOGLE, "google-ama")
    facebook = await social(api, FACEBOOK, "facebook-ama")
    assert facebook["user"]["id"] == google["user"]["id"] and await user_count(api) == 1
    assert sorted(r["provider"] for r in await linked(api, facebook["access"])) == ["FACEBOOK", "GOOGLE"]


async def test_a_verified_email_links_the_existing_password_account(api: Api) -> None:
    pair = await account(api)
    body = await social(api, GOOGLE, "google-awa")
    stored = await user_in_db(api, "awa@example.com")
    assert stored is not None and body["user"]["id"] == stored.id and body["user"]["username"] == "awa"
    assert await user_count(api) == 1
    assert [r["social_id"] for r in await linked(api, pair["access"])] == ["g-333"]


async def test_an_unverified_email_does_not_take_over_an_existing_account(api: Api) -> None:
    pair = await account(api)
    error(await api.client.post(GOOGLE, json={"access_token": "google-awa-unverified"}), 400)
    assert await user_count(api) == 1
    assert await linked(api, pair["access"]) == []


@pytest.mark.parametrize(("path", "body", "field"), [
    (GOOGLE, {"access_token": "inconnu"}, None),
    (GOOGLE, {"access_token": "facebook-ama"}, None),
    (FACEBOOK, {"access_token": "google-ama"}, None),
    (FACEBOOK, {"access_token": "facebook-no-email"}, None),
    (GOOGLE, {"access_token": "   "}, "access_token"),
    (GOOGLE, {}, "access_token"),
    (FACEBOOK, {"access_token": 12}, "access_token"),
])
async def test_social_login_refuses_bad_tokens_and_creates_nothing(api: Api, path: str, body: dict[str, Any],
                                                                  field: str | None) -> None:
    error(await api.client.post(path, json=body), 400, *([field] if field else []))
    assert await user_count(api) == 0


async def test_social_login_of_an_account_with_two_factor_asks_for_the_second_step(api: Api) -> None:
    first = await social(api, GOOGLE, "google-ama")
    setup = await api.client.post("/api/auth/2fa/setup/", json={"method": "TOTP"}, headers=bearer(first["access"]))
    secret = setup.json()["secret_key"]
    confirm = await api.client.post("/api/auth/2fa/verify/", json={"code": totp_code(api, secret)},
                                    headers=bearer(first["access"]))
    assert confirm.status_code == 200, confirm.text
    body = await social(api, GOOGLE, "google-ama")
    assert body["two_factor_required"] is True and body["method"] == "TOTP" and body["challenge"]
    assert "access" not in body and "refresh" not in body


# --- linked accounts -----------------------------------------------------------------------------------------------

async def test_linked_accounts_are_private_to_their_owner(api: Api) -> None:
    await social(api, GOOGLE, "google-ama")
    pair = await account(api)
    assert await linked(api, pair["access"]) == []


async def test_disconnect_unlinks_when_a_password_remains(api: Api) -> None:
    pair = await account(api)
    await social(api, GOOGLE, "google-awa")
    response = await api.client.post(disconnect("google"), headers=bearer(pair["access"]))
    assert response.status_code == 200 and response.json() == {"message": "Compte social déconnecté avec succès."}
    assert await linked(api, pair["access"]) == []


async def test_disconnect_refuses_the_last_way_to_log_in(api: Api) -> None:
    google = await social(api, GOOGLE, "google-ama")
    await social(api, FACEBOOK, "facebook-ama")
    assert (await api.client.post(disconnect("GOOGLE"), headers=bearer(google["access"]))).status_code == 200
    error(await api.client.post(disconnect("facebook"), headers=bearer(google["access"])), 400)
    assert [r["provider"] for r in await linked(api, google["access"])] == ["FACEBOOK"]


@pytest.mark.parametrize("provider", ["twitter", "facebook", "%20"])
async def test_disconnect_of_an_unknown_or_unlinked_provider_is_400(api: Api, provider: str) -> None:
    pair = await account(api)
    await social(api, GOOGLE, "google-awa")
    error(await api.client.post(disconnect(provider), headers=bearer(pair["access"])), 400)
    assert len(await linked(api, pair["access"])) == 1


async def test_disconnect_only_touches_the_callers_links(api: Api) -> None:
    ama = await social(api, GOOGLE, "google-ama")
    awa = await account(api)
    error(await api.client.post(disconnect("google"), headers=bearer(awa["access"])), 400)
    assert len(await linked(api, ama["access"])) == 1
