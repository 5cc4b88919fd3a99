"""FacebookVerifier against a local Graph API: debug_token, app check, appsecret_proof, provider failures."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator

import httpx
import pytest

from adapters.social import FacebookSettings, FacebookVerifier, ProviderUnavailable, SocialVerifier
from adapters.social import facebook as facebook_module
from domain.identity.errors import InvalidToken
from domain.identity.model import SocialProvider
from tests.fakes.social_providers import FakeFacebook, base64_proof

APP_ID, APP_SECRET = "5550001112223", "our-app-secret"


@pytest.fixture
def graph() -> Iterator[FakeFacebook]:
    with FakeFacebook(app_id=APP_ID, app_secret=APP_SECRET) as fake:
        yield fake


@pytest.fixture
def verifier(graph: FakeFacebook) -> FacebookVerifier:
    return FacebookVerifier(FacebookSettings(app_id=APP_ID, app_secret=APP_SECRET, graph_url=graph.url),
                            timeout=0.3)


async def test_a_valid_token_gives_the_profile(graph: FakeFacebook, verifier: FacebookVerifier) -> None:
    token = graph.add_user_token(user_id="10229", name="Kofi Mensah", email="kofi@example.com")

    profile = await verifier.verify(token)

    assert profile.provider is SocialProvider.FACEBOOK
    assert profile.social_id == "10229"
    assert (profile.email, profile.email_verified) == ("kofi@example.com", True)
    assert (profile.full_name, profile.first_name, profile.last_name) == ("Kofi Mensah", "Kofi", "Mensah")
    assert profile.photo_url == "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=fake"


async def test_the_requests_carry_the_app_token_and_a_hex_proof(
    graph: FakeFacebook, verifier: FacebookVerifier
) -> None:
    token = graph.add_user_token()
    await verifier.verify(token)

    debug = graph.last(graph.debug_path).query
    assert debug == {"input_token": token, "access_token": f"{APP_ID}|{APP_SECRET}"}
    me = graph.last(graph.me_path).query
    assert me["access_token"] == token
    assert me["appsecret_proof"] == hmac.new(APP_SECRET.encode(), token.encode(), hashlib.sha256).hexdigest()
    assert me["fields"] == "id,name,email,first_name,last_name,picture"


async def test_the_fake_refuses_a_base64_proof(graph: FakeFacebook, verifier: FacebookVerifier,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facebook_module, "appsecret_proof", base64_proof)
    with pytest.raises(InvalidToken):
        await verifier.verify(graph.add_user_token())
    answer = graph.last(graph.me_path)
    assert answer.status == 400
    assert answer.reply["error"]["message"] == "Invalid appsecret_proof provided in the API argument"
    assert answer.reply["error"]["type"] == "OAuthException"


async def test_the_fake_requires_a_proof(graph: FakeFacebook) -> None:
    token = graph.add_user_token()
    async with httpx.AsyncClient() as client:
        answer = await client.get(graph.url + graph.me_path, params={"access_token": token})
    assert answer.status_code == 400
    assert "appsecret_proof" in answer.json()["error"]["message"]


async def test_a_missing_email_gives_no_email(graph: FakeFacebook, verifier: FacebookVerifier) -> None:
    profile = await verifier.verify(graph.add_user_token(email=None))
    assert (profile.email, profile.email_verified) == (None, False)
    assert profile.social_id


async def test_an_unknown_token_is_refused(graph: FakeFacebook, verifier: FacebookVerifier) -> None:
    with pytest.raises(InvalidToken):
        await verifier.verify("EAA-not-a-token")
    assert graph.count(graph.me_path) == 0


async def test_an_expired_token_is_refused(graph: FakeFacebook, verifier: FacebookVerifier) -> None:
    with pytest.raises(InvalidToken):
        await verifier.verify(graph.add_user_token(expired=True))
    assert graph.last(graph.debug_path).reply["data"]["is_valid"] is False


async def test_a_token_of_another_app_is_refused(graph: FakeFacebook, verifier: FacebookVerifier) -> None:
    token = graph.add_user_token(app_id="9990001112223")
    with pytest.raises(InvalidToken, match="autre application"):
        await verifier.verify(token)
    assert graph.last(graph.debug_path).reply["data"]["is_valid"] is True
    assert graph.count(graph.me_path) == 0


async def test_a_wrong_app_secret_is_refused_by_facebook(graph: FakeFacebook) -> None:
    verifier = FacebookVerifier(FacebookSettings(app_id=APP_ID, app_secret="stale-secret", graph_url=graph.url))
    with pytest.raises(InvalidToken):
        await verifier.verify(graph.add_user_token())
    assert graph.last(graph.debug_path).reply["error"]["code"] == 190


async def test_one_server_error_is_retried(graph: FakeFacebook, verifier: FacebookVerifier) -> None:
    token = graph.add_user_token(user_id="77")
    graph.fail_next(1, status=500)
    graph.fail_next(1, status=502, path=graph.me_path)

    assert (await verifier.verify(token)).social_id == "77"
    assert [(r.path, r.status) for r in graph.requests] == [
        (graph.debug_path, 500), (graph.debug_path, 200), (graph.me_path, 502), (graph.me_path, 200)]


async def test_facebook_down_is_reported_as_unavailable(graph: FakeFacebook, verifier: FacebookVerifier) -> None:
    graph.fail_next(2, status=500)
    with pytest.raises(ProviderUnavailable, match="Facebook"):
        await verifier.verify(graph.add_user_token())
    assert graph.count(graph.debug_path) == 2


async def test_a_slow_facebook_is_reported_as_unavailable(graph: FakeFacebook, verifier: FacebookVerifier) -> None:
    graph.slow(1.0)
    with pytest.raises(ProviderUnavailable):
        await verifier.verify(graph.add_user_token())
    assert graph.count(graph.debug_path) == 2


async def test_a_rate_limit_is_reported_as_unavailable(graph: FakeFacebook, verifier: FacebookVerifier) -> None:
    graph.fail_next(1, status=400, body={"error": {"message": "(#4) Application request limit reached",
                                                   "type": "OAuthException", "code": 4, "is_transient": True}})
    with pytest.raises(ProviderUnavailable):
        await verifier.verify(graph.add_user_token())


@pytest.mark.parametrize(("app_id", "app_secret"), [("", APP_SECRET), (APP_ID, "")])
async def test_without_app_credentials_facebook_login_is_not_configured(
    graph: FakeFacebook, app_id: str, app_secret: str
) -> None:
    verifier = FacebookVerifier(FacebookSettings(app_id=app_id, app_secret=app_secret, graph_url=graph.url))
    with pytest.raises(InvalidToken, match="Connexion Facebook non configurée"):
        await verifier.verify(graph.add_user_token())
    assert graph.requests == []


async def test_the_composite_dispatches_facebook_tokens(graph: FakeFacebook, verifier: FacebookVerifier) -> None:
    social = SocialVerifier(google=None, facebook=verifier)
    assert (await social.verify(SocialProvider.FACEBOOK, graph.add_user_token(user_id="31"))).social_id == "31"
    with pytest.raises(InvalidToken, match="Connexion Google non configurée"):
        await social.verify(SocialProvider.GOOGLE, "eyJ-anything")
