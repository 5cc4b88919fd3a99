"""Google Sign-In: the ID token is verified locally against Google's published keys (JWKS)."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

from adapters.clock import SystemClock
from adapters.social.errors import ProviderUnavailable, get_with_retry
from application.identity.ports import SocialProfile
from application.shared.ports import Clock
from domain.identity.errors import InvalidToken
from domain.identity.model import SocialProvider

GOOGLE_JWKS_URL = "https://www.googleapis.com/oauth2/v3/certs"
GOOGLE_ISSUERS = ("accounts.google.com", "https://accounts.google.com")
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class GoogleSettings:
    client_ids: tuple[str, ...]
    jwks_url: str = GOOGLE_JWKS_URL
    issuers: tuple[str, ...] = GOOGLE_ISSUERS


class GoogleVerifier:
    """Keys are cached for the response's Cache-Control max-age.

    A token signed with an unknown `kid` triggers one refetch (Google rotated its keys), at most once per
    `refetch_cooldown` seconds so that made-up kids cannot turn us into a JWKS fetching loop.
    """

    def __init__(
        self,
        settings: GoogleSettings,
        *,
        clock: Clock | None = None,
        timeout: float = 5.0,
        refetch_cooldown: float = 30.0,
    ) -> None:
        self._settings = settings
        self._clock = clock or SystemClock()
        self._timeout = timeout
        self._cooldown = refetch_cooldown
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fresh_until = float("-inf")
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def verify(self, token: str) -> SocialProfile:
        if not self._settings.client_ids:
            raise InvalidToken("Connexion Google non configurée")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken("Token Google invalide") from None
        kid = header.get("kid")
        if header.get("alg") != "RS256" or not isinstance(kid, str):
            raise InvalidToken("Token Google invalide")
        key = await self._key(kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=["RS256"], audience=list(self._settings.client_ids),
                issuer=self._settings.issuers,
                options={"require": ["exp", "iss", "aud", "sub"], "verify_exp": False, "verify_iat": False,
                         "verify_nbf": False},
            )
        except jwt.PyJWTError:
            raise InvalidToken("Token Google invalide") from None
        exp = claims["exp"]
        if not isinstance(exp, int | float) or exp <= self._now():
            raise InvalidToken("Token Google expiré")
        return _profile(claims)

    def _now(self) -> float:
        return self._clock.now().timestamp()

    async def _key(self, kid: str) -> jwt.PyJWK:
        if kid not in self._keys or self._now() >= self._fresh_until:
            async with self._lock:
                now = self._now()
                if now >= self._fresh_until or (kid not in self._keys and now - self._fetched_at >= self._cooldown):
                    await self._refresh(now)
        key = self._keys.get(kid)
        if key is None:
            raise InvalidToken("Token Google signé par une clé inconnue")
        return key

    async def _refresh(self, now: float) -> None:
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            response = await get_with_retry(client, self._settings.jwks_url, provider="Google")
        try:
            if response.status_code != 200:
                raise ValueError(response.status_code)
            keys = _parse_jwks(response.json())
        except ValueError:
            raise ProviderUnavailable("Google") from None
        self._keys = keys
        self._fetched_at = now
        self._fresh_until = now + _freshness(response.headers)


def _parse_jwks(document: Any) -> dict[str, jwt.PyJWK]:
    keys: dict[str, jwt.PyJWK] = {}
    for data in document.get("keys", []) if isinstance(document, dict) else []:
        try:
            key = jwt.PyJWK(data)
        except (jwt.PyJWTError, TypeError, ValueError):
            continue
        if key.key_id:
            keys[key.key_id] = key
    if not keys:
        raise ValueError("no usable key")
    return keys


def _freshness(headers: httpx.Headers) -> float:
    cache_control = headers.get("cache-control", "")
    if re.search(r"no-cache|no-store", cache_control, re.IGNORECASE):
        return 0.0
    match = _MAX_AGE.search(cache_control)
    if match is None:
        return 0.0
    age = headers.get("age", "0")
    return max(0.0, float(int(match.group(1)) - (int(age) if age.isdigit() else 0)))


def _profile(claims: dict[str, Any]) -> SocialProfile:
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    first_name = str(claims.get("given_name") or "")
    last_name = str(claims.get("family_name") or "")
    picture = claims.get("picture")
    return SocialProfile(
        provider=SocialProvider.GOOGLE,
        social_id=str(claims["sub"]),
        email=email,
        email_verified=email is not None and claims.get("email_verified") in (True, "true"),
        full_name=str(claims.get("name") or f"{first_name} {last_name}".strip()),
        first_name=first_name,
        last_name=last_name,
        photo_url=picture if isinstance(picture, str) and picture else None,
    )
