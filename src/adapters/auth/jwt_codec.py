"""JSON Web Tokens (HS256). The audience is the realm, so a token of one face is refused by another."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jwt

from application.identity.ports import TokenClaims
from application.shared.ports import Clock
from domain.identity.errors import InvalidToken
from domain.identity.model import Realm
from domain.shared.ids import MAX_ID

ISSUER = "agora"
_REGISTERED = frozenset({"iss", "aud", "sub", "typ", "jti", "sid", "iat", "exp"})


class JwtTokenCodec:
    """Signature checks are remembered per token (a token's claims never change; expiry and kind are checked on
    every use), for the last `remembered` tokens seen."""

    def __init__(self, secret: str, clock: Clock, *, leeway_seconds: int = 0, remembered: int = 10_000) -> None:
        self._secret = secret
        self._clock = clock
        self._leeway = leeway_seconds
        self._verified: dict[tuple[str, Realm], dict[str, Any]] = {}
        self._remembered = remembered

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
        payload = self._verified.get((token, realm))
        if payload is None:
            payload = self._verify(token, realm)
            if len(self._verified) >= self._remembered:
                self._verified.clear()
            self._verified[token, realm] = payload
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
        return TokenClaims(
            user_id=user_id, realm=realm, kind=kind, jti=str(payload["jti"]), session_id=str(payload["sid"]),
            expires_at=expires_at,
            extra={k: v for k, v in payload.items() if k not in _REGISTERED},
        )

    def _verify(self, token: str, realm: Realm) -> dict[str, Any]:
        try:
            payload: dict[str, Any] = jwt.decode(
                token, self._secret, algorithms=["HS256"], audience=str(realm), issuer=ISSUER,
                options={"require": ["exp", "sub", "jti", "sid", "typ", "aud"], "verify_exp": False,
                         "verify_iat": False},
            )
        except jwt.PyJWTError:
            raise InvalidToken() from None
        return payload
