"""JSON Web Tokens (HS256). The audience is the realm, so a token of one face is refused by another."""

from __future__ import annotations

from datetime import UTC, datetime

import jwt

from application.identity.ports import TokenClaims
from application.shared.ports import Clock
from domain.identity.errors import InvalidToken
from domain.identity.model import Realm
from domain.shared.ids import MAX_ID

ISSUER = "agora"


class JwtTokenCodec:
    def __init__(self, secret: str, clock: Clock, *, leeway_seconds: int = 0) -> None:
        self._secret = secret
        self._clock = clock
        self._leeway = leeway_seconds

    def encode(self, claims: TokenClaims) -> str:
        payload = {
            "iss": ISSUER,
            "aud": str(claims.realm),
            "sub": str(claims.user_id),
            "typ": claims.kind,
            "jti": claims.jti,
            "sid": claims.session_id,
            "iat": int(self._clock.now().timestamp()),
            "exp": int(claims.expires_at.timestamp()),
            **claims.extra,
        }
        return jwt.encode(payload, self._secret, algorithm="HS256")

    def decode(self, token: str, *, realm: Realm, kind: str) -> TokenClaims:
        try:
            payload = jwt.decode(
                token, self._secret, algorithms=["HS256"], audience=str(realm), issuer=ISSUER,
                options={"require": ["exp", "sub", "jti", "sid", "typ", "aud"], "verify_exp": False,
                         "verify_iat": False},
            )
        except jwt.PyJWTError:
            raise InvalidToken() from None
        try:
            user_id, expiry = int(payload["sub"]), int(payload["exp"])
            expires_at = datetime.fromtimestamp(expiry, UTC)
        except (TypeError, ValueError, OverflowError, OSError):
            raise InvalidToken() from None
        if not 1 <= user_id <= MAX_ID:
            raise InvalidToken()
        if expiry + self._leeway <= self._clock.now().timestamp():
            raise InvalidToken("Token expiré")
        if payload.get("typ") != kind:
            raise InvalidToken()
        known = {"iss", "aud", "sub", "typ", "jti", "sid", "iat", "exp"}
        return TokenClaims(
            user_id=user_id, realm=realm, kind=kind, jti=str(payload["jti"]), session_id=str(payload["sid"]),
            expires_at=expires_at,
            extra={k: v for k, v in payload.items() if k not in known},
        )
