"""GoogleVerifier against a local JWKS server: claims checks, key cache and rotation, provider failures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from adapters.social import GoogleSettings, GoogleVerifier, ProviderUnavailable, SocialVerifier
from domain.identity.errors import InvalidToken
from domain.identity.model import SocialProvider
from tests.fakes.social_providers import FakeGoogle

WEB, IOS, ANDROID = "web.apps.googleusercontent.com", "ios.apps.googleusercontent.com", "android.apps"


class ManualClock:
    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def now(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def google() -> Iterator[FakeGoogle]:
    with FakeGoogle(max_age=600) as fake:
        yield fake


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def verifier(google: FakeGoogle, clock: ManualClock) -> GoogleVerifier:
    settings = GoogleSettings(client_ids=(WEB, IOS, ANDROID), jwks_url=google.jwks_url)
    return GoogleVerifier(settings, clock=clock, timeout=0.3, refetch_cooldown=30)


async def test_a_valid_id_token_gives_the_profile(google: FakeGoogle, verifier: GoogleVerifier) -> None:
    profile = await verifier.verify(google.mint_id_token("1098", "awa@example.com", WEB))

    assert profile.provider is SocialProvider.GOOGLE
    assert profile.social_id == "1098"
    assert profile.email == "awa@example.com"
    assert profile.email_verified is True
    assert (profile.full_name, profile.first_name, profile.last_name) == ("Awa Koffi", "Awa", "Koffi")
    assert profile.photo_url == "https://lh3.googleusercontent.com/a/fake-photo"


async def test_the_email_verified_claim_is_carried(google: FakeGoogle, verifier: GoogleVerifier) -> None:
    profile = await verifier.verify(google.mint_id_token("1", "awa@example.com", WEB, email_verified=False))
    assert profile.email_verified is False


async def test_a_token_without_email_gives_no_email(google: FakeGoogle, verifier: GoogleVerifier) -> None:
    profile = await verifier.verify(google.mint_id_token("1", None, WEB, picture=None))
    assert (profile.email, profile.email_verified, profile.photo_url) == (None, False, None)


@pytest.mark.parametrize("audience", [IOS, ANDROID])
async def test_every_configured_client_id_is_accepted(
    google: FakeGoogle, verifier: GoogleVerifier, audience: str
) -> None:
    assert (await verifier.verify(google.mint_id_token("7", "a@example.com", audience))).social_id == "7"


@pytest.mark.parametrize("issuer", ["accounts.google.com", "https://accounts.google.com"])
async def test_both_google_issuers_are_accepted(google: FakeGoogle, verifier: GoogleVerifier, issuer: str) -> None:
    assert (await verifier.verify(google.mint_id_token("8", "a@example.com", WEB, iss=issuer))).social_id == "8"


async def test_a_token_for_another_client_is_refused(google: FakeGoogle, verifier: GoogleVerifier) -> None:
    with pytest.raises(InvalidToken):
        await verifier.verify(google.mint_id_token("1", "a@example.com", "someone-else.apps.googleusercontent.com"))


async def test_a_token_from_another_issuer_is_refused(google: FakeGoogle, verifier: GoogleVerifier) -> None:
    with pytest.raises(InvalidToken):
        await verifier.verify(google.mint_id_token("1", "a@example.com", WEB, iss="https://evil.example.com"))


async def test_an_expired_token_is_refused(google: FakeGoogle, verifier: GoogleVerifier) -> None:
    with pytest.raises(InvalidToken, match="expiré"):
        await verifier.verify(google.mint_id_token("1", "a@example.com", WEB, exp_in=-5))


async def test_expiry_is_judged_by_the_clock(
    google: FakeGoogle, verifier: GoogleVerifier, clock: ManualClock
) -> None:
    token = google.mint_id_token("1", "a@example.com", WEB, exp_in=60)
    await verifier.verify(token)
    clock.advance(61)
    with pytest.raises(InvalidToken, match="expiré"):
        await verifier.verify(token)


async def test_a_token_signed_by_another_key_is_refused(google: FakeGoogle, verifier: GoogleVerifier) -> None:
    with pytest.raises(InvalidToken):
        await verifier.verify(google.mint_id_token("1", "a@example.com", WEB, sign_with_other_key=True))


async def test_a_token_signed_with_the_public_key_as_hmac_secret_is_refused(
    google: FakeGoogle, verifier: GoogleVerifier
) -> None:
    claims = jwt.decode(google.mint_id_token("1", "a@example.com", WEB), options={"verify_signature": False})
    forged = jwt.encode(claims, "the-public-key-pem-used-as-an-hmac-secret", algorithm="HS256",
                        headers={"kid": google.signing.kid})
    with pytest.raises(InvalidToken):
        await verifier.verify(forged)


async def test_garbage_is_refused_without_asking_google(google: FakeGoogle, verifier: GoogleVerifier) -> None:
    with pytest.raises(InvalidToken):
        await verifier.verify("not-a-jwt")
    assert google.count(FakeGoogle.JWKS_PATH) == 0


async def test_keys_are_cached_for_the_max_age(
    google: FakeGoogle, verifier: GoogleVerifier, clock: ManualClock
) -> None:
    for _ in range(3):
        await verifier.verify(google.mint_id_token("1", "a@example.com", WEB))
    assert google.count(FakeGoogle.JWKS_PATH) == 1

    clock.advance(599)
    await verifier.verify(google.mint_id_token("1", "a@example.com", WEB))
    assert google.count(FakeGoogle.JWKS_PATH) == 1

    clock.advance(2)
    await verifier.verify(google.mint_id_token("1", "a@example.com", WEB))
    assert google.count(FakeGoogle.JWKS_PATH) == 2


async def test_without_cache_control_keys_are_fetched_every_time(google: FakeGoogle, verifier: GoogleVerifier) -> None:
    google.max_age = None
    for _ in range(2):
        await verifier.verify(google.mint_id_token("1", "a@example.com", WEB))
    assert google.count(FakeGoogle.JWKS_PATH) == 2


async def test_an_unknown_kid_refetches_the_keys_after_a_rotation(
    google: FakeGoogle, verifier: GoogleVerifier, clock: ManualClock
) -> None:
    await verifier.verify(google.mint_id_token("1", "a@example.com", WEB))
    old_token = google.mint_id_token("1", "a@example.com", WEB)
    new_kid = google.rotate_keys()
    clock.advance(31)

    profile = await verifier.verify(google.mint_id_token("2", "b@example.com", WEB))

    assert profile.social_id == "2"
    assert google.count(FakeGoogle.JWKS_PATH) == 2
    assert jwt.get_unverified_header(google.mint_id_token("3", None, WEB))["kid"] == new_kid
    assert (await verifier.verify(old_token)).social_id == "1"
    assert google.count(FakeGoogle.JWKS_PATH) == 2


async def test_made_up_kids_cause_at_most_one_refetch_per_cooldown(
    google: FakeGoogle, verifier: GoogleVerifier, clock: ManualClock
) -> None:
    await verifier.verify(google.mint_id_token("1", "a@example.com", WEB))
    clock.advance(31)
    for _ in range(3):
        with pytest.raises(InvalidToken, match="clé inconnue"):
            await verifier.verify(google.mint_id_token("1", "a@example.com", WEB, kid="made-up"))
    assert google.count(FakeGoogle.JWKS_PATH) == 2


async def test_one_jwks_failure_is_retried(google: FakeGoogle, verifier: GoogleVerifier) -> None:
    google.fail_next(1, status=503)
    assert (await verifier.verify(google.mint_id_token("1", "a@example.com", WEB))).social_id == "1"
    assert [r.status for r in google.requests] == [503, 200]


async def test_google_down_is_reported_as_unavailable(google: FakeGoogle, verifier: GoogleVerifier) -> None:
    google.fail_next(2, status=500)
    with pytest.raises(ProviderUnavailable, match="Google"):
        await verifier.verify(google.mint_id_token("1", "a@example.com", WEB))
    assert google.count(FakeGoogle.JWKS_PATH) == 2
    assert (await verifier.verify(google.mint_id_token("1", "a@example.com", WEB))).social_id == "1"


async def test_a_slow_google_is_reported_as_unavailable(google: FakeGoogle, verifier: GoogleVerifier) -> None:
    google.slow(1.0)
    with pytest.raises(ProviderUnavailable):
        await verifier.verify(google.mint_id_token("1", "a@example.com", WEB))
    assert google.count(FakeGoogle.JWKS_PATH) == 2


async def test_an_unreachable_jwks_url_is_reported_as_unavailable(google: FakeGoogle) -> None:
    url = google.jwks_url
    google.stop()
    verifier = GoogleVerifier(GoogleSettings(client_ids=(WEB,), jwks_url=url), timeout=0.3)
    with pytest.raises(ProviderUnavailable):
        await verifier.verify(google.mint_id_token("1", "a@example.com", WEB))


async def test_a_jwks_url_answering_404_is_reported_as_unavailable(google: FakeGoogle) -> None:
    verifier = GoogleVerifier(GoogleSettings(client_ids=(WEB,), jwks_url=google.url + "/nowhere"))
    with pytest.raises(ProviderUnavailable):
        await verifier.verify(google.mint_id_token("1", "a@example.com", WEB))


async def test_without_client_ids_google_login_is_not_configured(google: FakeGoogle) -> None:
    verifier = GoogleVerifier(GoogleSettings(client_ids=(), jwks_url=google.jwks_url))
    with pytest.raises(InvalidToken, match="Connexion Google non configurée"):
        await verifier.verify(google.mint_id_token("1", "a@example.com", WEB))
    assert google.requests == []


async def test_the_composite_dispatches_google_tokens(google: FakeGoogle, verifier: GoogleVerifier) -> None:
    social = SocialVerifier(google=verifier, facebook=None)
    profile = await social.verify(SocialProvider.GOOGLE, google.mint_id_token("42", "a@example.com", WEB))
    assert profile.social_id == "42"
    with pytest.raises(InvalidToken, match="Connexion Facebook non configurée"):
        await social.verify(SocialProvider.FACEBOOK, "EAA-anything")
    with pytest.raises(InvalidToken, match="Connexion Google non configurée"):
        await SocialVerifier().verify(SocialProvider.GOOGLE, "anything")
