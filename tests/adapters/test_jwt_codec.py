"""Tokens: expiry, realm and kind are enforced by the codec."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.auth.jwt_codec import JwtTokenCodec
from adapters.memory.store import FrozenClock
from application.identity.ports import TokenClaims
from domain.identity.errors import InvalidToken
from domain.identity.model import Realm


def claims(clock: FrozenClock, lifetime: int, realm: Realm = Realm.MAIRIE, kind: str = "access") -> TokenClaims:
    return TokenClaims(user_id=7, realm=realm, kind=kind, jti="j", session_id="s",
                       expires_at=clock.now() + timedelta(seconds=lifetime), extra={})


@settings(max_examples=200)
@given(lifetime=st.integers(1, 30 * 86400), elapsed=st.integers(0, 60 * 86400))
def test_a_token_decodes_exactly_while_it_lives(lifetime: int, elapsed: int) -> None:
    clock = FrozenClock()
    codec = JwtTokenCodec("secret-for-tests-0123456789abcdef", clock)
    token = codec.encode(claims(clock, lifetime))
    clock.advance(seconds=elapsed)
    if elapsed < lifetime:
        decoded = codec.decode(token, realm=Realm.MAIRIE, kind="access")
        assert (decoded.user_id, decoded.session_id, decoded.jti) == (7, "s", "j")
    else:
        with pytest.raises(InvalidToken):
            codec.decode(token, realm=Realm.MAIRIE, kind="access")


@pytest.mark.parametrize(("realm", "kind"), [(Realm.SPOTVIBE, "access"), (Realm.EEBC, "access"),
                                             (Realm.MAIRIE, "refresh"), (Realm.MAIRIE, "2fa")])
def test_another_realm_or_kind_is_refused(realm: Realm, kind: str) -> None:
    clock = FrozenClock()
    codec = JwtTokenCodec("secret-for-tests-0123456789abcdef", clock)
    token = codec.encode(claims(clock, 600))
    with pytest.raises(InvalidToken):
        codec.decode(token, realm=realm, kind=kind)


def test_a_token_signed_with_another_key_or_tampered_is_refused() -> None:
    clock = FrozenClock()
    codec = JwtTokenCodec("secret-for-tests-0123456789abcdef", clock)
    other = JwtTokenCodec("another-secret-0123456789abcdef00", clock)
    with pytest.raises(InvalidToken):
        codec.decode(other.encode(claims(clock, 600)), realm=Realm.MAIRIE, kind="access")
    forged = jwt.encode({"sub": "1", "aud": "mairie", "typ": "access", "jti": "j", "sid": "s",
                         "exp": int(clock.now().timestamp()) + 600}, key="", algorithm="none")
    with pytest.raises(InvalidToken):
        codec.decode(forged, realm=Realm.MAIRIE, kind="access")
    with pytest.raises(InvalidToken):
        codec.decode("not-a-token", realm=Realm.MAIRIE, kind="access")


@pytest.mark.parametrize("claim", [{"sub": str(2**63)}, {"sub": "0"}, {"sub": "7.5"}, {"exp": "abc"},
                                   {"exp": 1e300}, {"exp": 2**80}, {"exp": None}])
def test_a_signed_token_with_an_impossible_subject_or_expiry_is_refused(claim: dict[str, object]) -> None:
    clock = FrozenClock()
    secret = "secret-for-tests-0123456789abcdef"
    codec = JwtTokenCodec(secret, clock)
    payload = jwt.decode(codec.encode(claims(clock, 600)), options={"verify_signature": False})
    with pytest.raises(InvalidToken):
        codec.decode(jwt.encode({**payload, **claim}, secret, algorithm="HS256"), realm=Realm.MAIRIE, kind="access")


def test_a_remembered_token_is_still_checked_for_expiry_realm_and_kind_on_every_use() -> None:
    clock = FrozenClock()
    codec = JwtTokenCodec("secret-for-tests-0123456789abcdef", clock, remembered=2)
    token = codec.encode(claims(clock, 60))
    assert codec.decode(token, realm=Realm.MAIRIE, kind="access").user_id == 7  # verified, then remembered
    for realm, kind in ((Realm.SPOTVIBE, "access"), (Realm.MAIRIE, "refresh")):
        with pytest.raises(InvalidToken):
            codec.decode(token, realm=realm, kind=kind)
    head, body, signature = token.split(".")
    with pytest.raises(InvalidToken):
        codec.decode(f"{head}.{body}.{signature[:-2]}AA", realm=Realm.MAIRIE, kind="access")
    for n in range(3):  # more tokens than it remembers: the oldest are forgotten, none is wrongly accepted
        codec.decode(codec.encode(claims(clock, 60 + n)), realm=Realm.MAIRIE, kind="access")
    clock.advance(seconds=60)
    with pytest.raises(InvalidToken, match="expiré"):
        codec.decode(token, realm=Realm.MAIRIE, kind="access")
